"""Ordered dithering onto the xterm palette at the resolution of the picture's source.

Each colour is drawn with its nearest palette colour and one partner
(``xterm_palette.colour_mixes``), pixel by pixel through an ordered threshold
matrix. The matrix is indexed by *source* pixel (``rows``/``cols`` run labels,
see ``ui.source_grid``): all the cells of one map pixel drawn large get one
colour, and the pattern only spreads across map pixels.

Dithering is there to draw gradients. A colour drawn in its nearest palette
colour alone: one that fills a plateau somewhere (a dead channel, a ReLU's
zeros, the gaps of a grid), and one never next to a slightly different colour
(a frame, a lone sharp pixel), which is no part of a gradient.
"""

from __future__ import annotations

import functools

import numpy as np

from actviz_tui.ui import xterm_palette

MATRIX_SIZE = 16
GRADIENT_STEP = 0.2  # OKLab distance under which two neighbouring colours form a gradient
_MEMO = xterm_palette.MixMemo()

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


def dither_indices(rgb: np.ndarray, rows: np.ndarray | None = None, cols: np.ndarray | None = None) -> np.ndarray:
    """(H, W) xterm palette indices (16-255) for an (H, W, 3) uint8 picture.

    ``rows`` (H,) and ``cols`` (W,): the source row and column each pixel shows,
    as non-decreasing run labels (None: every pixel its own source).
    """
    height, width = rgb.shape[:2]
    rows = np.arange(height) if rows is None else np.asarray(rows)
    cols = np.arange(width) if cols is None else np.asarray(cols)
    colours, inverse = np.unique(xterm_palette.packed(rgb).ravel(), return_inverse=True)
    inverse = inverse.reshape(height, width)
    first, second, share, lab = _MEMO.lookup(colours)
    source = inverse[np.ix_(_run_starts(rows), _run_starts(cols))]  # one pixel per source pixel
    share[~_in_gradients(source, lab)] = 0.0
    share[_plateau_colours(source)] = 0.0
    threshold = threshold_matrix()[np.ix_(rows % MATRIX_SIZE, cols % MATRIX_SIZE)]
    return np.where(share[inverse] > threshold, second[inverse], first[inverse]).astype(np.int16)


def _in_gradients(source: np.ndarray, lab: np.ndarray) -> np.ndarray:
    """(K,) bool: colour ids with a 4-neighbour of another colour nearer than GRADIENT_STEP."""
    graded = np.zeros(len(lab), dtype=bool)
    for near, far in ((source[:, :-1], source[:, 1:]), (source[:-1], source[1:])):
        differ = near != far
        near, far = near[differ], far[differ]
        step = lab[near] - lab[far]
        close = np.einsum("ij,ij->i", step, step) < GRADIENT_STEP**2
        graded[near[close]] = True
        graded[far[close]] = True
    return graded


def _plateau_colours(source: np.ndarray) -> np.ndarray:
    """The colour ids found with all 8 neighbours alike (the picture's edges continued outwards)."""
    padded = np.pad(source, 1, mode="edge")
    centre = padded[:, 1:-1]
    level = (padded[:, :-2] == centre) & (padded[:, 2:] == centre)  # each row alike its left and right
    alike = level[:-2] & level[1:-1] & level[2:] & (centre[:-2] == source) & (centre[2:] == source)
    return np.unique(source[alike])


def _run_starts(labels: np.ndarray) -> np.ndarray:
    starts = np.ones(len(labels), dtype=bool)
    starts[1:] = labels[1:] != labels[:-1]
    return np.flatnonzero(starts)
