"""Pick 2-D pictures out of activations of any rank, channels on the last axis.

Conv maps (H, W, C) give one map per channel. Dense vectors (units,) and
sequences (T, C) have no spatial picture per channel, so they are shown whole:
a near-square block of units, or a channels x time heatmap.
"""

from __future__ import annotations

import numpy as np

from actviz_tui.core.pictures.colormap import vector_block


def channel_count(activation: np.ndarray) -> int:
    return 1 if activation.ndim == 0 else int(activation.shape[-1])


def has_spatial_maps(activation: np.ndarray) -> bool:
    """True for (H, W, C) maps and higher ranks (volumes are stacked)."""
    return activation.ndim >= 3


def channel_stack(activation: np.ndarray) -> np.ndarray:
    """(H, W, C) view of a spatial activation; volumes fold depth into height."""
    if activation.ndim == 3:
        return activation
    if activation.ndim > 3:
        return activation.reshape(-1, activation.shape[-2], activation.shape[-1])
    raise ValueError(f"no spatial maps in an activation of shape {activation.shape}")


def channel_map(activation: np.ndarray, channel: int) -> np.ndarray:
    """The picture for one channel: its map, or the whole layer for 1-D/Dense."""
    if has_spatial_maps(activation):
        return channel_stack(activation)[:, :, channel]
    return layer_picture(activation)


def layer_picture(activation: np.ndarray) -> np.ndarray:
    """One 2-D picture of a non-spatial layer: units as a block, or channels x time."""
    if activation.ndim <= 1:
        return vector_block(np.atleast_1d(activation))
    if activation.ndim == 2:
        return np.ascontiguousarray(activation.T)
    raise ValueError(f"spatial activation {activation.shape}: use channel_map")


def channel_value(activation: np.ndarray, channel: int) -> float | None:
    """The single value of a Dense unit (None for layers with maps)."""
    if activation.ndim <= 1:
        return float(np.atleast_1d(activation)[channel])
    return None


def describe_picture(activation: np.ndarray) -> str:
    """What a non-spatial picture shows, for titles."""
    if activation.ndim <= 1:
        return f"{activation.size} units, row by row"
    if activation.ndim == 2:
        return f"{activation.shape[1]} channels x {activation.shape[0]} steps"
    return ""
