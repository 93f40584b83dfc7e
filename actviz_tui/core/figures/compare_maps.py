"""A comparison's figure: one channel of A, of B, and B − A side by side (``export`` kind "compare").

A and B share one colour scale and colorbar; B − A has its own, a diverging colormap on a
range symmetric about 0, so that 0 is its middle colour."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from actviz_tui.core.figures.canvas import as_array, named_colormap, new_figure, side_colorbar, size_and_range, wrap

PANEL_IN = 3.2  # each panel's width


def compare_figure(a: np.ndarray, b: np.ndarray, *, title: str, headings: tuple[str, str, str], cmap: str,
                   scale: tuple[float, float], difference_cmap: str, difference_scale: tuple[float, float]) -> Figure:
    """Three 2-D maps of one shape: ``a``, ``b`` on ``scale`` with ``cmap``, then ``b - a``."""
    a, b = as_array(a, ndim=2, what="map of A"), as_array(b, ndim=2, what="map of B")
    height, width = a.shape
    panel_h = min(4.0, max(1.6, PANEL_IN * height / width))
    fig_w, fig_h = 3 * PANEL_IN + 1.6, panel_h + 1.5
    fig = new_figure(fig_w, fig_h, layout="constrained")
    axes = fig.subplots(1, 3)
    panels = ((a, cmap, scale), (b, cmap, scale), (b - a, difference_cmap, difference_scale))
    for index, (ax, (values, name, (low, high)), heading) in enumerate(zip(axes, panels, headings)):
        drawn = ax.imshow(values, cmap=named_colormap(name), vmin=low, vmax=high, interpolation="nearest",
                          aspect="equal")
        ax.set_xticks([0, width - 1])
        ax.set_yticks([0, height - 1])
        ax.tick_params(labelsize=7, length=2)
        ax.set_title(wrap(heading, PANEL_IN, 9, max_lines=2), fontsize=9)
        ax.set_xlabel(size_and_range(values), fontsize=7)
        if index > 0:  # A's scale is B's: one colorbar for both, then the difference's
            label = "B − A" if index == 2 else "activation (A and B)"
            side_colorbar(fig, ax, drawn, label, axes_width_in=min(PANEL_IN - 0.6, (panel_h - 0.3) * width / height))
    fig.suptitle(wrap(title, fig_w, 11), fontsize=11)
    return fig
