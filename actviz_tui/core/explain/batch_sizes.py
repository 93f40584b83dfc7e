"""Batch sizes for perturbed runs: short batches where the model is slow, full ones where it is fast.

Cancelling waits for the batch under way, and a batch's memory (the
backend's intermediate tensors) grows with its size, so the size follows the
measured time: the first batch is ``FIRST_BATCH`` pictures, each next one is
sized so it takes about ``TARGET_SECONDS`` at the last batch's pace (growing
at most ``GROWTH`` times a batch), within ``cap`` (``BATCH_BYTES`` of
pictures, at most ``MAX_BATCH``). DenseNet121 at 224x224 on 2 CPU cores:
batches of about 8; on a GPU: ``MAX_BATCH``.
"""

from __future__ import annotations

import numpy as np

BATCH_BYTES = 64 * 1024 * 1024
MAX_BATCH = 64
FIRST_BATCH = 2
TARGET_SECONDS = 2.0
GROWTH = 4


def batch_cap(picture: np.ndarray) -> int:
    """The most pictures one batch may hold (memory)."""
    return int(max(1, min(MAX_BATCH, BATCH_BYTES // max(picture.nbytes, 1))))


class BatchSizes:
    """``next()``: the size of the next batch; ``ran(size, seconds)``: how the last one went."""

    def __init__(self, cap: int) -> None:
        self.cap = max(1, int(cap))
        self.size = min(FIRST_BATCH, self.cap)

    def next(self) -> int:
        return self.size

    def ran(self, size: int, seconds: float) -> None:
        per_picture = seconds / max(size, 1)
        fitting = int(TARGET_SECONDS / per_picture) if per_picture > 0 else self.cap
        self.size = max(1, min(fitting, self.size * GROWTH, self.cap))
