"""Transformation robustness (Lucent's ``transform.py``): every step sees the image
jittered, scaled and rotated a little, so the pattern cannot lean on one exact
pixel grid. Lucent pads by 12, jitters by 8 and 4, scales by 0.9-1.1 and rotates
by up to 10 degrees on 224-pixel images; here one affine map per image and step
does all of it at the image's own size (the shifts scaled to it), the uncovered
border filled with mid-grey.

Each channel draws its transforms from its own generator: a channel's pattern
never depends on which channels were optimised beside it.
"""

from __future__ import annotations

import math

import numpy as np

SCALES = np.array([1 + (i - 5) / 50 for i in range(11)], dtype=np.float64)
ANGLES = np.array(list(range(-10, 11)) + 5 * [0], dtype=np.float64)  # degrees, 0 more often
REFERENCE_SIDE = 224  # the image side Lucent's pixel shifts are meant for
REFERENCE_SHIFT = 12  # its pad (12), less nothing: jitter 8 + 4 at most
FILL = 0.5  # mid-grey, Lucent's pad value


def max_shift(height: int, width: int) -> int:
    return max(1, round(min(height, width) * REFERENCE_SHIFT / REFERENCE_SIDE))


def random_affine(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    """One transform as Keras' 8 projective numbers (output pixel -> input pixel)."""
    shift = max_shift(height, width)
    dy, dx = rng.integers(-shift, shift + 1, size=2)
    scale = SCALES[rng.integers(len(SCALES))]
    angle = math.radians(ANGLES[rng.integers(len(ANGLES))])
    return affine_numbers(height, width, scale, angle, float(dy), float(dx))


def affine_numbers(height: int, width: int, scale: float, angle: float, dy: float, dx: float) -> np.ndarray:
    """Rotate by ``angle`` and scale by ``scale`` about the centre, then shift by (dy, dx)."""
    cos, sin = math.cos(angle) / scale, math.sin(angle) / scale
    cy, cx = (height - 1) / 2, (width - 1) / 2
    # input = A (output - centre - shift) + centre, A the inverse rotation and scale
    a0, a1, b0, b1 = cos, sin, -sin, cos
    ox, oy = cx + dx, cy + dy
    a2 = cx - a0 * ox - a1 * oy
    b2 = cy - b0 * ox - b1 * oy
    return np.array([a0, a1, a2, b0, b1, b2, 0.0, 0.0], dtype=np.float32)


def apply(pixels, transforms):
    """Keras ops: (N, H, W, C) pixels, (N, 8) transforms -> the transformed pixels."""
    import keras

    return keras.ops.image.affine_transform(
        pixels, transforms, interpolation="bilinear",
        fill_mode="constant", fill_value=FILL, data_format="channels_last",
    )
