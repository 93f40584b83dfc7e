"""A colour bar with the real values at its ends and middle."""

from __future__ import annotations

import functools

import numpy as np
from rich.segment import Segment
from textual.filter import LineFilter
from textual.strip import Strip
from textual.widget import Widget

from actviz_tui.core.pictures import colormap
from actviz_tui.ui.widgets.halfblock import HalfBlockRenderer
from actviz_tui.ui.widgets.heatmap_view import colour_mode, without_ansi_conversion


class ColorLegend(Widget):
    DEFAULT_CSS = """
    ColorLegend { height: 2; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cmap = "viridis"
        self.vmin = 0.0
        self.vmax = 1.0
        self.has_range = False

    def set_range(self, cmap: str, vmin: float, vmax: float) -> None:
        if (cmap, vmin, vmax, True) != (self.cmap, self.vmin, self.vmax, self.has_range):
            self.cmap, self.vmin, self.vmax, self.has_range = cmap, vmin, vmax, True
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if not self.has_range or width < 1:
            return Strip.blank(width)
        if y == 0:
            return colour_bar(self.cmap, width, colour_mode(self))
        if y == 1:
            return Strip([Segment(value_labels(self.vmin, self.vmax, width))]).extend_cell_length(width)
        return Strip.blank(width)

    def get_line_filters(self) -> list[LineFilter]:
        return without_ansi_conversion(super().get_line_filters())


@functools.lru_cache(maxsize=32)
def colour_bar(cmap: str, width: int, colours: str = "truecolor") -> Strip:
    """One row of the colormap, drawn by the half-block renderer like every picture."""
    table = colormap.lut(cmap)
    indices = np.linspace(0, len(table) - 1, width).astype(int)
    rgb = np.repeat(table[indices][None], 2, axis=0)  # top and bottom pixel alike
    [row] = HalfBlockRenderer(colours=colours).render_rows(rgb)
    return Strip(row, width)


def value_labels(vmin: float, vmax: float, width: int) -> str:
    low, mid, high = (f"{v:.4g}" for v in (vmin, (vmin + vmax) / 2, vmax))
    gap = max(width - len(low) - len(mid) - len(high), 2)
    return (low + " " * (gap // 2) + mid + " " * (gap - gap // 2) + high)[:width]
