"""What a removed pixel becomes: ``zero`` (0 in the model's input space, Xplique's default),
``mean`` (each channel's mean over the image) or ``blur`` (the image blurred, RISE's
insertion start). Images are (N, H, W, C) in the model's value range."""

from __future__ import annotations

import numpy as np

BASELINES = ("zero", "mean", "blur")
BLUR_SIGMA_FRACTION = 0.05  # of the image side: RISE blurs 224-pixel images with sigma 5 (about 0.02) to 11


def baseline_images(images: np.ndarray, mode: str) -> np.ndarray:
    if mode == "zero":
        return np.zeros_like(images)
    if mode == "mean":
        return np.broadcast_to(images.mean(axis=(1, 2), keepdims=True), images.shape).copy()
    if mode == "blur":
        sigma = max(1.0, BLUR_SIGMA_FRACTION * min(images.shape[1:3]))
        return _blur(_blur(images, sigma, axis=1), sigma, axis=2)
    raise ValueError(f"unknown baseline {mode!r}; choose from {', '.join(BASELINES)}")


def _blur(images: np.ndarray, sigma: float, axis: int) -> np.ndarray:
    """A Gaussian along one axis, edges reflected."""
    radius = int(np.ceil(3 * sigma))
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    kernel /= kernel.sum()
    pad = [(0, 0)] * images.ndim
    pad[axis] = (radius, radius)
    padded = np.pad(images, pad, mode="reflect")
    length = images.shape[axis]
    return sum(weight * np.take(padded, np.arange(shift, shift + length), axis=axis)
               for shift, weight in enumerate(kernel)).astype(images.dtype)
