"""View 1's heatmap, which in probe mode takes the focus so that the arrows move the probe's cursor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message

from actviz_tui.ui.widgets.heatmap_view import HeatmapView

STEP = 4  # positions a shift+arrow moves


class ProbeMap(HeatmapView):
    """A HeatmapView that can hold the focus (only in probe mode: ``can_focus`` is set by the view).

    While it has the focus the screen's ← → (channel −1 / +1) yield to it (``CLAIMS_ARROWS``),
    and ↑ ↓ reach it before the layer table, which no longer has the focus.
    """

    CLAIMS_ARROWS: ClassVar[bool] = True
    can_focus = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1, 0)", "Move probe", key_display="↑↓←→", tooltip="probe: one row up"),
        Binding("down", "move(1, 0)", "Probe down", show=False, tooltip="probe: one row down"),
        Binding("left", "move(0, -1)", "Probe left", show=False, tooltip="probe: one column left"),
        Binding("right", "move(0, 1)", "Probe right", show=False, tooltip="probe: one column right"),
        Binding("shift+up", f"move({-STEP}, 0)", "4 up", show=False),
        Binding("shift+down", f"move({STEP}, 0)", "4 down", show=False),
        Binding("shift+left", f"move(0, {-STEP})", "4 left", show=False),
        Binding("shift+right", f"move(0, {STEP})", "4 right", show=False),
        Binding("escape", "leave", "Leave probe", key_display="Esc", tooltip="leave probe mode"),
    ]

    @dataclass
    class Moved(Message):
        """An arrow key in probe mode: move the cursor by so many rows and columns."""

        rows: int
        cols: int

    class Left(Message):
        """Esc in probe mode."""

    def action_move(self, rows: int, cols: int) -> None:
        self.post_message(self.Moved(rows, cols))

    def action_leave(self) -> None:
        self.post_message(self.Left())
