"""Heatmaps to [0, 1] and to the model input's resolution (bilinear, numpy only)."""

from __future__ import annotations

import numpy as np


def normalised(heatmap: np.ndarray) -> np.ndarray:
    """Divided by its maximum (the keras.io recipe); all zeros stay zeros."""
    heatmap = np.nan_to_num(np.asarray(heatmap, dtype=np.float64), nan=0.0)
    peak = heatmap.max() if heatmap.size else 0.0
    return (heatmap / peak if peak > 0 else np.zeros_like(heatmap)).astype(np.float32)


def min_max(maps: np.ndarray) -> np.ndarray:
    """Each channel of an (..., H, W, C) stack scaled to [0, 1]; flat channels -> 0."""
    low = maps.min(axis=(-3, -2), keepdims=True)
    span = maps.max(axis=(-3, -2), keepdims=True) - low
    return np.where(span > 0, (maps - low) / np.where(span > 0, span, 1.0), 0.0).astype(np.float32)


def resize_bilinear(array: np.ndarray, height: int, width: int, geometry=None) -> np.ndarray:
    """(h, w) or (h, w, C) to (height, width[, C]). Without ``geometry`` the map
    is stretched, half-pixel centres (like tf.image.resize); with
    ``((offset_y, stride_y), (offset_x, stride_x))`` cell i is centred on input
    pixel offset + i * stride (see geometry.cell_geometry)."""
    rows = _axis_weights(array.shape[0], height, None if geometry is None else geometry[0])
    cols = _axis_weights(array.shape[1], width, None if geometry is None else geometry[1])
    top = _blend(array, rows, axis=0)
    return _blend(top, cols, axis=1).astype(np.float32)


def _axis_weights(size: int, new_size: int, placement=None):
    if placement is None:
        centres = (np.arange(new_size) + 0.5) * size / new_size - 0.5
    else:
        offset, stride = placement
        centres = (np.arange(new_size) - offset) / stride
    centres = np.clip(centres, 0, size - 1)
    low = np.floor(centres).astype(int)
    high = np.minimum(low + 1, size - 1)
    return low, high, centres - low


def _blend(array: np.ndarray, weights, axis: int) -> np.ndarray:
    low, high, fraction = weights
    shape = [1] * array.ndim
    shape[axis] = -1
    fraction = fraction.reshape(shape)
    return np.take(array, low, axis=axis) * (1 - fraction) + np.take(array, high, axis=axis) * fraction


def normalised_each(stack: np.ndarray) -> np.ndarray:
    """``normalised`` for each map of an (N, h, w) stack."""
    stack = np.nan_to_num(np.asarray(stack, dtype=np.float64), nan=0.0)
    peaks = stack.reshape(len(stack), -1).max(axis=1) if stack.size else np.zeros(len(stack))
    scale = np.where(peaks > 0, peaks, 1.0).reshape(-1, *([1] * (stack.ndim - 1)))
    return np.where(peaks.reshape(scale.shape) > 0, stack / scale, 0.0).astype(np.float32)


def resize_stack(stack: np.ndarray, height: int, width: int, geometry=None) -> np.ndarray:
    """(N, h, w) -> (N, height, width), each map as ``resize_bilinear``."""
    return np.moveaxis(resize_bilinear(np.moveaxis(stack, 0, -1), height, width, geometry), -1, 0)
