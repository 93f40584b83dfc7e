"""A colour bar with the real values at its ends and middle."""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from actviz_tui.core import colormap


class ColorLegend(Widget):
    DEFAULT_CSS = """
    ColorLegend { height: 2; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cmap = "viridis"
        self.vmin = 0.0
        self.vmax = 1.0
        self.visible_values = False

    def set_range(self, cmap: str, vmin: float, vmax: float) -> None:
        self.cmap, self.vmin, self.vmax = cmap, vmin, vmax
        self.visible_values = True
        self.refresh()

    def render(self) -> Text:
        width = max(self.content_size.width, 10)
        if not self.visible_values:
            return Text("")
        table = colormap.lut(self.cmap)
        indices = np.linspace(0, len(table) - 1, width).astype(int)
        bar = Text()
        for index in indices:
            red, green, blue = (int(v) for v in table[index])
            bar.append(" ", Style(bgcolor=Color.from_rgb(red, green, blue)))
        low, mid, high = (f"{v:.4g}" for v in (self.vmin, (self.vmin + self.vmax) / 2, self.vmax))
        gap = max(width - len(low) - len(mid) - len(high), 2)
        labels = low + " " * (gap // 2) + mid + " " * (gap - gap // 2) + high
        bar.append("\n" + labels[:width])
        return bar
