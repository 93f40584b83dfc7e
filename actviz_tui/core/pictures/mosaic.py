"""Tile every channel of a feature map into one 2-D image (pure numpy).

One big image drawn with one ``imshow`` is what makes a layer grid fast:
matplotlib's cost grows with the number of axes, not with pixels.
"""

from __future__ import annotations

import math

import numpy as np

from actviz_tui.core.pictures.value_ranges import check_scale, finite_range, finite_ranges, negligible


def grid_shape(n: int, max_cols: int | None = None, aspect: float = 1.0) -> tuple[int, int]:
    """Rows and columns for laying out ``n`` tiles.

    ``aspect`` is the wanted columns-to-rows ratio: ``cols = ceil(sqrt(n * aspect))``
    and ``rows = ceil(n / cols)``; columns are then trimmed to ``ceil(n / rows)``
    so the last row wastes as few cells as possible. ``aspect=1`` gives a
    near-square block (8 -> 3x3, 32 -> 6x6); ``aspect=2`` gives the notebook's
    landscape layouts (8 -> 2x4, 32 -> 4x8, 128 -> 8x16, 512 -> 16x32).
    ``max_cols`` caps the column count.
    """
    if n < 1:
        raise ValueError(f"need at least one tile, got {n}")
    if aspect <= 0:
        raise ValueError(f"aspect must be positive, got {aspect}")
    cols = min(n, math.ceil(math.sqrt(n * aspect)))
    if max_cols is not None:
        cols = max(1, min(cols, max_cols))
    rows = math.ceil(n / cols)
    return rows, math.ceil(n / rows)


def tile_origin(index: int, cols: int, tile_h: int, tile_w: int, pad: int) -> tuple[int, int]:
    """Top-left (y, x) pixel of tile ``index`` in a mosaic built by :func:`mosaic`."""
    row, col = divmod(index, cols)
    return row * (tile_h + pad), col * (tile_w + pad)


def mosaic(maps: np.ndarray, cols: int, pad: int = 1, scale: str = "layer") -> np.ndarray:
    """All channels of ``maps`` (H, W, C) tiled row by row into one float32 image.

    Tiles are separated by ``pad`` pixels of NaN (empty cells of the last row are
    NaN too), so a colormap's "bad" colour draws the gaps. ``scale="channel"``
    maps each tile to [0, 1] by its own min/max (a constant tile becomes 0);
    ``scale="layer"`` keeps the raw values.
    """
    maps = np.asarray(maps, dtype=np.float32)
    if maps.ndim != 3:
        raise ValueError(f"expected a (H, W, C) feature map, got shape {maps.shape}")
    if cols < 1 or pad < 0:
        raise ValueError(f"need cols >= 1 and pad >= 0, got cols={cols}, pad={pad}")
    check_scale(scale)
    height, width, channels = maps.shape
    tiles = np.moveaxis(maps, -1, 0)  # (C, H, W)
    if scale == "channel":
        tiles = normalise_per_channel(tiles)
    rows = math.ceil(channels / cols)

    cells = np.full((rows * cols, height, width), np.nan, dtype=np.float32)
    cells[:channels] = tiles
    canvas = np.full((rows, height + pad, cols, width + pad), np.nan, dtype=np.float32)
    canvas[:, :height, :, :width] = cells.reshape(rows, cols, height, width).transpose(0, 2, 1, 3)
    canvas = canvas.reshape(rows * (height + pad), cols * (width + pad))
    return canvas[: canvas.shape[0] - pad, : canvas.shape[1] - pad]


def normalise_per_channel(tiles: np.ndarray) -> np.ndarray:
    """Each (H, W) tile of ``tiles`` (C, H, W) mapped to [0, 1]; constant tiles, and tiles
    whose spread is negligible against all the tiles' (``value_ranges.negligible``), -> 0.

    Non-finite values are ignored when finding the range and stay non-finite.
    """
    low, high = (bound[:, None, None] for bound in finite_ranges(tiles, axis=(1, 2)))
    span = high - low
    usable = np.isfinite(span) & (span > 0) & ~negligible(span, finite_range(tiles))
    offset = np.where(np.isfinite(low), low, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled = np.where(usable, (tiles - offset) / np.where(usable, span, 1.0), 0.0)
    scaled = np.where(np.isfinite(tiles), scaled, tiles)
    return scaled.astype(np.float32, copy=False)
