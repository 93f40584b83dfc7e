"""How far apart two activations of one layer are: relative L2 distance, cosine similarity,
linear CKA over spatial positions (Kornblith et al., "Similarity of Neural Network
Representations Revisited", 2019), and the channels that moved most.

Each takes A and B of one shape: (H, W, C) maps (positions x channels) or (C,) units."""

from __future__ import annotations

import numpy as np

SAME = 1e-6  # relative L2 at or under which two activations count as the same


def relative_l2(a: np.ndarray, b: np.ndarray) -> float:
    """||A - B|| / ||A||; 0 when both are zero, inf when only A is."""
    a, b = _flat(a), _flat(b)
    difference, size = float(np.linalg.norm(a - b)), float(np.linalg.norm(a))
    if size == 0.0:
        return 0.0 if difference == 0.0 else float("inf")
    return difference / size


def cosine(a: np.ndarray, b: np.ndarray) -> float | None:
    """A · B / (||A|| ||B||); None when either is zero (no direction to compare)."""
    a, b = _flat(a), _flat(b)
    norms = float(np.linalg.norm(a)) * float(np.linalg.norm(b))
    return None if norms == 0.0 else float(a @ b) / norms


def linear_cka(a: np.ndarray, b: np.ndarray) -> float | None:
    """Linear CKA of the (positions, channels) matrices, columns centred:
    ||Bᵀ A||²_F / (||Aᵀ A||_F ||Bᵀ B||_F). None for units (one position) or a constant side."""
    if a.ndim < 2:
        return None
    x, y = _positions(a), _positions(b)
    x, y = x - x.mean(axis=0), y - y.mean(axis=0)
    denominator = float(np.linalg.norm(x.T @ x)) * float(np.linalg.norm(y.T @ y))
    if denominator == 0.0:
        return None
    return float(np.linalg.norm(y.T @ x) ** 2) / denominator


def channel_changes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(C,) each channel's ||A_c - B_c|| / ||A||: its share of the layer's relative L2."""
    x, y = _positions(a), _positions(b)
    size = float(np.linalg.norm(x))
    change = np.linalg.norm(x - y, axis=0)
    return change / size if size > 0 else change


def top_channels(a: np.ndarray, b: np.ndarray, count: int = 5) -> list[int]:
    """The ``count`` channels that moved most, most first (ties by index); none that did not move."""
    changes = channel_changes(a, b)
    order = np.argsort(-changes, kind="stable")[:count]
    return [int(channel) for channel in order if changes[channel] > 0]


def _flat(array: np.ndarray) -> np.ndarray:
    return np.asarray(array, dtype=np.float64).ravel()


def _positions(array: np.ndarray) -> np.ndarray:
    """(positions, channels), channels last; units are one position."""
    array = np.asarray(array, dtype=np.float64)
    return array.reshape(-1, array.shape[-1])
