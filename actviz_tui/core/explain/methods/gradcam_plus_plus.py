"""Grad-CAM++ (Chattopadhyay et al.): channels weighted by their positive gradients.

Channel weights = sum over space of alpha * ReLU(G), alpha = G^2 / (2 G^2 + sum_space(A) G^3) (the exp-score form);
map = ReLU(sum_c w_c A_c)."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.registry import Method, register


def gradcam_plus_plus(data) -> np.ndarray:
    gradients, maps = data.gradients, data.maps
    squared, cubed = gradients**2, gradients**3
    summed_maps = maps.sum(axis=(1, 2), keepdims=True)
    denominator = 2.0 * squared + summed_maps * cubed
    safe = np.where(denominator != 0.0, denominator, 1.0)
    alpha = np.where(gradients != 0.0, squared / safe, 0.0)
    weights = (alpha * np.maximum(gradients, 0.0)).sum(axis=(1, 2))  # (N, C)
    return np.maximum(np.einsum("nhwc,nc->nhw", maps, weights), 0.0)


METHOD = register(Method("gradcam++", "Grad-CAM++", gradcam_plus_plus, gradients=True))
