"""Class activation maps from the target layer's maps A and the class score's
gradients G (both H x W x C): each returns an H x W map before normalisation.

- Grad-CAM (Selvaraju et al.): channel weights = G averaged over space;
  ReLU(sum_c w_c A_c).
- Grad-CAM++ (Chattopadhyay et al.): weights = sum over space of
  alpha * ReLU(G), alpha = G^2 / (2 G^2 + sum_space(A) G^3) (the exp-score form).
- HiResCAM (Draelos & Carin): ReLU(sum_c G_c * A_c), element-wise, not pooled:
  faithful to where a Flatten + Dense head looked.
"""

from __future__ import annotations

import numpy as np


def gradcam(maps: np.ndarray, gradients: np.ndarray) -> np.ndarray:
    weights = gradients.mean(axis=(0, 1))
    return np.maximum(maps @ weights, 0.0)


def gradcam_plus_plus(maps: np.ndarray, gradients: np.ndarray) -> np.ndarray:
    squared, cubed = gradients**2, gradients**3
    summed_maps = maps.sum(axis=(0, 1))
    denominator = 2.0 * squared + summed_maps * cubed
    safe = np.where(denominator != 0.0, denominator, 1.0)
    alpha = np.where(gradients != 0.0, squared / safe, 0.0)
    weights = (alpha * np.maximum(gradients, 0.0)).sum(axis=(0, 1))
    return np.maximum(maps @ weights, 0.0)


def hirescam(maps: np.ndarray, gradients: np.ndarray) -> np.ndarray:
    return np.maximum((gradients * maps).sum(axis=-1), 0.0)
