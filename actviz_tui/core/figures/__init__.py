"""Matplotlib figures of activations, built with the object API only.

Every builder returns a :class:`matplotlib.figure.Figure` with an Agg canvas
attached; nothing here touches ``matplotlib.pyplot`` (no global figure
registry, no display needed over SSH). :func:`render_png_bytes` turns a
figure into PNG bytes.

One module per kind of figure: ``maps`` (one channel, the input, a (T, C)
sequence), ``grid`` (a whole layer as a mosaic), ``across`` (one channel in
several layers), ``units`` (a Dense layer); ``canvas`` holds what they share.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from actviz_tui.core.figures.across import across_layers_figure
from actviz_tui.core.figures.class_heatmap import class_heatmap_figure
from actviz_tui.core.figures.canvas import DEFAULT_DPI, PNG_COMPRESS_LEVEL, display_range, render_png_bytes
from actviz_tui.core.figures.grid import (
    COLORBAR_GAP_IN,
    COLORBAR_WIDTH_IN,
    GRID_ASPECT,
    GRID_MARGIN_IN,
    LABEL_EVERY_TILE_UP_TO,
    MAP_PIXELS_PER_TILE_INCH,
    MAX_FIGURE_SQ_INCHES,
    MAX_SHORT_GRID_TILE_IN,
    MAX_TILE_IN,
    MIN_COLORBAR_HEIGHT_IN,
    MIN_GRID_FIGURE_WIDTH_IN,
    MIN_TILE_IN,
    SCALE_NOTES,
    layer_grid_figure,
)
from actviz_tui.core.figures.filters import filters_figure
from actviz_tui.core.figures.maps import channel_figure, input_figure, sequence_figure
from actviz_tui.core.figures.units import UNIT_STRIP_MAX, vector_figure

__all__ = [
    "COLORBAR_GAP_IN",
    "COLORBAR_WIDTH_IN",
    "DEFAULT_DPI",
    "GRID_ASPECT",
    "GRID_MARGIN_IN",
    "LABEL_EVERY_TILE_UP_TO",
    "MAP_PIXELS_PER_TILE_INCH",
    "MAX_FIGURE_SQ_INCHES",
    "MAX_SHORT_GRID_TILE_IN",
    "MAX_TILE_IN",
    "MIN_COLORBAR_HEIGHT_IN",
    "MIN_GRID_FIGURE_WIDTH_IN",
    "MIN_TILE_IN",
    "PNG_COMPRESS_LEVEL",
    "SCALE_NOTES",
    "UNIT_STRIP_MAX",
    "across_layers_figure",
    "filters_figure",
    "channel_figure",
    "class_heatmap_figure",
    "display_range",
    "input_figure",
    "layer_figure",
    "layer_grid_figure",
    "render_png_bytes",
    "sequence_figure",
    "vector_figure",
]


def layer_figure(
    act: np.ndarray,
    *,
    title: str,
    cmap: str = "viridis",
    scale: str = "channel",
    max_cols: int | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """The right figure for one sample's activation: (H, W, C) grid, (T, C) sequence, (units,) vector."""
    act = np.asarray(act)
    if act.ndim == 3:
        return layer_grid_figure(act, title=title, cmap=cmap, scale=scale, max_cols=max_cols, vmin=vmin, vmax=vmax)
    if act.ndim == 2:
        return sequence_figure(act, title=title, cmap=cmap, vmin=vmin, vmax=vmax)
    if act.ndim == 1:
        return vector_figure(act, title=title, cmap=cmap, vmin=vmin, vmax=vmax)
    raise ValueError(f"cannot draw an activation of shape {act.shape}: expected 1, 2 or 3 axes")
