"""A Dense layer's units: an annotated strip for a few units, else a near-square block."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from actviz_tui.core.pictures import colormap
from actviz_tui.core.figures.canvas import (
    as_array,
    display_range,
    named_colormap,
    new_figure,
    range_text,
    side_colorbar,
    wrap,
)

UNIT_STRIP_MAX = 16  # a Dense layer this small is a strip with each value written in its cell


def vector_figure(
    values1d: np.ndarray,
    *,
    title: str,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    value_label: str = "activation",
) -> Figure:
    """A Dense layer's units: an annotated strip for a few units, else a near-square block."""
    values = as_array(values1d, ndim=1, what="vector").ravel()
    if values.size <= UNIT_STRIP_MAX:
        return _unit_strip_figure(values, title=title, cmap=cmap, vmin=vmin, vmax=vmax, value_label=value_label)
    return _unit_block_figure(values, title=title, cmap=cmap, vmin=vmin, vmax=vmax, value_label=value_label)


def _unit_strip_figure(values, *, title, cmap, vmin, vmax, value_label) -> Figure:
    units = values.size
    low, high = display_range(values, cmap, vmin, vmax)
    fig_w = min(11.0, max(4.8, 0.7 * units + 2.2))
    fig = new_figure(fig_w, 2.8, layout="constrained")
    ax = fig.add_subplot()
    colours = named_colormap(cmap)
    drawn = ax.imshow(values[None, :], cmap=colours, vmin=low, vmax=high, interpolation="nearest", aspect="auto")
    for unit, value in enumerate(values):
        shade = colours((value - low) / (high - low))
        ink = "black" if _luminance(shade) > 0.5 else "white"
        ax.text(unit, 0, f"{value:.3g}", ha="center", va="center", fontsize=8, color=ink)
    ax.set_xticks(range(units))
    ax.set_yticks([])
    ax.set_xlabel("unit")
    ax.tick_params(labelsize=8)
    if units == 1:
        # One number needs no colour scale: say it in the title instead.
        ax.set_title(f"{wrap(title, fig_w, 11)}\nvalue = {values[0]:.4g}", fontsize=11)
        return fig
    ax.set_title(wrap(title, fig_w, 11), fontsize=11)
    fig.colorbar(drawn, ax=ax, label=value_label)
    return fig


def _unit_block_figure(values, *, title, cmap, vmin, vmax, value_label) -> Figure:
    units = values.size
    block = colormap.vector_block(values)
    rows, cols = block.shape
    low, high = display_range(values, cmap, vmin, vmax)
    fig_w = 6.4
    fig = new_figure(fig_w, min(8.0, max(3.4, 4.4 * rows / cols + 1.2)), layout="constrained")
    ax = fig.add_subplot()
    drawn = ax.imshow(
        block, cmap=named_colormap(cmap), vmin=low, vmax=high, interpolation="nearest", aspect="equal"
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: f"{int(round(y)) * cols}"))
    ax.set_ylabel("first unit of row", fontsize=9)
    ax.set_xlabel(f"+ column \u00b7 {units} units in {rows}\u00d7{cols} \u00b7 {range_text(values)}", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.set_title(wrap(title, fig_w, 11), fontsize=11)
    side_colorbar(fig, ax, drawn, value_label, axes_width_in=4.4)
    return fig


def _luminance(rgba) -> float:
    red, green, blue = rgba[:3]
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
