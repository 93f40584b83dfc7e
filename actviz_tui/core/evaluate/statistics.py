"""Means with 95 % intervals, and Spearman's rank correlation (for the sanity check)."""

from __future__ import annotations

import math

import numpy as np

# two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom; beyond: Cornish-Fisher (t975)
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
         2.045, 2.042)


def mean_interval(values) -> tuple[float, float, float]:
    """(mean, low, high): the mean and its 95 % interval (Student's t; one value: no spread)."""
    values = np.asarray(values, dtype=np.float64)
    mean = float(values.mean())
    if len(values) < 2:
        return mean, mean, mean
    degrees = len(values) - 1
    quantile = t975(degrees)
    half = quantile * float(values.std(ddof=1)) / math.sqrt(len(values))
    return mean, mean - half, mean + half


def t975(degrees: int) -> float:
    """Student's t 97.5 % quantile: the table to 30 degrees of freedom, then the Cornish-Fisher
    expansion around the normal's 1.95996 (within 1e-3 from 30 on)."""
    if degrees <= len(_T975):
        return _T975[degrees - 1]
    z = 1.959964
    return z + (z**3 + z) / (4 * degrees) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * degrees**2)


def rank(values: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties given their average rank (as scipy.stats.rankdata)."""
    values = np.asarray(values, dtype=np.float64).ravel()
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float64)
    sorted_values = values[order]
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], len(values)]
    for start, end in zip(starts, ends):
        ranks[order[start:end]] = (start + end + 1) / 2
    return ranks


def spearman(first, second) -> float:
    """Spearman's rank correlation; 0.0 where either side is constant."""
    a, b = rank(first), rank(second)
    a, b = a - a.mean(), b - b.mean()
    scale = math.sqrt(float((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / scale) if scale > 0 else 0.0
