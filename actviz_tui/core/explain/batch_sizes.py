"""Batch sizes for perturbed runs: short batches where the model is slow, full ones where it is fast.

Cancelling waits for the batch under way, and a batch's memory (the
backend's intermediate tensors) grows with its size, so the size follows the
measured time: the first batch is ``FIRST_BATCH`` pictures, each next one is
sized so it takes about ``TARGET_SECONDS`` at the last batch's pace (growing
at most ``GROWTH`` times a batch), within ``batch_cap``: ``BATCH_BYTES`` of
pictures, ``ACTIVATION_BYTES`` of layer outputs (the layer table's output
sizes, summed: an upper bound on what the backend holds at once; DenseNet121
at 224x224: 190 MiB an image, so 8 a batch) and ``MAX_BATCH``.
"""

from __future__ import annotations

import numpy as np

BATCH_BYTES = 64 * 1024 * 1024
ACTIVATION_BYTES = 1536 * 1024 * 1024
MAX_BATCH = 64
FIRST_BATCH = 2
TARGET_SECONDS = 2.0
GROWTH = 4


def batch_cap(picture: np.ndarray, activation_bytes: int = 0) -> int:
    """The most pictures one batch may hold (memory); ``activation_bytes``: the model's per image."""
    by_activations = ACTIVATION_BYTES // activation_bytes if activation_bytes > 0 else MAX_BATCH
    return int(max(1, min(MAX_BATCH, BATCH_BYTES // max(picture.nbytes, 1), by_activations)))


def activation_bytes(layers) -> int:
    """float32 bytes of every layer's output for one image (sizes the input decides count as 1)."""
    sizes = (np.prod([size or 1 for size in layer.output_shape[1:]]) for layer in layers if not layer.is_model)
    return int(sum(sizes)) * 4


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
