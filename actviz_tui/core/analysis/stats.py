"""Summary statistics of one layer's activation, and which of its channels are dead."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from actviz_tui.core.pictures.display_maps import channel_count
from actviz_tui.core.pictures.value_ranges import finite_range, finite_ranges, negligible


@dataclass(frozen=True)
class ActivationStats:
    minimum: float
    maximum: float
    mean: float
    zero_fraction: float  # share of values exactly 0
    dead_channels: int  # channels (last axis) that are 0 everywhere, to within float dust (value_ranges.negligible)
    channels: int
    shape: tuple[int, ...] = ()  # the activation's shape for this image (free input sizes resolved)
    dead_channel_indices: tuple[int, ...] = ()  # which channels are dead, ascending

    def as_dict(self) -> dict:
        """The statistics (what ``actviz summary --json`` writes); the shape is the table's."""
        values = asdict(self)
        del values["shape"]
        values["dead_channel_indices"] = list(self.dead_channel_indices)
        return values


def activation_stats(activation: np.ndarray) -> ActivationStats:
    """Stats of a per-sample activation, channels on the last axis."""
    values = np.asarray(activation, dtype=np.float32)
    if values.size == 0:
        return ActivationStats(0.0, 0.0, 0.0, 0.0, 0, 0, tuple(values.shape))
    stack = channel_columns(values)
    dead = dead_channel_indices(stack, finite_range(values))
    return ActivationStats(
        minimum=float(np.nanmin(values)),
        maximum=float(np.nanmax(values)),
        mean=float(np.nanmean(values)),
        zero_fraction=float((stack == 0).mean()),
        dead_channels=len(dead),
        channels=channel_count(values),
        shape=tuple(int(d) for d in values.shape),
        dead_channel_indices=dead,
    )


def dead_channels(activation: np.ndarray) -> tuple[int, ...]:
    """The dead channels (last axis) of one per-sample activation, by ``dead_channel_indices``."""
    values = np.asarray(activation)
    if values.size == 0:
        return ()
    return dead_channel_indices(channel_columns(values), finite_range(values))


def channel_columns(values: np.ndarray) -> np.ndarray:
    """(positions, channels): one column per channel of the last axis (a scalar: one channel)."""
    return values.reshape(-1, values.shape[-1]) if values.ndim >= 1 else values.reshape(1, 1)


def dead_channel_indices(stack: np.ndarray, layer_range: tuple[float | None, float | None]) -> tuple[int, ...]:
    """Channels (columns of ``stack``, positions x channels) whose every finite value is 0,
    or negligibly far from 0 against the layer's span; a channel with no finite value is not dead."""
    lows, highs = finite_ranges(stack, axis=0)
    farthest = np.maximum(np.abs(lows), np.abs(highs))  # NaN for a channel without finite values
    return tuple(int(i) for i in np.flatnonzero(negligible(farthest, layer_range)))


def dead_channel_count(stack: np.ndarray, layer_range: tuple[float | None, float | None]) -> int:
    """How many channels ``dead_channel_indices`` finds."""
    return len(dead_channel_indices(stack, layer_range))
