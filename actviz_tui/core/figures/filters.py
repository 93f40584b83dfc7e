"""A layer's learned filters: the weights on top, each filter's L2 norm below.

All-zero (dead) filters are said so: named in the caption, hatched red where
they are tiles, and an all-zero picture is written "all zero" across, on the
layer's colour scale (its own would be +-2e-34 and look like a real kernel).
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from actviz_tui.core.figures.canvas import named_colormap, new_figure, side_colorbar, wrap
from actviz_tui.core.figures.grid import DEAD_COLOUR, hatch_tiles
from actviz_tui.core.analysis.filters import LayerFilters
from actviz_tui.core.pictures.mosaic import grid_shape, mosaic

ZERO_COLOUR, NORM_COLOUR = DEAD_COLOUR, "#4c72b0"
TILE_PAD = 1


def filters_figure(filters: LayerFilters, index: int, *, title: str) -> Figure:
    """RGB first layers: every filter as a colour patch; single-input convolutions:
    every filter as a tile. Deeper convolutions: filter ``index``'s kernels across
    its inputs. Dense and the rest: the matrix."""
    fig = new_figure(8.0, 7.0, layout="constrained")
    weights_ax, norms_ax = fig.subplots(2, 1, height_ratios=(3, 1))
    if filters.is_rgb:
        _rgb_patches(weights_ax, filters.rgb_patches(), filters.zero_filters)
        what = f"{filters.count} filters {filters.shape_text()} as colour patches (each stretched to its own range)"
    else:
        picture, cols = _weights_picture(filters, index)
        low, high = filters.colour_range(picture)
        drawn = weights_ax.imshow(picture, cmap=named_colormap("coolwarm"), vmin=low, vmax=high,
                                  interpolation="nearest", aspect="equal" if filters.stack is not None else "auto")
        side_colorbar(fig, weights_ax, drawn, "weight", axes_width_in=5.5)
        if filters.is_single_input:
            height, width = filters.stack.shape[:2]  # type: ignore[union-attr]  # single input: a stack
            hatch_tiles(weights_ax, filters.zero_filters, cols, height, width, TILE_PAD)
            _number_tiles(weights_ax, filters.count, cols, height, width)
        elif _all_zero(filters, index):
            _write_all_zero(weights_ax)
        what = _weights_caption(filters, index)
    weights_ax.set_xticks([])
    weights_ax.set_yticks([])
    weights_ax.set_title(wrap(f"{title}\n{what}", 8.0, 10), fontsize=10)
    _norms(norms_ax, filters, index)
    return fig


def _all_zero(filters: LayerFilters, index: int) -> bool:
    """The picture is all zero: filter ``index``'s kernels, or the whole matrix."""
    if filters.stack is None:
        return len(filters.zero_filters) == filters.count
    return filters.is_zero(index)


def _weights_picture(filters: LayerFilters, index: int) -> tuple[np.ndarray, int]:
    """The picture and its tile columns (1 for a matrix)."""
    if filters.matrix is not None:  # not a convolution-like layer
        return filters.matrix, 1
    kernels = filters.single_kernels() if filters.is_single_input else filters.kernels_of(index)
    _, cols = grid_shape(kernels.shape[2], aspect=2.0)
    return mosaic(kernels, cols, pad=TILE_PAD, scale="layer"), cols


def _weights_caption(filters: LayerFilters, index: int) -> str:
    if filters.stack is None:
        zero = " \u2014 ALL ZERO" if _all_zero(filters, index) else ""
        return f"weights {filters.shape_text()}{zero}"
    height, width, inputs, _ = filters.stack.shape
    if filters.is_single_input:
        zeros = filters.zero_filters
        dead = f"; all zero (hatched red): {', '.join(map(str, zeros[:16]))}" if zeros else ""
        return f"{filters.count} filters {height}x{width} over one input, one shared scale{dead}"
    zero = " \u2014 ALL ZERO (a dead filter)" if _all_zero(filters, index) else ""
    return f"filter {index}{zero}: its {inputs} kernels {height}x{width}, one per input"


def _write_all_zero(ax) -> None:
    ax.text(0.5, 0.5, "all zero", transform=ax.transAxes, ha="center", va="center", fontsize=28,
            color=ZERO_COLOUR, fontweight="bold",
            bbox={"facecolor": "white", "alpha": 0.75, "linewidth": 0, "pad": 4})


def _rgb_patches(ax, patches: np.ndarray, zero: list[int]) -> None:
    count, height, width, _ = patches.shape
    rows, cols = grid_shape(count, aspect=2.0)
    sheet = np.full((rows * (height + TILE_PAD) - TILE_PAD, cols * (width + TILE_PAD) - TILE_PAD, 3), 255,
                    dtype=np.uint8)
    for i in range(count):
        row, col = divmod(i, cols)
        top, left = row * (height + TILE_PAD), col * (width + TILE_PAD)
        sheet[top : top + height, left : left + width] = patches[i]
    ax.imshow(sheet, interpolation="nearest")
    hatch_tiles(ax, zero, cols, height, width, TILE_PAD)
    _number_tiles(ax, count, cols, height, width)


def _number_tiles(ax, count: int, cols: int, height: int, width: int) -> None:
    if count > 256:
        return
    fontsize = 8 if count <= 64 else 5
    for i in range(count):
        row, col = divmod(i, cols)
        ax.text(col * (width + TILE_PAD) - 0.5, row * (height + TILE_PAD) - 0.5, str(i), fontsize=fontsize, va="top",
                color="black", bbox={"facecolor": "white", "alpha": 0.6, "pad": 0.5, "linewidth": 0})


def _norms(ax, filters: LayerFilters, index: int) -> None:
    norms = filters.norms
    zero = set(filters.zero_filters)
    colours = [ZERO_COLOUR if i in zero else NORM_COLOUR for i in range(len(norms))]
    ax.bar(np.arange(len(norms)), norms, color=colours, width=1.0 if len(norms) > 64 else 0.8)
    ax.axvline(index, color="black", linewidth=0.8, linestyle=":")
    dead = f"; all-zero (red): {len(zero)}" if zero else "; no all-zero filter"
    ax.set_title(f"L2 norm per filter (dotted: filter {index}){dead}", fontsize=9)
    ax.set_xlim(-0.5, len(norms) - 0.5)
    ax.tick_params(labelsize=7)
