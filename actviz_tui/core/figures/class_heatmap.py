"""A class heatmap over the input: the input alone, then the heatmap
alpha-blended over it (jet, turbo or inferno) with a colorbar in [0, 1]."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from actviz_tui.core.figures.canvas import named_colormap, new_figure, wrap
from actviz_tui.core.inputs.images import stretch_for_display

OVERLAY_ALPHA = 0.45


def class_heatmap_figure(image: np.ndarray, heatmap: np.ndarray, *, title: str, cmap: str = "jet",
                         note: str = "", alpha: float = OVERLAY_ALPHA, bgr: bool = False) -> Figure:
    """``image`` (H, W, C) as the model sees it (``bgr``: caffe order), ``heatmap`` (H, W) in [0, 1]."""
    shown, _ = stretch_for_display(image, bgr)
    height, width = heatmap.shape
    fig_w = 9.0
    fig = new_figure(fig_w, min(8.0, max(3.4, 4.0 * height / width + 1.2)), layout="constrained")
    plain, overlay = fig.subplots(1, 2)
    gray = "gray" if shown.ndim == 2 else None
    for ax in (plain, overlay):
        ax.imshow(shown, cmap=gray, vmin=0, vmax=1, interpolation="nearest", aspect="equal")
        ax.set_xticks([])
        ax.set_yticks([])
    drawn = overlay.imshow(heatmap, cmap=named_colormap(cmap), vmin=0.0, vmax=1.0, alpha=alpha,
                           interpolation="bilinear", aspect="equal")
    plain.set_xlabel(f"input {height}\u00d7{width}", fontsize=8)
    overlay.set_xlabel(wrap(note or "heatmap over the input", fig_w / 2, 8), fontsize=8)
    fig.colorbar(drawn, ax=overlay, label="class evidence (normalised)", shrink=0.9)
    fig.suptitle(wrap(title, fig_w, 11), fontsize=11)
    return fig
