"""The image input as a batch of pictures, channels last (N, H, W, C), and back.

Methods work on pictures whatever the model takes: (N, C, H, W) for a
channels_first model, (N, H, W) for a square 2-D input, (N, H*W*C) for a flat
one (the layouts of ``inputs.layout.image_layout``).
"""

from __future__ import annotations

import numpy as np

from actviz_tui.core.errors import NotAnImageModelError
from actviz_tui.core.inputs.layout import image_layout


def to_pictures(batch: np.ndarray, info) -> np.ndarray:
    """(N, *input shape) -> (N, H, W, C) float32."""
    batch = np.asarray(batch, dtype=np.float32)
    rank = len(info.shape)
    if rank == 3:
        return np.ascontiguousarray(np.moveaxis(batch, 1, -1)) if info.channels_first else batch
    if rank == 2:
        return batch[..., None]
    layout = image_layout(info.shape, info.channels_first)
    if rank == 1 and layout is not None:
        return batch.reshape(len(batch), *layout)
    raise NotAnImageModelError(f"input {info.name} (shape {info.shape}) does not take an image")


def to_model_layout(pictures: np.ndarray, info) -> np.ndarray:
    """(N, H, W, C) -> (N, *input shape): the inverse of ``to_pictures``."""
    rank = len(info.shape)
    if rank == 3:
        return np.ascontiguousarray(np.moveaxis(pictures, -1, 1)) if info.channels_first else pictures
    if rank == 2:
        return pictures[..., 0]
    return pictures.reshape(len(pictures), -1)


def channels_last(maps: np.ndarray, channels_first: bool) -> np.ndarray:
    """A layer's (N, C, h, w) maps as (N, h, w, C); channels-last maps as they are."""
    return np.moveaxis(maps, 1, -1) if channels_first else maps
