"""A HeatmapView alone in an app, for the graphics-tier tests: ``python picture_app.py TIER``.

Chooses the tier as ``actviz`` does (before the app starts), prints it on stderr,
draws one 16 x 16 map and exits once the picture has been painted.
"""

from __future__ import annotations

import sys

import numpy as np
from textual.app import App, ComposeResult

from actviz_tui.ui.graphics_tier import choose_tier
from actviz_tui.ui.widgets.heatmap_view import HeatmapView


class PictureApp(App[None]):
    def __init__(self, graphics: str) -> None:
        super().__init__()
        self.graphics = graphics
        self.painted = False

    def compose(self) -> ComposeResult:
        yield HeatmapView(id="map")

    def on_mount(self) -> None:
        values = np.add.outer(np.arange(16.0), np.arange(16.0))
        self.query_one(HeatmapView).show_values(values, "viridis", 0.0, 30.0)
        self.set_interval(0.05, self.exit_once_painted)

    def exit_once_painted(self) -> None:
        if not self.painted and self.query_one(HeatmapView).picture_size[0] > 0:
            self.painted = True  # the picture has its size: two refreshes later it has been drawn
            self.call_after_refresh(self.call_after_refresh, self.exit)


if __name__ == "__main__":
    tier = choose_tier(sys.argv[1])
    print(f"tier={tier}", file=sys.stderr)
    PictureApp(tier).run()
