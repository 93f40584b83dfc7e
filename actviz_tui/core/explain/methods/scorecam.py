"""Score-CAM (Wang et al.): each channel of the target layer, upsampled and
scaled to [0, 1], masks the input; the class scores of the masked inputs,
softmaxed over the channels, weight the channels: ReLU(sum_k w_k A_k).
One forward pass per channel and image, in batches."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.registry import Method, register
from actviz_tui.core.explain.resize import min_max, resize_bilinear


def score_cam(data) -> np.ndarray:
    maps, pictures = data.maps, data.pictures
    count, _, _, channels = maps.shape
    height, width = pictures.shape[1:3]
    owners = np.repeat(np.arange(count), channels)
    channel_of = np.tile(np.arange(channels), count)

    def masked(indices):
        chosen = np.moveaxis(maps[owners[indices], :, :, channel_of[indices]], 0, -1)  # (h, w, k)
        masks = np.moveaxis(min_max(resize_bilinear(chosen, height, width)), -1, 0)  # (k, H, W)
        return pictures[owners[indices]] * masks[..., None]

    scores = data.runs.scores(owners, masked).reshape(count, channels)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    return np.maximum(np.einsum("nhwc,nc->nhw", maps, weights), 0.0)


METHOD = register(Method("scorecam", "Score-CAM", score_cam))
