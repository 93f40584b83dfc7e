"""The one definition of a value range and of the "scale" choice (pure numpy).

Three answers, each building on the one before:

* :func:`finite_range` -- the data's own (min, max) over finite values, or
  ``(None, None)`` when there are none (empty, all NaN/inf). What exported
  sidecars record as ``data_range`` and titles print.
* :func:`finite_ranges` -- the same along some axes (one range per channel),
  NaN where a slice has no finite value.
* :func:`value_range` -- the colour scale of a heatmap: always ``vmin < vmax``.
  No finite values gives (0, 1); a constant map starts the range, so it shows
  the colormap's lowest colour (a dead ReLU channel is dark, not mid-scale);
  ``symmetric`` gives (-m, m) with m = max |v|, for diverging colormaps.
  Given its layer's range, a channel whose spread is negligible next to the
  layer's (:func:`negligible`, e.g. [-8.9e-34, -4.4e-35] in a layer spanning
  +-10: float dust) is drawn flat like a constant one, not stretched.
* :func:`scaled_range` -- the colour scale of one channel by the "scale"
  choice: the whole layer's range, or the channel's own (as above). What the
  explorer's views and the exported channel figure colour by.

"Negligible" is also what makes a channel dead in ``activation_stats``: all its
values are 0, or within ``NEGLIGIBLE_FRACTION`` of the layer's span from 0.

``SCALES`` names the normalisation choice everywhere (CLI, export, figures):
"channel" (each channel its own range) or "layer" (one range per layer).
"""

from __future__ import annotations

import math

import numpy as np

SCALES: tuple[str, ...] = ("channel", "layer")
# A spread (or a distance from 0) under this share of the layer's span is float dust:
# 1/256 of the span is one colour step, float32 rounding is about 1e-7 of a value.
NEGLIGIBLE_FRACTION = 1e-6


def check_scale(scale: str) -> None:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {scale!r}")


def finite_range(values: np.ndarray) -> tuple[float | None, float | None]:
    """(min, max) over the finite values as Python floats; (None, None) if none."""
    values = np.asarray(values)
    if values.size == 0:
        return None, None
    low, high = float(values.min()), float(values.max())
    if math.isfinite(low) and math.isfinite(high):  # min/max propagate NaN, so none here
        return low, high
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return None, None
    return float(finite.min()), float(finite.max())


def finite_ranges(values: np.ndarray, axis: int | tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Per-slice (low, high) arrays, reducing over ``axis``; NaN where a slice
    has no finite value (e.g. one range per channel of an (H, W, C) map with
    ``axis=(0, 1)``). Float input keeps its dtype; other input becomes float64."""
    values = np.asarray(values)
    if not np.issubdtype(values.dtype, np.floating):
        values = values.astype(np.float64)
    finite = np.isfinite(values)
    low = np.where(finite, values, np.inf).min(axis=axis)
    high = np.where(finite, values, -np.inf).max(axis=axis)
    none = ~np.isfinite(low)
    return np.where(none, np.nan, low), np.where(none, np.nan, high)


def negligible(amounts, layer_range: tuple[float | None, float | None]):
    """True where an amount (a channel's spread, or its distance from 0) is nothing next to
    the layer's span; exactly 0 always is. Works on floats and arrays (NaN: False)."""
    layer_low, layer_high = layer_range
    span = 0.0 if layer_low is None or layer_high is None else layer_high - layer_low
    with np.errstate(invalid="ignore"):
        return np.asarray(amounts) <= NEGLIGIBLE_FRACTION * span


def value_range(
    values: np.ndarray,
    *,
    symmetric: bool = False,
    layer_range: tuple[float | None, float | None] | None = None,
) -> tuple[float, float]:
    """(vmin, vmax) to colour ``values`` by, always with vmin < vmax (see the module notes).

    ``layer_range``: the finite range of the whole layer ``values`` is a channel of;
    a channel with a negligible spread against it is drawn flat (the lowest colour,
    or the middle of a diverging one)."""
    low, high = finite_range(values)
    if low is None or high is None:
        return _range_of(low, high, symmetric)
    if layer_range is not None and low < high and negligible(high - low, layer_range):
        return _flat_range(high, layer_range, symmetric)
    return _range_of(low, high, symmetric)


def scaled_range(
    values: np.ndarray, scale: str, layer_extent: tuple[float | None, float | None], *, symmetric: bool = False
) -> tuple[float, float]:
    """(vmin, vmax) to colour ``values``, a channel of a layer whose finite range is
    ``layer_extent`` (``finite_range(layer)``: callers that repaint on every key scan
    a layer once): in "layer" scale the layer's range, the same for all its channels;
    in "channel" scale the channel's own, drawn flat when negligible next to the layer's."""
    check_scale(scale)
    if scale == "layer":
        return _range_of(*layer_extent, symmetric)
    return value_range(values, symmetric=symmetric, layer_range=layer_extent)


def _range_of(low: float | None, high: float | None, symmetric: bool) -> tuple[float, float]:
    """The colour scale of data whose finite values span [low, high] (None: no finite value)."""
    if low is None or high is None:
        return 0.0, 1.0
    if symmetric:
        most = max(abs(low), abs(high))
        return (-most, most) if most > 0 else (-1.0, 1.0)
    if low < high:
        return low, high
    # Relative span so huge constants still give vmin < vmax in float64.
    return low, low + (abs(low) if low != 0 else 1.0)


def _flat_range(high: float, layer_range: tuple[float | None, float | None], symmetric: bool) -> tuple[float, float]:
    layer_low, layer_high = layer_range
    assert layer_low is not None and layer_high is not None  # negligible() is False for a valueless layer
    if symmetric:
        most = max(abs(layer_low), abs(layer_high))
        return -most, most
    return high, high + (layer_high - layer_low)  # every value <= vmin: the lowest colour
