"""The class map's driving channels: the CAM layer's channels that drove the selected class.

Beside the predictions: the top ``SHOWN`` channels by contribution (Grad-CAM weight of
the class x the channel's mean activation, times the positions: the channel's term in
the class score's linear approximation), signed, with their share of the sum of the
contributions' magnitudes. `u` / `U` (the class-map view's keys) select the next or
previous listed channel in the layer table; the selected one is marked ▶.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from actviz_tui.core.explain import METHODS
from actviz_tui.ui.ranking_job import ContributionsKey, ContributionsReady

SHOWN = 5
MARK = "\u25b6"
KEYS_HINT = "u / U: next / previous \u00b7 1: its map"
HOW = "contribution = Grad-CAM w \u00d7 mean \u00d7 h\u00b7w\nshare: of the sum of |contributions|"
HEADER = f"  {'rank':<5} {'channel':<8}{'contribution':>13}{'share':>7}\n"


class DriversPanel(Static):
    DEFAULT_CSS = """
    DriversPanel { width: 42; height: auto; padding: 0 0 0 2; color: $text; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.found: Any = None  # core.explain.channel_contributions.ChannelContributions on show
        self.key: ContributionsKey | None = None  # the contributions asked for
        self.channels: tuple[int, ...] = ()  # the listed channels, most positive contribution first
        self._selected: tuple[int | None, int | None] = (None, None)  # (layer row, channel) of the selection

    @property
    def layer_row(self) -> int | None:
        return None if self.found is None else self.found.layer_row

    def wanted(self, result, image: str | None) -> ContributionsKey | None:
        """The contributions a class heatmap's layer and class need, if not on show or asked already."""
        if result.layer_row is None:  # occlusion, saliency...: a map on the input, no channels
            self.unavailable(f"{METHODS[result.method].title} explains on the input, not a layer's channels "
                             "(k: a CAM method)")
            return None
        key = ContributionsKey(image, result.layer_row, result.class_index)
        if key == self.key and self.found is not None:
            return None
        self.key, self.found, self.channels = key, None, ()
        self.update(Text(f"driving channels of {result.layer_name}: computing\u2026", style="dim"))
        return key

    def answered(self, message: ContributionsReady) -> None:
        if message.key != self.key:
            return
        if message.found is None:
            self.unavailable(message.error)
        else:
            self.show(message.found)

    def unavailable(self, why: str) -> None:
        self.key, self.found, self.channels = None, None, ()
        self.update(Text(f"driving channels: {why}", style="dim"))

    def show(self, found) -> None:
        """List the top channels of ``found`` (ChannelContributions)."""
        values = found.contributions
        finite = [c for c in range(len(values)) if values[c] == values[c]]  # NaN left out
        self.found = found
        self.channels = tuple(sorted(finite, key=lambda c: (-values[c], c))[:SHOWN])
        self._draw()

    def select(self, layer: int, channel: int) -> None:
        """The explorer's selection moved: mark it when it is a listed channel."""
        if self._selected != (layer, channel):
            self._selected = (layer, channel)
            if self.found is not None:
                self._draw()

    def after(self, step: int) -> int | None:
        """The listed channel ``step`` places after the selected one (from the first, if none is)."""
        if not self.channels:
            return None
        layer, channel = self._selected
        if layer != self.layer_row or channel not in self.channels:
            return self.channels[0 if step > 0 else -1]
        return self.channels[(self.channels.index(channel) + step) % len(self.channels)]

    def _draw(self) -> None:
        found = self.found
        what = f"class {found.class_index}" + (f" '{found.label}'" if found.label else "")
        text = Text()
        text.append(f"drove {what} at {found.layer}:\n", style="bold")
        text.append(HEADER, style="dim")
        shares = found.shares
        for rank, channel in enumerate(self.channels):
            marked = self._selected == (found.layer_row, channel)
            text.append(f"{MARK if marked else ' '} ", style="bold yellow")
            share = f"{shares[channel]:+.0%}" if shares[channel] == shares[channel] else "n/a"
            line = f"#{rank + 1:<4} c{channel:<7}{found.contributions[channel] + 0.0:>+13.4g}{share:>7}"
            text.append(line, style="reverse" if marked else "")
            text.append("\n")
        text.append(f"{KEYS_HINT}\n{HOW}", style="dim")
        self.update(text)
