"""Ordered dithering of RGB pictures onto the xterm 256-colour palette.

Terminals without truecolor (tmux's default TERM, most SSH sessions, where
COLORTERM is not forwarded) offer a 6x6x6 colour cube (indices 16-231) and 24
greys (232-255). Mapping each pixel to its nearest entry bands a colormap into
about ten flat steps; here each channel is instead rounded up or down between
its two neighbouring palette levels by an ordered threshold matrix, so that a
few cells averaged together follow the original colours (what chafa and timg
do). Indices 0-15 are never used: their colours depend on the terminal's theme.
"""

from __future__ import annotations

import functools

import numpy as np

CUBE_LEVELS = np.array([0, 95, 135, 175, 215, 255])
# Every grey on offer, the grey ramp and the cube's diagonal, for finer steps on grey pixels.
_GREYS = {level: 232 + k for k, level in enumerate(range(8, 239, 10))}
_GREYS.update({level: 16 + 43 * k for k, level in enumerate(CUBE_LEVELS)})
GREY_LEVELS = np.array(sorted(_GREYS))
GREY_INDICES = np.array([_GREYS[level] for level in GREY_LEVELS])
NEUTRAL_SPREAD = 6  # max - min channel at or below which a pixel is drawn from the greys
MATRIX_SIZE = 16


def palette_rgb() -> np.ndarray:
    """(256, 3) uint8: the colour of each xterm index from 16 on (0-15 left black)."""
    table = np.zeros((256, 3), dtype=np.uint8)
    red, green, blue = np.meshgrid(CUBE_LEVELS, CUBE_LEVELS, CUBE_LEVELS, indexing="ij")
    table[16:232] = np.stack([red.ravel(), green.ravel(), blue.ravel()], axis=1)
    table[232:] = np.repeat(np.arange(8, 239, 10)[:, None], 3, axis=1)
    return table


BAYER_4 = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]])


@functools.cache
def threshold_matrix() -> np.ndarray:
    """(16, 16) thresholds in (0, 1): Bayer's 4x4 pattern in every 4x4 block, its
    columns rotated by one from each band of 4 rows to the next, so that every
    column holds one threshold from each sixteenth of the range (plus a fine
    offset growing along x). A column of cells averaged over a few rows then
    tracks a horizontal ramp, where plain Bayer columns would jump about."""
    y, x = np.mgrid[0:MATRIX_SIZE, 0:MATRIX_SIZE]
    coarse = BAYER_4[y % 4, (x + y // 4) % 4]
    return ((MATRIX_SIZE * coarse + x + 0.5) / MATRIX_SIZE**2).astype(np.float32)


@functools.lru_cache(maxsize=16)
def _thresholds(height: int, width: int) -> np.ndarray:
    reps = (-(-height // MATRIX_SIZE), -(-width // MATRIX_SIZE))
    return np.tile(threshold_matrix(), reps)[:height, :width]


def _interval_table(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each byte value: the palette level just below it and how far it is towards the next one."""
    values = np.arange(256)
    lower = np.clip(np.searchsorted(levels, values, side="right") - 1, 0, len(levels) - 2)
    fraction = (values - levels[lower]) / (levels[lower + 1] - levels[lower])
    return lower.astype(np.int16), fraction.astype(np.float32)


_CUBE_LOWER, _CUBE_FRACTION = _interval_table(CUBE_LEVELS)
_GREY_LOWER, _GREY_FRACTION = _interval_table(GREY_LEVELS)


def dither_indices(rgb: np.ndarray) -> np.ndarray:
    """(H, W) xterm palette indices (16-255) for an (H, W, 3) uint8 picture."""
    threshold = _thresholds(rgb.shape[0], rgb.shape[1])
    steps = _CUBE_LOWER[rgb] + (_CUBE_FRACTION[rgb] > threshold[..., None])
    indices = 16 + 36 * steps[..., 0] + 6 * steps[..., 1] + steps[..., 2]
    spread = rgb.max(axis=2).astype(np.int16) - rgb.min(axis=2)
    neutral = spread <= NEUTRAL_SPREAD
    if neutral.any():
        grey = (rgb.sum(axis=2, dtype=np.uint16) // 3)[neutral]
        grey_steps = _GREY_LOWER[grey] + (_GREY_FRACTION[grey] > threshold[neutral])
        indices[neutral] = GREY_INDICES[grey_steps]
    return indices


def nearest_index(rgb: tuple[int, int, int]) -> int:
    """The palette index closest to one colour (for flat fills such as padding)."""
    distances = ((palette_rgb()[16:].astype(int) - np.asarray(rgb)) ** 2).sum(axis=1)
    return 16 + int(distances.argmin())
