"""Grad-CAM (Selvaraju et al.): channels weighted by their mean gradient.

Channel weights = the class score's gradients averaged over space;
map = ReLU(sum_c w_c A_c)."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.registry import Method, register


def channel_weights(gradients: np.ndarray) -> np.ndarray:
    """(N, C): Grad-CAM's channel weights, the class score's gradient at a layer's
    (N, h, w, C) maps averaged over the positions."""
    return gradients.mean(axis=tuple(range(1, gradients.ndim - 1)))


def gradcam(data) -> np.ndarray:
    weights = channel_weights(data.gradients)  # (N, C)
    return np.maximum(np.einsum("nhwc,nc->nhw", data.maps, weights), 0.0)


METHOD = register(Method("gradcam", "Grad-CAM", gradcam, gradients=True))
