"""value_ranges: the one definition of a data range, a colour range and the scale names."""

from __future__ import annotations

import numpy as np
import pytest

from actviz_tui.core import figures
from actviz_tui.core.pictures import colormap, mosaic
from actviz_tui.core.inputs.images import stretch_for_display
from actviz_tui.core.analysis.stats import activation_stats
from actviz_tui.core.pictures.value_ranges import SCALES, check_scale, finite_range, finite_ranges, negligible, scaled_range, value_range

NAN, INF = np.nan, np.inf
NO_FINITE = [np.array([]), np.zeros((0, 3)), np.array([NAN, NAN]), np.array([INF, -INF, NAN])]


@pytest.mark.parametrize("values", NO_FINITE)
def test_no_finite_values(values):
    assert finite_range(values) == (None, None)  # the sidecar's data_range: [null, null]
    assert value_range(values) == (0.0, 1.0)  # a heatmap still gets a usable scale
    assert value_range(values, symmetric=True) == (0.0, 1.0)


def test_finite_range_ignores_nan_and_inf_and_gives_python_floats():
    low, high = finite_range(np.array([NAN, -2.0, INF, 5.0, -INF], dtype=np.float32))
    assert (low, high) == (-2.0, 5.0) and type(low) is float and type(high) is float
    assert value_range(np.array([NAN, -2.0, INF, 5.0])) == (-2.0, 5.0)


@pytest.mark.parametrize(("constant", "expected"), [(0.0, (0.0, 1.0)), (3.0, (3.0, 6.0)), (-2.0, (-2.0, 0.0))])
def test_constant_map_starts_the_range(constant, expected):
    values = np.full((4, 4), constant)
    assert finite_range(values) == (constant, constant)
    assert value_range(values) == expected  # the lowest colour: a dead channel is dark


def test_huge_constant_still_gives_vmin_below_vmax():
    vmin, vmax = value_range(np.full(3, 1e300))
    assert vmin < vmax


@pytest.mark.parametrize(
    ("values", "expected"),
    [([-3.0, 1.0], (-3.0, 3.0)), ([0.5, 2.0], (-2.0, 2.0)), ([-4.0, -1.0], (-4.0, 4.0)), ([0.0, 0.0], (-1.0, 1.0))],
)
def test_symmetric_range_is_centred_on_zero(values, expected):
    assert value_range(np.array(values), symmetric=True) == expected


def test_finite_ranges_per_channel_with_nan_for_empty_slices():
    maps = np.zeros((2, 2, 3), np.float32)
    maps[..., 0] = [[1, 2], [3, NAN]]
    maps[..., 1] = NAN
    maps[..., 2] = [[-1, INF], [0, 0]]
    low, high = finite_ranges(maps, axis=(0, 1))
    assert low.dtype == np.float32
    np.testing.assert_array_equal(low, [1, NAN, -1])
    np.testing.assert_array_equal(high, [3, NAN, 0])
    low, high = finite_ranges(np.array([[1, 5], [2, 3]]), axis=0)  # integers: float64
    np.testing.assert_array_equal(low, [1.0, 3.0])
    np.testing.assert_array_equal(high, [2.0, 5.0])


def test_every_user_of_a_range_agrees():
    values = np.array([[NAN, -1.0], [2.0, 7.0]], np.float32)
    assert colormap.value_range is value_range  # the explorer's heatmaps
    assert figures.display_range(values, "viridis") == value_range(values)  # exported figures
    assert figures.display_range(values, "coolwarm") == value_range(values, symmetric=True)
    tiles = np.moveaxis(np.stack([values, values * 2], axis=-1), -1, 0)
    scaled = mosaic.normalise_per_channel(tiles)  # the grid's per-channel scale
    np.testing.assert_allclose(scaled[0], [[NAN, 0.0], [3 / 8, 1.0]])
    shown, (low, high) = stretch_for_display(values)
    assert (low, high) == finite_range(values)


def test_scales_are_named_once():
    assert SCALES == ("channel", "layer")
    for scale in SCALES:
        check_scale(scale)
    with pytest.raises(ValueError, match="scale"):
        check_scale("shared")  # the old alias of "layer" is gone


