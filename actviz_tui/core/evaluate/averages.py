"""Average Drop and Increase in Confidence (Chattopadhay et al., Grad-CAM++, 2018), as
Xplique's ``AverageDropMetric`` and ``AverageIncreaseMetric`` compute them.

Each image is multiplied by its heatmap, rescaled per image to [0, 1] (min-max on
its absolute value), and scored again: Drop = max(0, p - p_masked) / p (lower is
better: the map keeps what the class needs), Increase = 1 when p_masked > p (higher
is better)."""

from __future__ import annotations

import numpy as np

EPSILON = 1e-8


def masked_by_heatmap(images: np.ndarray, heatmaps: np.ndarray) -> np.ndarray:
    """(N, H, W, C) images times their (N, H, W) maps, each map min-max scaled to [0, 1]."""
    maps = np.abs(np.asarray(heatmaps, dtype=np.float32))
    low = maps.min(axis=(1, 2), keepdims=True)
    high = maps.max(axis=(1, 2), keepdims=True)
    return images * ((maps - low) / (high - low + EPSILON))[..., None]


def average_drop(base: np.ndarray, masked: np.ndarray) -> np.ndarray:
    """(N,) per image: the share of the class's score lost when only the map's pixels remain."""
    return np.maximum(base - masked, 0.0) / (base + EPSILON)


def average_increase(base: np.ndarray, masked: np.ndarray) -> np.ndarray:
    """(N,) per image: 1.0 where the masked image scores higher than the whole one."""
    return (masked > base).astype(np.float64)
