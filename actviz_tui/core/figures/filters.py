"""A layer's learned filters: the weights on top, each filter's L2 norm below."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from actviz_tui.core.figures.canvas import named_colormap, new_figure, side_colorbar, wrap
from actviz_tui.core.analysis.filters import LayerFilters
from actviz_tui.core.pictures.mosaic import grid_shape, mosaic
from actviz_tui.core.pictures.value_ranges import value_range

ZERO_COLOUR, NORM_COLOUR = "#d62728", "#4c72b0"


def filters_figure(filters: LayerFilters, index: int, *, title: str) -> Figure:
    """RGB first layers: every filter as a colour patch. Deeper convolutions:
    filter ``index``'s kernels across its inputs. Dense and the rest: the matrix."""
    fig = new_figure(8.0, 7.0, layout="constrained")
    weights_ax, norms_ax = fig.subplots(2, 1, height_ratios=(3, 1))
    if filters.is_rgb:
        _rgb_patches(weights_ax, filters.rgb_patches())
        what = f"{filters.count} filters {filters.shape_text()} as colour patches (each stretched to its own range)"
    else:
        picture = _weights_picture(filters, index)
        low, high = value_range(picture, symmetric=True)
        drawn = weights_ax.imshow(picture, cmap=named_colormap("coolwarm"), vmin=low, vmax=high,
                                  interpolation="nearest", aspect="equal" if filters.stack is not None else "auto")
        side_colorbar(fig, weights_ax, drawn, "weight", axes_width_in=5.5)
        what = _weights_caption(filters, index)
    weights_ax.set_xticks([])
    weights_ax.set_yticks([])
    weights_ax.set_title(wrap(f"{title}\n{what}", 8.0, 10), fontsize=10)
    _norms(norms_ax, filters, index)
    return fig


def _weights_picture(filters: LayerFilters, index: int) -> np.ndarray:
    if filters.matrix is not None:  # not a convolution-like layer
        return filters.matrix
    kernels = filters.kernels_of(index)
    _, cols = grid_shape(kernels.shape[2], aspect=2.0)
    return mosaic(kernels, cols, pad=1, scale="layer")


def _weights_caption(filters: LayerFilters, index: int) -> str:
    if filters.stack is None:
        return f"weights {filters.shape_text()}"
    height, width, inputs, _ = filters.stack.shape
    return f"filter {index}: its {inputs} kernels {height}x{width}, one per input"


def _rgb_patches(ax, patches: np.ndarray) -> None:
    count, height, width, _ = patches.shape
    rows, cols = grid_shape(count, aspect=2.0)
    sheet = np.full((rows * (height + 1) - 1, cols * (width + 1) - 1, 3), 255, dtype=np.uint8)
    for i in range(count):
        row, col = divmod(i, cols)
        top, left = row * (height + 1), col * (width + 1)
        sheet[top : top + height, left : left + width] = patches[i]
    ax.imshow(sheet, interpolation="nearest")
    if count <= 256:
        for i in range(count):
            row, col = divmod(i, cols)
            ax.text(col * (width + 1), row * (height + 1), str(i), fontsize=5, va="top", color="black",
                    bbox={"facecolor": "white", "alpha": 0.6, "pad": 0.5, "linewidth": 0})


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
