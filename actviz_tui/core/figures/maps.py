"""Single-axes heatmaps: one channel, the model's input, a 1-D layer's (T, C) output."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from actviz_tui.core.figures.canvas import (
    as_array,
    display_range,
    named_colormap,
    new_figure,
    side_colorbar,
    size_and_range,
    wrap,
)
from actviz_tui.core.inputs.images import stretch_for_display


def channel_figure(
    values2d: np.ndarray,
    *,
    title: str,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    value_label: str = "activation",
) -> Figure:
    """One channel as a heatmap (like ``matshow``) with a colorbar in real values."""
    values = as_array(values2d, ndim=2, what="channel map")
    height, width = values.shape
    low, high = display_range(values, cmap, vmin, vmax)
    fig_w, fig_h = 6.4, min(8.0, max(3.2, 4.6 * height / width + 0.9))
    fig = new_figure(fig_w, fig_h, layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(
        values, cmap=named_colormap(cmap), vmin=low, vmax=high, interpolation="nearest", aspect="equal"
    )
    ax.set_xticks([0, width - 1])
    ax.set_yticks([0, height - 1])
    ax.tick_params(labelsize=8, length=2)
    ax.set_title(wrap(title, fig_w, 11), fontsize=11)
    ax.set_xlabel(size_and_range(values), fontsize=9)
    side_colorbar(fig, ax, image, value_label, axes_width_in=min(4.5, (fig_h - 0.9) * width / height))
    return fig


def input_figure(image: np.ndarray, *, title: str, bgr: bool = False) -> Figure:
    """The input as the model sees it, display-rescaled to [0, 1] by its min/max
    (``image_input.stretch_for_display``, as the explorer shows it).

    1 channel -> gray, 3 channels -> RGB, any other count -> first channel gray.
    """
    shown, (low, high) = stretch_for_display(image, bgr)
    pixels = np.asarray(image)
    height, width = shown.shape[:2]
    channels = 1 if pixels.ndim == 2 else pixels.shape[-1]

    fig_w = 5.6
    fig = new_figure(fig_w, min(8.0, max(3.0, 4.4 * height / width + 1.0)), layout="constrained")
    ax = fig.add_subplot()
    ax.imshow(shown, cmap="gray", vmin=0, vmax=1, interpolation="nearest", aspect="equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(wrap(title, fig_w, 11), fontsize=11)
    first_only = "" if channels in (1, 3) else f" \u00b7 showing channel 0 of {channels}"
    source = "no finite values" if low is None else f"display-rescaled from [{low:.3g}, {high:.3g}]"
    ax.set_xlabel(f"{height}\u00d7{width}\u00d7{channels} \u00b7 {source}{first_only}", fontsize=8)
    return fig


def sequence_figure(
    values: np.ndarray,
    *,
    title: str,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    value_label: str = "activation",
) -> Figure:
    """A 1-D layer's (T, C) output as a heatmap: time across, channels down."""
    values = as_array(values, ndim=2, what="sequence")
    steps, channels = values.shape
    low, high = display_range(values, cmap, vmin, vmax)
    fig_w = 8.0
    fig = new_figure(fig_w, min(8.0, max(3.6, 0.05 * channels + 2.4)), layout="constrained")
    ax = fig.add_subplot()
    drawn = ax.imshow(values.T, cmap=named_colormap(cmap), vmin=low, vmax=high, interpolation="nearest", aspect="auto")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"time step (of {steps})")
    ax.set_ylabel(f"channel (of {channels})")
    ax.tick_params(labelsize=8)
    ax.set_title(wrap(title, fig_w, 11), fontsize=11)
    fig.colorbar(drawn, ax=ax, label=value_label)
    return fig
