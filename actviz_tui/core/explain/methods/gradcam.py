"""Grad-CAM (Selvaraju et al.): channels weighted by their mean gradient.

Channel weights = the class score's gradients averaged over space;
map = ReLU(sum_c w_c A_c)."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.registry import Method, register


def gradcam(data) -> np.ndarray:
    weights = data.gradients.mean(axis=(1, 2))  # (N, C)
    return np.maximum(np.einsum("nhwc,nc->nhw", data.maps, weights), 0.0)


METHOD = register(Method("gradcam", "Grad-CAM", gradcam, gradients=True))
