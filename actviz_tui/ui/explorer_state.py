"""What the explorer is looking at: plain data, no Textual, easy to test."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from actviz_tui.core.pictures.colormap import COLORMAP_NAMES, OVERLAY_COLORMAPS
from actviz_tui.core.pictures.value_ranges import SCALES


@dataclass(frozen=True)
class ClassMapSettings:
    """What the class-map view computes and draws; None: the model's default."""

    method: str | None = None  # a key of core.explain.METHODS; None: the one that suits the model's head
    class_index: int | None = None  # None: the top prediction
    layer: int | None = None  # table row of the CAM layer; None: the default layer
    cmap: str = OVERLAY_COLORMAPS[0]  # the overlay's colormap
    method_options: tuple = ()  # (name, value) pairs of the method's options, e.g. (("max_channels", 0),)

    def next_cmap(self) -> "ClassMapSettings":
        position = OVERLAY_COLORMAPS.index(self.cmap) if self.cmap in OVERLAY_COLORMAPS else -1
        return replace(self, cmap=OVERLAY_COLORMAPS[(position + 1) % len(OVERLAY_COLORMAPS)])


@dataclass(frozen=True)
class ExplorerState:
    """The selection and the views' settings; replaced whole on every change, so a
    watcher sees old and new, and an export preset or a test reads it all here."""

    layer: int = 0
    channel: int = 0
    channels: int = 1  # channel count of the selected layer
    wanted_channel: int = 0  # the last channel chosen: kept while passing smaller layers
    view: str = "channel"
    cmap: str = "viridis"
    scale: str = "channel"  # normalisation: each channel's own range, or the layer's
    image: int = 0  # index into the image list
    marks: frozenset[tuple[int, int]] = frozenset()  # (layer row, channel) chosen for export
    across_shift: int = 0  # across view: panels its window was moved (PgUp/PgDn) from centring on the layer
    filters_page: int = 0  # filters view: the page of the selected filter's kernels
    filters_face: str = "weights"  # filters view: "weights", or "patterns" (what each channel responds to most)
    cam: ClassMapSettings = ClassMapSettings()  # class-map view: method, class, layer, overlay colours
    grid_order: str = "index"  # grid view: the tiles' order, one of channel_ranking.ORDERS

    def with_channel(self, channel: int) -> "ExplorerState":
        chosen = min(max(channel, 0), max(self.channels - 1, 0))
        page = self.filters_page if chosen == self.channel else 0  # another filter's kernels: from the start
        return replace(self, channel=chosen, wanted_channel=chosen, filters_page=page)

    def step_channel(self, delta: int) -> "ExplorerState":
        return self.with_channel(self.channel + delta)

    def step_among(self, chosen: tuple[int, ...], direction: int) -> "ExplorerState":
        """The next (``direction`` 1) or previous (-1) channel of ``chosen`` (ascending)
        after the current one, wrapping around; unchanged when ``chosen`` is empty."""
        if not chosen:
            return self
        if direction > 0:
            return self.with_channel(next((c for c in chosen if c > self.channel), chosen[0]))
        return self.with_channel(next((c for c in reversed(chosen) if c < self.channel), chosen[-1]))

    def with_layer(self, layer: int, channels: int) -> "ExplorerState":
        """A new layer shows the chosen channel where it has it, else its last one;
        the across window centres on it again, the filters start on their first page."""
        channels = max(channels, 1)
        channel = min(self.wanted_channel, channels - 1)
        moved = (layer, channel) != (self.layer, self.channel)
        return replace(
            self, layer=layer, channels=channels, channel=channel,
            across_shift=self.across_shift if layer == self.layer else 0,
            filters_page=0 if moved else self.filters_page,
        )

    def next_cmap(self) -> "ExplorerState":
        position = COLORMAP_NAMES.index(self.cmap) if self.cmap in COLORMAP_NAMES else -1
        return replace(self, cmap=COLORMAP_NAMES[(position + 1) % len(COLORMAP_NAMES)])

    def next_scale(self) -> "ExplorerState":
        return replace(self, scale=SCALES[(SCALES.index(self.scale) + 1) % len(SCALES)])

    def with_view(self, view: str) -> "ExplorerState":
        return replace(self, view=view)

    def toggle_patterns(self) -> "ExplorerState":
        """P: in the filters view, its other face; from any other view, its patterns face."""
        if self.view == "filters" and self.filters_face == "patterns":
            return replace(self, filters_face="weights")
        return replace(self, view="filters", filters_face="patterns")

    def toggle_mark(self) -> "ExplorerState":
        return replace(self, marks=self.marks ^ {(self.layer, self.channel)})

    @property
    def is_marked(self) -> bool:
        return (self.layer, self.channel) in self.marks

    def marked_channels(self, layer: int) -> frozenset[int]:
        return frozenset(channel for row, channel in self.marks if row == layer)


@dataclass(frozen=True, eq=False)
class LayerData:
    """The selected layer's activation (compared by identity: arrays have no ==)."""

    row: int
    array: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class ImageWalk:
    """A move through the image list (n, p, or the first image at start): an image
    that cannot be read is skipped for the next one the same way, once round at most."""

    step: int  # +1 (n) or -1 (p)
    start: int  # the first image tried
    shown: int | None  # the image on show (reached again: every other one failed); None before the first

    def after(self, failed: int, count: int) -> int | None:
        """The image to try after ``failed``; None when the walk is back where it began."""
        following = (failed + self.step) % count
        return None if following in (self.start, self.shown) else following
