
import matplotlib
import numpy as np
import pytest

from actviz_tui.core.pictures import colormap
from actviz_tui.core.pictures.colormap import (
    COLORMAP_NAMES,
    DIVERGING,
    fit_shape,
    lut,
    normalise,
    resample_area,
    to_rgb,
    value_range,
    vector_block,
)



# --- lut -------------------------------------------------------------------


@pytest.mark.parametrize("name", COLORMAP_NAMES)
def test_lut_endpoints_match_matplotlib(name):
    table = lut(name)
    reference = matplotlib.colormaps[name]
    assert table.shape == (256, 3) and table.dtype == np.uint8
    np.testing.assert_array_equal(table[0], reference(0.0, bytes=True)[:3])
    np.testing.assert_array_equal(table[-1], reference(1.0, bytes=True)[:3])


def test_viridis_endpoints_are_the_known_colours():
    np.testing.assert_array_equal(lut("viridis")[0], [68, 1, 84])
    np.testing.assert_array_equal(lut("viridis")[-1], [253, 231, 36])


def test_lut_is_cached_and_read_only():
    assert lut("magma") is lut("magma")
    with pytest.raises(ValueError):
        lut("magma")[0, 0] = 1


def test_unknown_colormap_names_the_known_ones():
    with pytest.raises(ValueError, match="viridis.*magma.*gray.*coolwarm.*jet.*turbo.*inferno"):
        lut("hot")
    assert lut("jet").shape == (256, 3)  # the class heatmap overlays' colormaps too


def test_coolwarm_is_the_diverging_one():
    assert DIVERGING == frozenset({"coolwarm"})
    assert DIVERGING <= set(COLORMAP_NAMES)


# --- value_range -------------------------------------------------------------


def test_value_range_ignores_nan_and_inf():
    values = np.array([np.nan, -2.0, 5.0, np.inf, -np.inf])
    assert value_range(values) == (-2.0, 5.0)


def test_value_range_symmetric_uses_largest_magnitude():
    assert value_range(np.array([-3.0, 1.0]), symmetric=True) == (-3.0, 3.0)
    assert value_range(np.array([0.5, 2.0]), symmetric=True) == (-2.0, 2.0)


@pytest.mark.parametrize("values", [np.array([]), np.full((3, 3), np.nan)])
def test_value_range_without_finite_values_is_unit(values):
    assert value_range(values) == (0.0, 1.0)


@pytest.mark.parametrize("constant", [0.0, 4.0, -7.5, 1e30])
@pytest.mark.parametrize("symmetric", [False, True])
def test_value_range_of_constant_is_not_degenerate(constant, symmetric):
    vmin, vmax = value_range(np.full((4, 4), constant), symmetric=symmetric)
    assert vmin < vmax
    assert vmin <= constant <= vmax
    if not symmetric:
        assert vmin == constant  # drawn in the lowest colour, like matplotlib


def test_dead_channel_is_drawn_in_the_lowest_colour():
    zeros = np.zeros((3, 3))
    rgb = to_rgb(zeros, "viridis", *value_range(zeros))
    assert (rgb == lut("viridis")[0]).all()


def test_value_range_returns_python_floats():
    vmin, vmax = value_range(np.array([1, 2], dtype=np.float32))
    assert type(vmin) is float and type(vmax) is float


# --- normalise -----------------------------------------------------------------


def test_normalise_scales_clips_and_keeps_nan():
    values = np.array([-5.0, 0.0, 5.0, 10.0, 20.0, np.nan])
    out = normalise(values, 0.0, 10.0)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[:5], [0.0, 0.0, 0.5, 1.0, 1.0])
    assert np.isnan(out[5])


# --- fit_shape -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("map_shape", "box", "expected"),
    [
        ((10, 40), (20, 20), (5, 20)),  # wide: width limits
        ((40, 10), (20, 20), (20, 5)),  # tall: height limits
        ((4, 4), (80, 120), (80, 80)),  # small map scaled up to fill
        ((148, 148), (88, 120), (88, 88)),  # large map scaled down
        ((1, 1000), (88, 120), (1, 120)),  # 1xN never collapses to 0
        ((1000, 1), (88, 120), (88, 1)),
        ((3, 5), (3, 5), (3, 5)),
    ],
)
def test_fit_shape(map_shape, box, expected):
    assert fit_shape(*map_shape, *box) == expected


def test_fit_shape_never_exceeds_box_and_keeps_aspect():
    rng = np.random.default_rng(1)
    for map_h, map_w, max_h, max_w in rng.integers(1, 300, size=(200, 4)):
        h, w = fit_shape(map_h, map_w, max_h, max_w)
        assert 1 <= h <= max_h and 1 <= w <= max_w
        assert h == max_h or w == max_w  # fills at least one side
        if min(h, w) >= 20:
            assert abs(h / w - map_h / map_w) / (map_h / map_w) < 0.06


def test_fit_shape_rejects_empty_maps():
    with pytest.raises(ValueError):
        fit_shape(0, 5, 10, 10)


# --- resample_area ---------------------------------------------------------------


def test_area_average_integer_ratio_gives_exact_means():
    values = np.arange(16, dtype=np.float32).reshape(4, 4)
    out = resample_area(values, 2, 2)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[2.5, 4.5], [10.5, 12.5]])


