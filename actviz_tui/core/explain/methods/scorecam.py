"""Score-CAM (Wang et al.): channels weighted by the score of the input they mask.

Each channel of the target layer, upsampled and scaled to [0, 1], masks the
input; the class scores of the masked inputs, softmaxed over the channels,
weight the channels: ReLU(sum_k w_k A_k).

The variant is pytorch-grad-cam's (``score_cam.py``): the score is the class
LOGIT (the head's softmax or sigmoid left off), softmaxed over the channels;
the upsampling is bilinear with half-pixel centres where pytorch-grad-cam's
``UpsamplingBilinear2d`` aligns corners (tests/unit/test_scorecam_reference.py).
One forward pass per channel and image, in batches.

``max_channels`` (default ``DEFAULT_MAX_CHANNELS``, 64): Faster Score-CAM
(tabayashi0117's, tf-keras-vis' ``max_N``): only each image's
``max_channels`` channels of largest spatial spread (standard deviation)
mask the input and enter the sum. None or 0: every channel (DenseNet121's
last block has 1024: minutes on a CPU).
"""

from __future__ import annotations

import numpy as np

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.explain.registry import Method, register
from actviz_tui.core.explain.resize import min_max, resize_bilinear

DEFAULT_MAX_CHANNELS = 64


def channel_cap(max_channels) -> int | None:
    """The cap as a positive int, or None for every channel (None or 0)."""
    if max_channels is None or (not isinstance(max_channels, bool) and max_channels == 0):
        return None
    if isinstance(max_channels, bool) or not isinstance(max_channels, (int, np.integer)) or max_channels < 0:
        raise ActvizError(f"Score-CAM's max_channels is a channel count, or None/0 for all: not {max_channels!r}")
    return int(max_channels)


def kept_channels(maps: np.ndarray, max_channels: int | None) -> np.ndarray:
    """(N, k) channel indices per image: all, or the k of largest spatial std, in channel order."""
    count, channels = maps.shape[0], maps.shape[-1]
    cap = channel_cap(max_channels)
    if cap is None or cap >= channels:
        return np.tile(np.arange(channels), (count, 1))
    spread = maps.reshape(count, -1, channels).std(axis=1)
    top = np.argsort(-spread, axis=1, kind="stable")[:, :cap]
    return np.sort(top, axis=1)


def score_cam(data, max_channels=DEFAULT_MAX_CHANNELS) -> np.ndarray:
    maps, pictures = data.maps, data.pictures
    count = maps.shape[0]
    height, width = pictures.shape[1:3]
    kept = kept_channels(maps, max_channels)  # (N, k)
    owners = np.repeat(np.arange(count), kept.shape[1])
    channel_of = kept.ravel()

    def masked(indices):
        chosen = np.moveaxis(maps[owners[indices], :, :, channel_of[indices]], 0, -1)  # (h, w, k)
        masks = np.moveaxis(min_max(resize_bilinear(chosen, height, width)), -1, 0)  # (k, H, W)
        return pictures[owners[indices]] * masks[..., None]

    scores = data.runs.scores(owners, masked).reshape(kept.shape)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    kept_maps = np.take_along_axis(maps, kept[:, None, None, :], axis=-1)
    return np.maximum(np.einsum("nhwk,nk->nhw", kept_maps, weights), 0.0)


def channels_used(settings, data) -> str:
    """"64 of 1024 channels" (Faster Score-CAM), or "all 32 channels"."""
    channels = data.maps.shape[-1]
    cap = channel_cap(settings["max_channels"])
    if cap is None or cap >= channels:
        return f"all {channels} channels"
    return f"{cap} of {channels} channels"


METHOD = register(Method("scorecam", "Score-CAM", score_cam, options={"max_channels": DEFAULT_MAX_CHANNELS},
                         expensive=True, detail=channels_used))
