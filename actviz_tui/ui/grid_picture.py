"""Paint one page of a channel grid into a single RGB image (pure numpy).

The tiles are laid out by ``core.pictures.mosaic``, the tiler the exported
layer grids use too; this module only scales each tile to its slot, colours
the page, and marks it up (channel numbers, frames). ``page_source`` and
``patches_source`` say which map pixel each pixel of a page shows (what
256-colour dithering is keyed to).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from actviz_tui.core.pictures import colormap
from actviz_tui.core.pictures.mosaic import mosaic
from actviz_tui.core.pictures.value_ranges import finite_range, scaled_range
from actviz_tui.ui.grid_layout import GridLayout
from actviz_tui.ui.source_grid import SourceGrid
from actviz_tui.ui.tile_labels import fits, stamp_number

HIGHLIGHT_RGB = (255, 64, 64)
MARK_RGB = (255, 215, 0)
BACKGROUND_RGB = (24, 24, 24)
HATCH_LIGHT_RGB, HATCH_DARK_RGB = (235, 235, 235), (16, 16, 16)
HATCH_PERIOD = 4  # one diagonal line every 4 pixels


def grid_picture(
    stack: np.ndarray,
    layout: GridLayout,
    page: int,
    selected: int,
    cmap: str,
    scale: str = "channel",
    layer_extent: tuple[float | None, float | None] | None = None,
    marked: frozenset[int] = frozenset(),
    dead: frozenset[int] = frozenset(),
    order: Sequence[int] | None = None,
) -> np.ndarray:
    """(H, W, 3) uint8: the channels of ``page`` of ``stack`` (H, W, C) (pages of ``order``,
    the channels in display order; None: index order), each coloured
    by ``value_ranges.scaled_range`` (``layer_extent``: the layer's finite range, if known).

    The selected tile is framed red, marked ones (for export) gold, ``dead`` ones
    hatched; tiles large enough carry their channel number in the top-left corner.
    """
    extent = finite_range(stack) if layer_extent is None else layer_extent
    symmetric = colormap.is_diverging(cmap)
    first = page * layout.per_page
    shown = range(stack.shape[2]) if order is None else order
    channels = shown[first : first + layout.per_page]
    tiles = np.full((layout.tile_h, layout.tile_w, layout.per_page), np.nan, dtype=np.float32)
    for slot, channel in enumerate(channels):
        values = stack[:, :, channel]
        # The range of the raw channel, as the single view uses: not of the shrunk tile.
        vmin, vmax = scaled_range(values, scale, extent, symmetric=symmetric)
        tiles[:, :, slot] = colormap.normalise(colormap.resample_area(values, layout.tile_h, layout.tile_w), vmin, vmax)
    rgb = colormap.to_rgb(mosaic(tiles, layout.cols, pad=layout.gap, scale="layer"), cmap, 0.0, 1.0)
    rgb[_outside_tiles(layout, len(channels))] = BACKGROUND_RGB  # NaN in a tile stays black, as in the single view
    for slot, channel in enumerate(channels):
        y, x = layout.tile_origin(slot)
        if channel in dead:
            hatch(rgb, y, x, layout)
        if fits(channel, layout.tile_h, layout.tile_w, layout.scale):
            stamp_number(rgb, y, x, channel, layout.scale)
        if channel == selected or channel in marked:
            colour = HIGHLIGHT_RGB if channel == selected else MARK_RGB
            _frame(rgb, y, x, layout, colour)
    return rgb


def rgb_grid_picture(
    patches: np.ndarray, layout: GridLayout, page: int, selected: int, dead: frozenset[int] = frozenset()
) -> np.ndarray:
    """(H, W, 3) uint8: colour patches (n, h, w, 3) of one page, each scaled up
    to its tile by nearest neighbour; the selected patch framed red, ``dead`` ones hatched."""
    rows = _patch_sources(patches.shape[1], layout.tile_h)[:, None]
    cols = _patch_sources(patches.shape[2], layout.tile_w)[None, :]
    first = page * layout.per_page
    shown = patches[first : first + layout.per_page][:, rows, cols]  # (n, tile_h, tile_w, 3)
    tiles = np.full((layout.per_page, layout.tile_h, layout.tile_w, 3), np.nan, dtype=np.float32)
    tiles[: len(shown)] = shown
    planes = [
        mosaic(np.moveaxis(tiles[..., colour], 0, -1), layout.cols, pad=layout.gap, scale="layer")
        for colour in range(3)
    ]
    picture = np.stack(planes, axis=-1)
    rgb = np.where(np.isnan(picture), 0, picture).astype(np.uint8)
    rgb[_outside_tiles(layout, len(shown))] = BACKGROUND_RGB
    for slot in range(len(shown)):
        if first + slot in dead:
            hatch(rgb, *layout.tile_origin(slot), layout)
    if first <= selected < first + len(shown):
        y, x = layout.tile_origin(selected - first)
        _frame(rgb, y, x, layout, HIGHLIGHT_RGB)
    return rgb


def page_source(layout: GridLayout, map_h: int, map_w: int) -> SourceGrid:
    """Which map pixel each pixel of a ``grid_picture`` page of map_h x map_w maps shows."""
    return SourceGrid.tiled(
        layout.rows, layout.cols, layout.gap, _tile_sources(map_h, layout.tile_h), _tile_sources(map_w, layout.tile_w)
    )


def patches_source(layout: GridLayout, patch_h: int, patch_w: int) -> SourceGrid:
    """Which patch pixel each pixel of an ``rgb_grid_picture`` page shows."""
    rows, cols = _patch_sources(patch_h, layout.tile_h), _patch_sources(patch_w, layout.tile_w)
    return SourceGrid.tiled(layout.rows, layout.cols, layout.gap, rows, cols)


def _tile_sources(map_size: int, tile_size: int) -> np.ndarray:
    """As ``colormap.resample_area`` fits a map into a tile: repeats when growing, new pixels when shrinking."""
    return colormap.repeated_cells(map_size, tile_size) if tile_size >= map_size else np.arange(tile_size)


def _patch_sources(patch_size: int, tile_size: int) -> np.ndarray:
    return np.arange(tile_size) * patch_size // tile_size  # rgb_grid_picture's nearest neighbour


def _outside_tiles(layout: GridLayout, used: int) -> np.ndarray:
    """(H, W) bool: the gaps between tiles and the page's empty slots."""
    slots = np.full((1, 1, layout.per_page), np.nan, dtype=np.float32)
    slots[:, :, :used] = 0.0
    tiles = np.broadcast_to(slots, (layout.tile_h, layout.tile_w, layout.per_page))
    return np.isnan(mosaic(tiles, layout.cols, pad=layout.gap, scale="layer"))


def hatch(rgb: np.ndarray, y: int, x: int, layout: GridLayout) -> None:
    """Diagonal lines over a tile (in place), ``layout.scale`` pixels thick: light on a dark tile,
    dark on a light one."""
    tile = rgb[y : y + layout.tile_h, x : x + layout.tile_w]
    rows, cols = np.mgrid[0 : tile.shape[0], 0 : tile.shape[1]]
    light = tile.astype(np.float32).mean() < 128
    tile[(rows + cols) // layout.scale % HATCH_PERIOD == 0] = HATCH_LIGHT_RGB if light else HATCH_DARK_RGB


def _frame(rgb: np.ndarray, y: int, x: int, layout: GridLayout, colour: tuple[int, int, int]) -> None:
    """Outline a tile, ``layout.scale`` pixels thick, drawn over the gap around it where there is room."""
    thick = layout.scale
    top, left = max(y - thick, 0), max(x - thick, 0)
    bottom = min(y + layout.tile_h + thick, rgb.shape[0])  # past the end, as slices go
    right = min(x + layout.tile_w + thick, rgb.shape[1])
    rgb[top : top + thick, left:right] = colour
    rgb[bottom - thick : bottom, left:right] = colour
    rgb[top:bottom, left : left + thick] = colour
    rgb[top:bottom, right - thick : right] = colour
