"""XGradCAM (Fu et al. 2020): Grad-CAM with gradients averaged in proportion to the activation.

"Axiom-based Grad-CAM: Towards Accurate Visualization and Explanation of CNNs", BMVC
2020: a channel's weight is its gradient averaged over space, each position weighted by
its share of the channel's activation.

w_c = sum_space(G_c * A_c) / (sum_space(A_c) + 1e-7); map = ReLU(sum_c w_c A_c), as
pytorch-grad-cam's ``xgrad_cam.py`` (its ``base_cam.py`` applies the ReLU)."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.registry import Method, register

EPSILON = 1e-7  # pytorch-grad-cam's: a channel that is zero everywhere gets weight 0


def xgradcam(data) -> np.ndarray:
    maps = data.maps
    weights = (data.gradients * maps).sum(axis=(1, 2)) / (maps.sum(axis=(1, 2)) + EPSILON)  # (N, C)
    return np.maximum(np.einsum("nhwc,nc->nhw", maps, weights), 0.0)


METHOD = register(Method("xgradcam", "XGradCAM", xgradcam, gradients=True))
