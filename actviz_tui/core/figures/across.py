"""One channel followed through several layers: a panel per layer."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from actviz_tui.core.figures.canvas import as_array, display_range, named_colormap, new_figure, wrap
from actviz_tui.core.figures.grid import GRID_ASPECT
from actviz_tui.core.pictures.mosaic import grid_shape
from actviz_tui.core.pictures.value_ranges import check_scale


def across_layers_figure(
    items: list[tuple[str, np.ndarray]],
    *,
    title: str,
    cmap: str = "viridis",
    scale: str = "channel",
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """One channel in several layers: a panel per (layer name, 2-D map).

    ``scale="channel"`` gives each panel its own range and colorbar (what the
    notebook's ``matshow`` calls did); ``"layer"`` puts all panels on one
    range with one colorbar.
    """
    if not items:
        raise ValueError("need at least one (layer name, map) pair")
    check_scale(scale)
    shared = scale == "layer"
    maps = [as_array(values, ndim=2, what=f"map of {name}") for name, values in items]
    rows, cols = grid_shape(len(items), aspect=GRID_ASPECT)
    fig_w = cols * 3.1 + (0.8 if shared else 0.2)
    fig = new_figure(fig_w, rows * 3.0 + 1.0, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    colormap = named_colormap(cmap)
    shared_range = display_range(np.concatenate([m.ravel() for m in maps]), cmap, vmin, vmax) if shared else None

    for ax, (name, _raw), values in zip(axes, items, maps):
        low, high = shared_range or display_range(values, cmap, vmin, vmax)
        drawn = ax.imshow(values, cmap=colormap, vmin=low, vmax=high, interpolation="nearest", aspect="equal")
        ax.set_title(f"{wrap(name, 3.0, 9)}\n{values.shape[0]}\u00d7{values.shape[1]}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        if not shared:
            colorbar = fig.colorbar(drawn, ax=ax, fraction=0.046, pad=0.03)
            colorbar.ax.tick_params(labelsize=7)
    for ax in axes[len(items):]:
        ax.set_visible(False)
    if shared:
        fig.colorbar(drawn, ax=list(axes[: len(items)]), label="activation", shrink=0.9)
    fig.suptitle(wrap(title, fig_w, 13), fontsize=13)
    note = "shared scale across layers" if shared else "each layer's map scaled to its own min\u2013max"
    fig.supxlabel(note, fontsize=9, color="0.3")
    return fig
