"""Turning activation values into colours: ranges, resampling, colormap look-up.

Pure numpy. matplotlib is imported lazily, and only to read a colormap's
table once per name; per-frame work is array indexing, never a matplotlib call.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from actviz_tui.core.pictures.value_ranges import value_range  # noqa: F401  (the heatmaps' colour scale)

COLORMAP_NAMES: tuple[str, ...] = ("viridis", "magma", "gray", "coolwarm")
# Colormaps whose middle means zero: coloured on a range symmetric about 0.
OVERLAY_COLORMAPS: tuple[str, ...] = ("jet", "turbo", "inferno")  # class heatmaps over the input
DIVERGING = frozenset({"coolwarm"})

_LUT_SIZE = 256


def is_diverging(name: str) -> bool:
    """True for a diverging colormap (``coolwarm``), reversed (``_r``) or not."""
    return name.removesuffix("_r") in DIVERGING


@functools.lru_cache(maxsize=None)
def lut(name: str) -> np.ndarray:
    """The colormap `name` as a read-only (256, 3) uint8 RGB table."""
    if name not in COLORMAP_NAMES + OVERLAY_COLORMAPS:
        known = ", ".join(COLORMAP_NAMES + OVERLAY_COLORMAPS)
        raise ValueError(f"unknown colormap {name!r}; known colormaps: {known}")
    import matplotlib  # lazy: only the registry, never pyplot

    cmap = matplotlib.colormaps[name].resampled(_LUT_SIZE)
    # bytes=True gives exactly the bytes matplotlib itself would paint.
    table = np.ascontiguousarray(cmap(np.arange(_LUT_SIZE), bytes=True)[:, :3])
    table.setflags(write=False)
    return table


def normalise(values: np.ndarray, vmin: float, vmax: float) -> np.ndarray:
    """Map [vmin, vmax] onto [0, 1] as float32, clipping outside; NaN stays NaN."""
    span = vmax - vmin if vmax > vmin else 1.0
    scaled = (np.asarray(values, dtype=np.float32) - np.float32(vmin)) / np.float32(span)
    return np.clip(scaled, 0.0, 1.0, out=scaled)


def fit_shape(map_h: int, map_w: int, max_h: int, max_w: int) -> tuple[int, int]:
    """The largest (h, w) within (max_h, max_w) with the map's aspect ratio.

    Small maps are scaled up to fill, large ones down; nothing is cropped.
    """
    if map_h < 1 or map_w < 1:
        raise ValueError(f"map shape must be positive, got {(map_h, map_w)}")
    max_h, max_w = max(1, max_h), max(1, max_w)
    scale = min(max_h / map_h, max_w / map_w)
    height = min(max_h, max(1, round(map_h * scale)))
    width = min(max_w, max(1, round(map_w * scale)))
    return height, width


@functools.lru_cache(maxsize=256)
def _nearest_indices(n_in: int, n_out: int) -> np.ndarray:
    """For growing an axis: the input cell under each output cell's centre."""
    indices = ((np.arange(n_out) + 0.5) * (n_in / n_out)).astype(np.intp)
    indices.setflags(write=False)
    return indices


def repeated_cells(n_in: int, n_out: int) -> np.ndarray:
    """Along an axis that ``resample_area`` grows (n_out >= n_in): the input cell
    each output cell repeats (read-only)."""
    if n_out < n_in:
        raise ValueError(f"an axis of {n_in} cells shrinks to {n_out}: its cells are averages, not repeats")
    return _nearest_indices(n_in, n_out)


