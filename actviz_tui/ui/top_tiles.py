"""View 6's tiles: how many columns fit the pane, and one titled half-block picture per top image."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget

from actviz_tui.core.pictures.cell_format import elide_middle, format_number
from actviz_tui.core.scan.top_images import TopCrop
from actviz_tui.ui.widgets.heatmap_view import HeatmapView

FRAME_W, FRAME_H = 2, 3  # a tile's border (2 columns, 2 rows) and its title row
MIN_TILE_H = 6  # below this the tiles scroll instead of shrinking
GAP = 1  # columns between two tiles


@dataclass(frozen=True)
class TilePlan:
    cols: int
    tile_h: int  # rows of cells per tile, frame and title included


def plan_tiles(count: int, crop_h: int, crop_w: int, width: int, height: int) -> TilePlan:
    """The column count whose tiles show the crops largest in a ``width`` x ``height`` cell pane
    (a cell: 1 pixel wide, 2 tall, as the grid view counts them); rows share the height, and
    tiles never get shorter than MIN_TILE_H (the pane scrolls)."""
    best, best_scale = TilePlan(1, max(MIN_TILE_H, height)), -1.0
    for cols in range(1, max(count, 1) + 1):
        rows = math.ceil(count / cols)
        tile_w = (width - GAP * (cols - 1)) // cols
        tile_h = max(MIN_TILE_H, height // max(rows, 1))
        picture_w, picture_h = tile_w - FRAME_W, (tile_h - FRAME_H) * 2
        if picture_w < 1:
            break
        scale = min(picture_w / max(crop_w, 1), picture_h / max(crop_h, 1))
        if scale >= best_scale - 1e-9:  # as large with more columns: fewer rows to scroll
            best, best_scale = TilePlan(cols, tile_h), scale
    return best


def fit_title(name: str, score: str, width: int) -> str:
    """``name score`` in ``width`` cells: the name elided in the middle, never the score."""
    return f"{elide_middle(name, max(width - len(score) - 1, 1))} {score}"


class TileTitle(Widget):
    """A tile's title line, fitted to its width on every render."""

    DEFAULT_CSS = "TileTitle { height: 1; width: 1fr; }"

    def __init__(self, name: str, score: str) -> None:
        super().__init__()
        self.file_name, self.score = name, score

    def render(self) -> str:
        return fit_title(self.file_name, self.score, self.size.width)


class TopTile(Vertical):
    """One top image: its file name and score above its crop; ``-selected`` frames it."""

    DEFAULT_CSS = """
    TopTile { border: round $panel; height: 100%; }
    TopTile.-selected { border: heavy $accent; }
    TopTile.-selected > TileTitle { text-style: bold; }
    """

    def __init__(self, crop: TopCrop, rank: int) -> None:
        super().__init__()
        self.crop = crop
        self.rank = rank  # 0: the best

    @property
    def title(self) -> str:
        return self.crop.title

    def compose(self) -> ComposeResult:
        top = self.crop.top
        yield TileTitle(Path(top.image).name, format_number(top.score))
        yield HeatmapView()

    def on_mount(self) -> None:
        picture = self.query_one(HeatmapView)
        if self.crop.rgb is None:
            picture.clear(self.crop.error)
        else:
            picture.show_rgb(self.crop.rgb)
