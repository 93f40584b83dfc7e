"""Deletion and insertion (Petsiuk et al., RISE, 2018), as Xplique's ``Deletion`` and
``Insertion`` define them.

For each image, pixels are ordered by its heatmap (at the input's resolution, most
important first, ties by index). In ``steps`` equal steps from 0 % to 100 % of the
pixels (``steps + 1`` model calls), deletion replaces the first pixels by the
baseline (every colour channel of a pixel at once), insertion starts from the
baseline and puts them back. The curve is the model's output for the class: its
probability where the head has a softmax or sigmoid, else its raw value. The AUC
is the trapezoid rule over [0, 1]: ``mean(s[:-1] + s[1:]) / 2``. A faithful map
has a low deletion AUC (the class goes as soon as its pixels do) and a high
insertion AUC.

All masked copies go through the model in batches of ``batch_size``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.evaluate.baselines import baseline_images


class EvaluationCancelled(ActvizError):
    """should_stop() asked a running evaluation to stop."""


@dataclass(frozen=True)
class CausalCurves:
    fractions: np.ndarray  # (steps + 1,): the share of pixels removed (deletion) or put back (insertion)
    deletion: np.ndarray  # (N, steps + 1): the class's score along the way
    insertion: np.ndarray  # (N, steps + 1)

    @property
    def deletion_auc(self) -> np.ndarray:
        return trapezoid_auc(self.deletion)

    @property
    def insertion_auc(self) -> np.ndarray:
        return trapezoid_auc(self.insertion)


def trapezoid_auc(curves: np.ndarray) -> np.ndarray:
    """(N,) areas under curves sampled at equal steps over [0, 1]."""
    return (curves[:, :-1] + curves[:, 1:]).mean(axis=1) * 0.5


def pixel_order(heatmaps: np.ndarray) -> np.ndarray:
    """(N, H*W) pixel indices, most important first, ties by index."""
    flat = np.asarray(heatmaps, dtype=np.float64).reshape(len(heatmaps), -1)
    return np.argsort(-flat, axis=1, kind="stable")


def step_counts(pixels: int, steps: int) -> np.ndarray:
    """How many pixels are changed at each of the ``steps + 1`` points (Xplique's linspace, floored)."""
    return np.linspace(0, pixels, steps + 1).astype(np.int64)


def causal_curves(score: Callable[[np.ndarray, np.ndarray], np.ndarray], images: np.ndarray, heatmaps: np.ndarray,
                  steps: int = 20, baseline: str = "zero", batch_size: int = 64,
                  progress: Callable[[int, int], None] | None = None,
                  should_stop: Callable[[], bool] | None = None) -> CausalCurves:
    """``score(batch, images)``: (M,) the class's score for each masked copy in a (M, H, W, C)
    batch, ``images`` (M,) saying whose copy each is (so the caller scores its class). ``images``: (N, H, W, C) as the
    model takes them (preprocessed, channels last); ``heatmaps``: (N, H, W). ``should_stop()`` is asked
    before every batch: true raises ``EvaluationCancelled``."""
    images = np.asarray(images, dtype=np.float32)
    count, height, width, channels = images.shape
    order = pixel_order(heatmaps)
    counts = step_counts(height * width, steps)
    base = baseline_images(images, baseline).reshape(count, height * width, channels)
    flat = images.reshape(count, height * width, channels)
    jobs = [(mode, image, point) for mode in ("deletion", "insertion")
            for image in range(count) for point in range(steps + 1)]
    values = np.empty(len(jobs), dtype=np.float64)
    for start in range(0, len(jobs), batch_size):
        if should_stop is not None and should_stop():
            raise EvaluationCancelled(f"evaluation cancelled after {start} of {len(jobs)} masked inputs")
        chunk = jobs[start:start + batch_size]
        batch = np.stack([_masked(flat, base, order, counts, job) for job in chunk])
        values[start:start + len(chunk)] = score(batch.reshape(len(chunk), height, width, channels),
                                                 np.array([job[1] for job in chunk]))
        if progress is not None:
            progress(start + len(chunk), len(jobs))
    curves = values.reshape(2, count, steps + 1)
    return CausalCurves(counts / (height * width), curves[0], curves[1])


def _masked(flat, base, order, counts, job) -> np.ndarray:
    mode, image, point = job
    changed = order[image, :counts[point]]
    start, end = (flat[image], base[image]) if mode == "deletion" else (base[image], flat[image])
    copy = start.copy()
    copy[changed] = end[changed]
    return copy