@functools.lru_cache(maxsize=256)
def _bin_edges(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
    """For shrinking an axis: each output bin edge as (input cell, fraction into it)."""
    edges = np.arange(n_out + 1) * (n_in / n_out)
    cells = np.minimum(edges.astype(np.intp), n_in - 1)
    fractions = edges - cells
    for array in (cells, fractions):
        array.setflags(write=False)
    return cells, fractions


def _sum_bins_along_rows(values: np.ndarray, n_out: int) -> np.ndarray:
    """Area-weighted sums of n_out equal bins along axis 0, fractional edges included.

    Uses prefix sums: the integral up to x is prefix[k] + (x - k) * values[k].
    This avoids BLAS, whose worker threads stall badly on a busy machine.
    """
    cells, fractions = _bin_edges(values.shape[0], n_out)
    prefix = np.zeros_like(values)  # prefix[k]: sum of the cells before cell k
    np.cumsum(values[:-1], axis=0, out=prefix[1:])
    integral = prefix[cells] + fractions[:, None] * values[cells]
    return integral[1:] - integral[:-1]


def _resize_rows(
    values: np.ndarray, counts: np.ndarray | None, n_out: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Resize axis 0 of the zero-filled values and of their finite-cell counts."""
    n_in = values.shape[0]
    if n_out >= n_in:
        nearest = _nearest_indices(n_in, n_out)
        return values[nearest], None if counts is None else counts[nearest]
    bin_width = n_in / n_out
    sums = _sum_bins_along_rows(values, n_out) / bin_width
    if counts is None:
        return sums, None
    return sums, _sum_bins_along_rows(counts, n_out) / bin_width


def resample_area(values2d: np.ndarray, out_h: int, out_w: int) -> np.ndarray:
    """Resize a 2-D map to (out_h, out_w) as float32.

    Each axis independently: area averaging when shrinking (no aliasing,
    exact for non-integer ratios), nearest neighbour when growing.
    Non-finite cells are left out of averages; a bin with none finite is NaN.
    """
    values = np.asarray(values2d, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"expected a 2-D array, got shape {values.shape}")
    if out_h < 1 or out_w < 1:
        raise ValueError(f"output shape must be positive, got {(out_h, out_w)}")
    counts = None
    finite = np.isfinite(values)
    if not finite.all():
        values = np.where(finite, values, 0.0)
        counts = finite.astype(np.float64)
    values, counts = _resize_rows(values, counts, out_h)
    values, counts = _resize_rows(values.T, None if counts is None else counts.T, out_w)
    if counts is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(counts > 1e-9, values / counts, np.nan)
    return np.ascontiguousarray(values.T, dtype=np.float32)


def to_rgb(
    values2d: np.ndarray,
    cmap: str,
    vmin: float,
    vmax: float,
    nan_rgb: tuple[int, int, int] = (0, 0, 0),
) -> np.ndarray:
    """Colour a 2-D map through the colormap's table: (H, W, 3) uint8."""
    scaled = normalise(values2d, vmin, vmax)
    # Same binning as matplotlib: floor(x * 256), with x == 1 in the top bin.
    scaled *= _LUT_SIZE
    np.minimum(scaled, _LUT_SIZE - 1, out=scaled)
    missing = np.isnan(scaled)
    has_missing = missing.any()
    if has_missing:
        scaled[missing] = 0
    rgb = lut(cmap).take(scaled.astype(np.uint8), axis=0)
    if has_missing:
        rgb[missing] = nan_rgb
    return rgb


def vector_block(values1d: np.ndarray) -> np.ndarray:
    """Lay a vector out row-major in a near-square block, padding with NaN.

    cols = ceil(sqrt(n)), rows = ceil(n / cols); so a Dense layer gets a picture.
    """
    flat = np.asarray(values1d, dtype=np.float32).ravel()
    n = flat.size
    if n == 0:
        return np.full((1, 1), np.nan, dtype=np.float32)
    cols = math.isqrt(n - 1) + 1
    rows = math.ceil(n / cols)
    block = np.full(rows * cols, np.nan, dtype=np.float32)
    block[:n] = flat
    return block.reshape(rows, cols)


def overlay_rgb(base: np.ndarray, heatmap: np.ndarray, cmap: str, alpha: float) -> np.ndarray:
    """``heatmap`` (H, W) in [0, 1], coloured by ``cmap``, alpha-blended over the
    (H, W, 3) uint8 picture ``base``: what a class heatmap view shows."""
    heat = to_rgb(heatmap, cmap, 0.0, 1.0).astype(np.float32)
    blended = (1 - alpha) * np.asarray(base, dtype=np.float32) + alpha * heat
    return np.clip(blended + 0.5, 0, 255).astype(np.uint8)
