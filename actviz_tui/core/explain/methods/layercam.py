"""LayerCAM (Jiang et al. 2021): each position's maps weighted by their own positive gradient.

"LayerCAM: Exploring Hierarchical Class Activation Maps for Localization", IEEE TIP
2021: the positive part of the gradient at each position, not a channel's pooled one.

map = ReLU(sum_c ReLU(G_c) * A_c) per position, as pytorch-grad-cam's ``layer_cam.py``
(``np.maximum(grads, 0) * activations`` summed over channels; its ``base_cam.py``
applies the ReLU)."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.registry import Method, register


def layercam(data) -> np.ndarray:
    return np.maximum((np.maximum(data.gradients, 0.0) * data.maps).sum(axis=-1), 0.0)


METHOD = register(Method("layercam", "LayerCAM", layercam, gradients=True))
