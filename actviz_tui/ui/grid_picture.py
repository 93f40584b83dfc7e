"""Paint one page of a channel grid into a single RGB image (pure numpy)."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.pictures import colormap
from actviz_tui.core.pictures.value_ranges import finite_range
from actviz_tui.ui.grid_layout import GridLayout
from actviz_tui.ui.tile_labels import fits, stamp_number

HIGHLIGHT_RGB = (255, 64, 64)
MARK_RGB = (255, 215, 0)
BACKGROUND_RGB = (24, 24, 24)


def grid_picture(
    stack: np.ndarray,
    layout: GridLayout,
    page: int,
    selected: int,
    cmap: str,
    layer_range: tuple[float, float] | None,
    marked: frozenset[int] = frozenset(),
) -> np.ndarray:
    """(H, W, 3) uint8: the channels of ``page``; ``layer_range`` None = per-channel scale.

    The selected tile is framed red, marked ones (for export) gold; tiles
    large enough carry their channel number in the top-left corner.
    """
    height, width = layout.pixel_size
    rgb = np.empty((height, width, 3), dtype=np.uint8)
    rgb[:] = BACKGROUND_RGB
    first = page * layout.per_page
    extent = finite_range(stack) if layer_range is None else None  # near-flat channels stay flat
    for slot, channel in enumerate(range(first, min(first + layout.per_page, stack.shape[2]))):
        values = stack[:, :, channel]
        tile = colormap.resample_area(values, layout.tile_h, layout.tile_w)
        # The range of the raw channel, as the single view uses: not of the shrunk tile.
        vmin, vmax = layer_range or colormap.value_range(
            values, symmetric=cmap in colormap.DIVERGING, layer_range=extent
        )
        y, x = layout.tile_origin(slot)
        rgb[y : y + layout.tile_h, x : x + layout.tile_w] = colormap.to_rgb(tile, cmap, vmin, vmax)
        if fits(channel, layout.tile_h, layout.tile_w):
            stamp_number(rgb, y, x, channel)
        if channel == selected or channel in marked:
            colour = HIGHLIGHT_RGB if channel == selected else MARK_RGB
            _frame(rgb, y, x, layout.tile_h, layout.tile_w, colour)
    return rgb


def _frame(rgb: np.ndarray, y: int, x: int, h: int, w: int, colour: tuple[int, int, int]) -> None:
    """Outline a tile, drawn over the gap around it where there is room."""
    top, left = max(y - 1, 0), max(x - 1, 0)
    bottom, right = min(y + h, rgb.shape[0] - 1), min(x + w, rgb.shape[1] - 1)
    rgb[top, left : right + 1] = colour
    rgb[bottom, left : right + 1] = colour
    rgb[top : bottom + 1, left] = colour
    rgb[top : bottom + 1, right] = colour


def rgb_grid_picture(patches: np.ndarray, layout: GridLayout, page: int, selected: int) -> np.ndarray:
    """(H, W, 3) uint8: colour patches (n, h, w, 3) of one page, each scaled up
    to its tile by nearest neighbour; the selected patch framed red."""
    height, width = layout.pixel_size
    rgb = np.empty((height, width, 3), dtype=np.uint8)
    rgb[:] = BACKGROUND_RGB
    rows = (np.arange(layout.tile_h) * patches.shape[1] // layout.tile_h)[:, None]
    cols = (np.arange(layout.tile_w) * patches.shape[2] // layout.tile_w)[None, :]
    first = page * layout.per_page
    for slot, index in enumerate(range(first, min(first + layout.per_page, patches.shape[0]))):
        y, x = layout.tile_origin(slot)
        rgb[y : y + layout.tile_h, x : x + layout.tile_w] = patches[index][rows, cols]
        if index == selected:
            _frame(rgb, y, x, layout.tile_h, layout.tile_w, HIGHLIGHT_RGB)
    return rgb
