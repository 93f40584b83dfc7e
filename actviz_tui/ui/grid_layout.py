"""Channel grid arithmetic: the tile size that fits a pane, pages, the slot under a click.

Pure arithmetic; where a tile sits is ``core.pictures.mosaic.tile_origin``, as in the exported grids.
"""

from __future__ import annotations

from dataclasses import dataclass

from actviz_tui.core.pictures.mosaic import tile_origin

MIN_TILE_PX = 10
GAP_PX = 1


@dataclass(frozen=True)
class GridLayout:
    cols: int
    rows: int
    tile_w: int
    tile_h: int
    gap: int = GAP_PX
    scale: int = 1  # pixels per half-block pixel: labels and frames grow with it

    def zoomed(self, factor: int) -> GridLayout:
        """The same pages and tiles, ``factor`` times as many pixels each way (for real-pixel terminals)."""
        return GridLayout(self.cols, self.rows, self.tile_w * factor, self.tile_h * factor,
                          self.gap * factor, self.scale * factor)

    @property
    def per_page(self) -> int:
        return self.cols * self.rows

    def page_of(self, channel: int) -> int:
        return channel // self.per_page

    def tile_origin(self, slot: int) -> tuple[int, int]:
        """(y, x) pixel of the top-left corner of the slot-th tile on a page."""
        return tile_origin(slot, self.cols, self.tile_h, self.tile_w, self.gap)

    def slot_at(self, y: int, x: int) -> int | None:
        """Which slot a pixel falls in, None for gaps and outside."""
        row, y_in = divmod(y, self.tile_h + self.gap)
        col, x_in = divmod(x, self.tile_w + self.gap)
        if y_in >= self.tile_h or x_in >= self.tile_w or col >= self.cols or row >= self.rows:
            return None
        return row * self.cols + col

    @property
    def pixel_size(self) -> tuple[int, int]:
        return (
            self.rows * (self.tile_h + self.gap) - self.gap,
            self.cols * (self.tile_w + self.gap) - self.gap,
        )


def plan_grid(
    channels: int, map_h: int, map_w: int, pane_h: int, pane_w: int, min_tile: int = MIN_TILE_PX
) -> GridLayout:
    """The largest tiles that fit every channel in the pane, else pages of ``min_tile``-pixel tiles.

    pane_h/pane_w are in pixels (a terminal cell is 1 px wide, 2 px tall).
    """
    aspect = map_h / max(map_w, 1)
    for tile_w in range(max(pane_w, 1), 0, -1):
        tile_h = max(1, round(tile_w * aspect))
        cols = (pane_w + GAP_PX) // (tile_w + GAP_PX)
        rows = (pane_h + GAP_PX) // (tile_h + GAP_PX)
        if cols < 1 or rows < 1:
            continue
        if cols * rows >= channels:
            return GridLayout(cols, -(-channels // cols), tile_w, tile_h)
        if min(tile_w, tile_h) <= min_tile:
            return GridLayout(cols, rows, tile_w, tile_h)  # paged
    return GridLayout(1, 1, max(pane_w, 1), max(pane_h, 1))
