"""Class heatmaps from forward passes over masked copies of the input.

- ``occlusion``: a ``patch`` x ``patch`` square of ``fill`` (0 in the model's
  input space) slides over the image with ``stride``; each pixel gets the mean
  drop of the class score over the placements that covered it.
- ``score_cam`` (Wang et al.): each channel of the target layer, upsampled and
  scaled to [0, 1], masks the input; the class scores of the masked inputs,
  softmaxed over channels, weight the channels: ReLU(sum_k w_k A_k).

Masked inputs run in batches of at most ``BATCH_BYTES`` of input, built batch
by batch (memory does not grow with the number of masks). ``progress(done,
total)`` is called after each batch; ``should_stop()`` returning true raises
``CamCancelled``.
"""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.resize import min_max, resize_bilinear
from actviz_tui.core.errors import ActvizError

BATCH_BYTES = 64 * 1024 * 1024
MAX_BATCH = 64


class CamCancelled(ActvizError):
    """should_stop() asked a Score-CAM or occlusion run to stop."""


def batch_size_for(image: np.ndarray) -> int:
    return int(max(1, min(MAX_BATCH, BATCH_BYTES // max(image.nbytes, 1))))


def default_patch(height: int, width: int) -> tuple[int, int]:
    """(patch, stride): about an eighth of the smaller side, half-overlapping."""
    patch = max(1, round(min(height, width) / 8))
    return patch, max(1, patch // 2)


def placements(size: int, patch: int, stride: int) -> list[int]:
    """Start positions along one axis; the last one is flush with the border."""
    starts = list(range(0, max(size - patch, 0) + 1, stride))
    if starts[-1] != max(size - patch, 0):
        starts.append(max(size - patch, 0))
    return starts


def occlusion(run_logits, inputs, image_index, class_index, patch=None, stride=None, fill=0.0,
              progress=None, should_stop=None) -> np.ndarray:
    image = inputs[image_index][0]
    height, width = image.shape[:2]
    default = default_patch(height, width)
    patch, stride = patch or default[0], stride or default[1]
    base = float(run_logits(inputs)[0, class_index])
    corners = [(y, x) for y in placements(height, patch, stride) for x in placements(width, patch, stride)]
    drops = np.zeros((height, width), dtype=np.float64)
    counts = np.zeros((height, width), dtype=np.float64)

    def occluded(chunk):
        batch = np.repeat(image[None], len(chunk), axis=0)
        for i, (y, x) in enumerate(chunk):
            batch[i, y:y + patch, x:x + patch] = fill
        return batch

    for chunk, scores in _run_batches(run_logits, inputs, image_index, corners, occluded, progress, should_stop):
        for (y, x), score in zip(chunk, scores[:, class_index]):
            drops[y:y + patch, x:x + patch] += base - score
            counts[y:y + patch, x:x + patch] += 1
    return np.maximum(drops / np.maximum(counts, 1), 0.0)


def score_cam(run_logits, inputs, image_index, maps, class_index, progress=None, should_stop=None) -> np.ndarray:
    image = inputs[image_index][0]
    height, width = image.shape[:2]
    channels = list(range(maps.shape[-1]))

    def masked(chunk):
        masks = min_max(resize_bilinear(maps[..., chunk], height, width))  # (H, W, k)
        return image[None] * np.moveaxis(masks, -1, 0)[..., None]

    scores = np.concatenate(
        [batch_scores[:, class_index] for _, batch_scores in
         _run_batches(run_logits, inputs, image_index, channels, masked, progress, should_stop)]
    )
    weights = np.exp(scores - scores.max())
    weights /= weights.sum()
    return np.maximum(maps @ weights, 0.0)


def _run_batches(run_logits, inputs, image_index, items, make_batch, progress, should_stop):
    """Yields (items of the batch, logits (k, units)) batch by batch."""
    size = batch_size_for(inputs[image_index][0])
    for start in range(0, len(items), size):
        if should_stop is not None and should_stop():
            raise CamCancelled(f"class heatmap cancelled after {start} of {len(items)} masked inputs")
        chunk = items[start:start + size]
        batch = [
            make_batch(chunk).astype(np.float32) if i == image_index else np.repeat(array, len(chunk), axis=0)
            for i, array in enumerate(inputs)
        ]
        yield chunk, np.asarray(run_logits(batch), dtype=np.float64)
        if progress is not None:
            progress(min(start + size, len(items)), len(items))