def test_area_average_fractional_overlap():
    # 3 -> 2 along each axis: bin 0 covers cell 0 wholly and half of cell 1,
    # so its weights are (1, 0.5, 0) / 1.5 = (2/3, 1/3, 0); bin 1 mirrors that.
    values = np.arange(9, dtype=np.float64).reshape(3, 3)
    weights = np.array([[2 / 3, 1 / 3, 0.0], [0.0, 1 / 3, 2 / 3]])
    expected = weights @ values @ weights.T  # [[4/3, 8/3], [16/3, 20/3]]
    np.testing.assert_allclose(resample_area(values, 2, 2), expected, rtol=1e-6)
    np.testing.assert_allclose(expected, [[4 / 3, 8 / 3], [16 / 3, 20 / 3]])


def test_area_average_does_not_alias_a_checkerboard():
    checkerboard = (np.indices((100, 100)).sum(axis=0) % 2).astype(np.float32)
    out = resample_area(checkerboard, 7, 7)
    np.testing.assert_allclose(out, 0.5, atol=0.01)


def test_area_average_preserves_the_mean():
    values = np.random.default_rng(0).random((148, 148))
    out = resample_area(values, 88, 88)
    assert out.mean() == pytest.approx(values.mean(), rel=1e-5)


def test_upsampling_replicates_pixels():
    values = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(
        resample_area(values, 4, 4),
        [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]],
    )


def test_mixed_directions_shrink_one_axis_and_grow_the_other():
    values = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    np.testing.assert_array_equal(
        resample_area(values, 2, 4), [[2, 2, 3, 3], [6, 6, 7, 7]]
    )


def test_same_size_is_identity():
    values = np.random.default_rng(2).random((5, 7)).astype(np.float32)
    np.testing.assert_array_equal(resample_area(values, 5, 7), values)


def test_nan_cells_are_left_out_of_the_average():
    values = np.arange(16, dtype=np.float64).reshape(4, 4)
    values[0, 0] = np.nan
    out = resample_area(values, 2, 2)
    assert out[0, 0] == pytest.approx((1 + 4 + 5) / 3)
    np.testing.assert_array_equal(out.ravel()[1:], [4.5, 10.5, 12.5])


def test_all_nan_bin_stays_nan():
    values = np.arange(16, dtype=np.float64).reshape(4, 4)
    values[:2, :2] = np.nan
    out = resample_area(values, 2, 2)
    assert np.isnan(out[0, 0])
    np.testing.assert_array_equal(out.ravel()[1:], [4.5, 10.5, 12.5])


def test_resample_accepts_a_strided_channel_view():
    activation = np.random.default_rng(3).random((12, 12, 4)).astype(np.float32)
    channel = activation[..., 2]
    np.testing.assert_allclose(
        resample_area(channel, 3, 3), resample_area(channel.copy(), 3, 3)
    )


# --- to_rgb -----------------------------------------------------------------------


def test_to_rgb_maps_through_the_lut():
    values = np.array([[0.0, 0.5, 1.0]])
    rgb = to_rgb(values, "viridis", 0.0, 1.0)
    assert rgb.shape == (1, 3, 3) and rgb.dtype == np.uint8
    table = lut("viridis")
    np.testing.assert_array_equal(rgb[0], [table[0], table[128], table[255]])


def test_to_rgb_matches_matplotlib_binning():
    # Bin centres, plus out-of-range values that must clip to the end colours.
    # (Exact bin edges are avoided: we normalise in float32, matplotlib in float64.)
    centres = (np.arange(256) + 0.5) / 256
    values = np.concatenate([[-0.3, 0.0, 1.0, 1.4], centres]).reshape(20, 13)
    ours = to_rgb(values, "magma", 0.0, 1.0)
    reference = matplotlib.colormaps["magma"](np.clip(values, 0, 1), bytes=True)[..., :3]
    np.testing.assert_array_equal(ours, reference)


def test_to_rgb_higher_value_gets_a_higher_lut_index():
    values = np.linspace(0.0, 10.0, 50).reshape(5, 10)
    rgb = to_rgb(values, "gray", 0.0, 10.0)  # gray: index i is (i, i, i)
    flat = rgb[..., 0].ravel().astype(int)
    assert np.all(np.diff(flat) >= 0)
    assert flat[0] == 0 and flat[-1] == 255


def test_to_rgb_paints_nan_with_nan_rgb():
    rgb = to_rgb(np.array([[np.nan, 1.0]]), "viridis", 0.0, 1.0, nan_rgb=(9, 8, 7))
    np.testing.assert_array_equal(rgb[0, 0], [9, 8, 7])
    np.testing.assert_array_equal(rgb[0, 1], lut("viridis")[255])


# --- vector_block -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "shape"), [(1, (1, 1)), (10, (3, 4)), (16, (4, 4)), (17, (4, 5)), (128, (11, 12))]
)
def test_vector_block_is_near_square(n, shape):
    block = vector_block(np.arange(n))
    assert block.shape == shape
    assert block.dtype == np.float32


def test_vector_block_is_row_major_padded_with_nan():
    block = vector_block(np.arange(10))
    np.testing.assert_array_equal(block.ravel()[:10], np.arange(10))
    assert np.isnan(block.ravel()[10:]).all()
    np.testing.assert_array_equal(block[1], [4, 5, 6, 7])


def test_vector_block_of_nothing_is_one_nan():
    block = vector_block(np.array([]))
    assert block.shape == (1, 1) and np.isnan(block[0, 0])


# --- import hygiene ---------------------------------------------------------------------


def test_public_names_are_present():
    for name in ("COLORMAP_NAMES", "DIVERGING", "lut", "value_range", "normalise",
                 "fit_shape", "resample_area", "to_rgb", "vector_block"):
        assert hasattr(colormap, name)
