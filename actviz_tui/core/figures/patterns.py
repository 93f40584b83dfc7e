"""A layer's filter patterns as one figure: the book's grid, each tile titled.

Chollet's "Visualizing convnet filters" figure: each pattern titled with its
channel number (or class name).

The patterns are pasted into one sheet drawn by one ``imshow`` (matplotlib's cost
grows with the number of axes, not with pixels); each tile has a strip above it
for its title. The axes are placed by hand, so ``figure_size`` is the PNG's size.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from matplotlib.figure import Figure

from actviz_tui.core.figures.canvas import as_array, new_figure, wrap
from actviz_tui.core.pictures.mosaic import grid_shape

TILE_IN = 1.25  # a pattern's longer side, up to MAX_COLS columns
MIN_TILE_IN = 0.6  # past MAX_COLS columns tiles shrink, down to this
MAX_COLS = 8  # the book's 8 x 8 grid of 64 patterns
LABEL_IN, GAP_IN = 0.2, 0.08  # a tile's title strip; the space between tiles
MARGIN_IN = {"left": 0.2, "right": 0.2, "top": 0.85, "bottom": 0.15}
MIN_WIDTH_IN = 6.5  # room for the title above a short row of tiles
LABEL_FONT = 7


def layout(count: int, height: int, width: int) -> tuple[int, int, float]:
    """(rows, cols, tile inches): up to 64 patterns at most MAX_COLS wide (4 x 8, 8 x 8),
    more in a near-square block of smaller tiles."""
    if count <= MAX_COLS * MAX_COLS:
        rows, cols = grid_shape(count, max_cols=MAX_COLS, aspect=2.0 * height / width)
    else:
        rows, cols = grid_shape(count, aspect=height / width)
    tile = TILE_IN if cols <= MAX_COLS else max(MIN_TILE_IN, TILE_IN * MAX_COLS / cols)
    return rows, cols, tile


def figure_size(count: int, height: int, width: int) -> tuple[float, float]:
    """(width, height) in inches of the figure of ``count`` patterns of ``height`` x ``width``."""
    grid_w, grid_h = _grid_inches(count, height, width)
    return (max(MIN_WIDTH_IN, MARGIN_IN["left"] + grid_w + MARGIN_IN["right"]),
            MARGIN_IN["top"] + grid_h + MARGIN_IN["bottom"])


def patterns_figure(pixels: np.ndarray, labels: Sequence[str], *, title: str, subtitle: str = "") -> Figure:
    """``pixels`` (N, H, W, C) in [0, 1], one pattern per tile in the order given, each
    titled by ``labels``. One colour channel is drawn grey, three as RGB; any other count
    as the mean of its channels (said in the subtitle)."""
    pixels = as_array(pixels, ndim=4, what="stack of patterns (N, H, W, C)")
    count, height, width, colours = pixels.shape
    if len(labels) != count:
        raise ValueError(f"expected {count} tile titles, got {len(labels)}")
    if colours not in (1, 3):
        subtitle = f"{subtitle} (each the mean of its {colours} input channels)".strip()
    _, cols, tile_in = layout(count, height, width)
    px_per_in = max(height, width) / tile_in
    sheet, origins = _sheet(_rgb(pixels), cols, round(LABEL_IN * px_per_in), round(GAP_IN * px_per_in))

    fig_w, fig_h = figure_size(count, height, width)
    grid_w, grid_h = _grid_inches(count, height, width)  # the sheet's size at px_per_in
    fig = new_figure(fig_w, fig_h)
    ax = fig.add_axes(((fig_w - grid_w) / 2 / fig_w, MARGIN_IN["bottom"] / fig_h, grid_w / fig_w, grid_h / fig_h))
    ax.imshow(sheet, interpolation="nearest", aspect="auto")
    ax.set_axis_off()
    most = max(4, int(tile_in * 72 / (LABEL_FONT * 0.6)))  # characters that fit over a tile
    for label, (top, left) in zip(labels, origins):
        ax.text(left + width / 2 - 0.5, top - 1.5, _fit(label, most), ha="center", va="bottom",
                fontsize=LABEL_FONT, clip_on=False)
    heading = wrap(title, fig_w - 0.4, 11, max_lines=2)
    fig.text(0.5, 1 - 0.1 / fig_h, heading, ha="center", va="top", fontsize=11)
    if subtitle:
        below = 0.12 + 0.2 * (heading.count("\n") + 1)
        fig.text(0.5, 1 - below / fig_h, wrap(subtitle, fig_w - 0.4, 8, 2), ha="center", va="top", fontsize=8,
                 color="#444444")
    return fig


def _grid_inches(count: int, height: int, width: int) -> tuple[float, float]:
    rows, cols, tile_in = layout(count, height, width)
    px_per_in = max(height, width) / tile_in
    label_px, gap_px = round(LABEL_IN * px_per_in), round(GAP_IN * px_per_in)
    sheet_w = cols * width + (cols - 1) * gap_px
    sheet_h = rows * (label_px + height) + (rows - 1) * gap_px
    return sheet_w / px_per_in, sheet_h / px_per_in


def _rgb(pixels: np.ndarray) -> np.ndarray:
    """(N, H, W, 3) in [0, 1] for drawing."""
    pixels = np.clip(np.nan_to_num(pixels), 0.0, 1.0)
    if pixels.shape[-1] == 3:
        return pixels
    grey = pixels.mean(axis=-1, keepdims=True)
    return np.repeat(grey, 3, axis=-1)


def _sheet(tiles: np.ndarray, cols: int, label_px: int, gap_px: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The tiles on a white sheet, row by row, a title strip above each; and each tile's (top, left)."""
    count, height, width, _ = tiles.shape
    rows = math.ceil(count / cols)
    sheet = np.ones((rows * (label_px + height) + (rows - 1) * gap_px, cols * width + (cols - 1) * gap_px, 3),
                    dtype=np.float32)
    origins = []
    for index in range(count):
        row, col = divmod(index, cols)
        top, left = row * (label_px + height + gap_px) + label_px, col * (width + gap_px)
        sheet[top:top + height, left:left + width] = tiles[index]
        origins.append((top, left))
    return sheet, origins


def _fit(label: str, most: int) -> str:
    return label if len(label) <= most else label[:most - 1] + "\u2026"