def test_diverging_colormaps_are_defined_once():
    assert colormap.DIVERGING == frozenset({"coolwarm"}) and colormap.DIVERGING <= set(colormap.COLORMAP_NAMES)
    assert colormap.is_diverging("coolwarm") and colormap.is_diverging("coolwarm_r")
    assert not colormap.is_diverging("viridis")
    assert not hasattr(figures, "DIVERGING_CMAPS")


# -- near-constant channels ------------------------------------------------------


def dusty_layer() -> np.ndarray:
    """A layer spanning +-10 whose channel 1 is float dust in [-8.9e-34, -4.4e-35]."""
    layer = np.zeros((4, 4, 3), np.float32)
    layer[..., 0] = np.linspace(-10, 10, 16).reshape(4, 4)
    layer[..., 1] = np.linspace(-8.9e-34, -4.4e-35, 16).reshape(4, 4)
    layer[..., 2] = 3.0
    return layer


def test_negligible_is_relative_to_the_layer_span():
    assert negligible(8.5e-34, (-10.0, 10.0)) and negligible(0.0, (0.0, 0.0))
    assert not negligible(1e-3, (-10.0, 10.0)) and not negligible(1e-30, (1.0, 1.0))
    np.testing.assert_array_equal(negligible(np.array([0.0, 1e-6, 1e-4, NAN]), (0.0, 1.0)), [True, True, False, False])


@pytest.mark.parametrize("symmetric", [False, True])
def test_a_near_constant_channel_is_drawn_flat(symmetric):
    layer = dusty_layer()
    dust = layer[..., 1]
    alone = colormap.normalise(dust, *value_range(dust, symmetric=symmetric))
    assert alone.max() - alone.min() > 0.4  # on its own range the dust is stretched to contrast
    vmin, vmax = value_range(dust, symmetric=symmetric, layer_range=finite_range(layer))
    shown = colormap.normalise(dust, vmin, vmax)
    assert shown.max() - shown.min() < 1e-6  # one colour
    if symmetric:
        assert (vmin, vmax) == (-10.0, 10.0) and shown[0, 0] == pytest.approx(0.5)
    else:
        assert shown.max() == 0.0  # the lowest colour, as a constant map
    real = layer[..., 0]
    assert value_range(real, layer_range=finite_range(layer)) == (-10.0, 10.0)  # real channels keep their range


@pytest.mark.parametrize("symmetric", [False, True])
def test_scaled_range_is_the_layers_or_the_channels_own(symmetric):
    layer = dusty_layer()
    extent = finite_range(layer)
    for channel in range(3):
        values = layer[..., channel]
        assert scaled_range(values, "layer", extent, symmetric=symmetric) == value_range(layer, symmetric=symmetric)
        assert scaled_range(values, "channel", extent, symmetric=symmetric) == value_range(
            values, symmetric=symmetric, layer_range=extent)
    assert scaled_range(layer[..., 2], "layer", extent) == (-10.0, 10.0)  # every channel on the layer's scale
    assert scaled_range(layer[..., 2], "channel", extent) == (3.0, 6.0)  # a constant channel: its lowest colour
    assert scaled_range(np.array([NAN]), "layer", (None, None)) == (0.0, 1.0)
    with pytest.raises(ValueError, match="scale"):
        scaled_range(layer, "shared", extent)


def test_grid_figures_draw_a_near_constant_channel_flat():
    tiles = np.moveaxis(dusty_layer(), -1, 0)
    scaled = mosaic.normalise_per_channel(tiles)
    assert scaled[1].max() == 0.0 and scaled[2].max() == 0.0
    assert scaled[0].min() == 0.0 and scaled[0].max() == 1.0


def test_dead_channels_are_zero_to_within_dust():
    stats = activation_stats(dusty_layer())
    assert stats.dead_channels == 1  # the dust; the constant 3.0 channel is flat but alive
    all_zero = activation_stats(np.zeros((2, 2, 4), np.float32))
    assert all_zero.dead_channels == 4
    units = activation_stats(np.array([0.0, 1e-30, 5.0, -2.0], np.float32))
    assert units.dead_channels == 2
    with_nan = np.zeros((2, 2, 2), np.float32)
    with_nan[..., 1] = NAN
    assert activation_stats(with_nan).dead_channels == 1  # no finite value: not counted dead
