"""A titled small heatmap, used by the across-layers view."""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from actviz_tui.ui.widgets.heatmap_view import HeatmapView


class MapTile(Vertical):
    DEFAULT_CSS = """
    MapTile { height: 14; border: round $panel; }
    MapTile > Label { width: 1fr; text-overflow: ellipsis; text-wrap: nowrap; }
    """

    def __init__(self, title: str, values: np.ndarray, cmap: str, value_range: tuple[float, float]) -> None:
        super().__init__()
        self.title_text = title
        self.values = values
        self.cmap = cmap
        self.value_range = value_range

    def compose(self) -> ComposeResult:
        yield Label(self.title_text)
        yield HeatmapView()

    def on_mount(self) -> None:
        self.query_one(HeatmapView).show_values(self.values, self.cmap, *self.value_range)
