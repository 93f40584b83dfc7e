"""Figures (rendered to PNG and looked at pixel by pixel) and the mosaic they use."""

from __future__ import annotations

from io import BytesIO

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from actviz_tui.core import figures
from actviz_tui.core.pictures.mosaic import grid_shape, mosaic, tile_origin

VIRIDIS = matplotlib.colormaps["viridis"](np.linspace(0, 1, 256))[:, :3] * 255


def rendered(fig: Figure, dpi: int = 100) -> np.ndarray:
    png = figures.render_png_bytes(fig, dpi=dpi)
    assert png.startswith(b"\x89PNG")
    return np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(np.float32)


def assert_size_is_figsize_times_dpi(image: np.ndarray, fig: Figure, dpi: int) -> None:
    width_in, height_in = fig.get_size_inches()
    # Agg truncates fractional pixels; allow that one pixel.
    assert abs(image.shape[0] - height_in * dpi) < 1 and abs(image.shape[1] - width_in * dpi) < 1


def smooth_maps(height: int, width: int, channels: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width] / max(height, width)
    freq = rng.uniform(1, 6, (2, channels))
    return (np.sin(x[..., None] * freq[0]) * np.cos(y[..., None] * freq[1])).astype(np.float32)


def horizontal_ramp(height: int = 40, width: int = 80) -> np.ndarray:
    return np.tile(np.linspace(-2.0, 5.0, width, dtype=np.float32), (height, 1))


def viridis_indices(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest viridis LUT index of each RGB pixel, and the colour distance to it."""
    distances = np.linalg.norm(pixels[:, None, :] - VIRIDIS[None, :, :], axis=2)
    return distances.argmin(axis=1), distances.min(axis=1)


def axes_row_pixels(fig: Figure, image: np.ndarray, ax=None, inset: int = 4) -> np.ndarray:
    """The PNG pixels along the middle row inside ``ax`` (the first axes by default)."""
    ax = ax or fig.axes[0]
    box = ax.get_position()  # figure fractions, after the draw applied the aspect
    height, width = image.shape[:2]
    row = int(round((1 - (box.y0 + box.y1) / 2) * height))
    left, right = int(np.ceil(box.x0 * width)) + inset, int(box.x1 * width) - inset
    return image[row, left:right]


# --------------------------------------------------------------------------
# mosaic


@pytest.mark.parametrize(
    ("n", "aspect", "expected"),
    [(1, 1.0, (1, 1)), (8, 1.0, (3, 3)), (8, 2.0, (2, 4)), (32, 2.0, (4, 8)), (128, 2.0, (8, 16)),
     (512, 2.0, (16, 32)), (6, 2.0, (2, 3)), (32, 1.0, (6, 6))],
)
def test_grid_shape_layouts(n, aspect, expected):
    assert grid_shape(n, aspect=aspect) == expected


def test_grid_shape_fits_every_tile_and_respects_max_cols():
    for n in range(1, 300):
        rows, cols = grid_shape(n, max_cols=7, aspect=2.0)
        assert cols <= 7 and rows * cols >= n and (rows - 1) * cols < n


def test_grid_shape_rejects_no_tiles():
    with pytest.raises(ValueError):
        grid_shape(0)


def test_mosaic_places_each_channel_in_its_tile():
    height, width, channels, cols, pad = 3, 4, 5, 2, 1
    maps = np.stack([np.full((height, width), c, np.float32) for c in range(channels)], axis=-1)
    maps[0, 0, :] += 0.5  # mark each tile's top-left pixel to check orientation
    image = mosaic(maps, cols, pad=pad)
    assert image.dtype == np.float32
    assert image.shape == (3 * height + 2 * pad, cols * width + pad)
    for channel in range(channels):
        y, x = tile_origin(channel, cols, height, width, pad)
        tile = image[y : y + height, x : x + width]
        expected = maps[:, :, channel]
        np.testing.assert_array_equal(tile, expected)


def test_mosaic_padding_and_empty_cells_are_nan():
    maps = np.ones((2, 2, 3), np.float32)
    image = mosaic(maps, cols=2, pad=1)  # 2 rows x 2 cols, the last cell empty
    assert np.isnan(image[2, :]).all()  # padding row
    assert np.isnan(image[:, 2]).all()  # padding column
    assert np.isnan(image[3:5, 3:5]).all()  # empty cell
    assert np.count_nonzero(~np.isnan(image)) == 3 * 4


def test_mosaic_channel_scale_normalises_each_tile():
    rng = np.random.default_rng(1)
    maps = rng.normal(size=(4, 5, 3)).astype(np.float32) * np.array([1, 100, 0.01], np.float32)
    maps[:, :, 2] = 7.0  # constant channel
    image = mosaic(maps, cols=3, pad=1, scale="channel")
    for channel in range(3):
        y, x = tile_origin(channel, 3, 4, 5, 1)
        tile = image[y : y + 4, x : x + 5]
        if channel == 2:
            assert (tile == 0).all()
        else:
            assert tile.min() == pytest.approx(0) and tile.max() == pytest.approx(1)
            assert np.argmax(tile) == np.argmax(maps[:, :, channel])


def test_mosaic_layer_scale_keeps_raw_values():
    maps = smooth_maps(6, 6, 4) * 10
    image = mosaic(maps, cols=4, pad=0, scale="layer")
    np.testing.assert_array_equal(image[:, 6:12], maps[:, :, 1])


def test_mosaic_rejects_bad_input():
    with pytest.raises(ValueError):
        mosaic(np.zeros((4, 4)), cols=2)
    with pytest.raises(ValueError):
        mosaic(np.zeros((4, 4, 2)), cols=2, scale="global")


# --------------------------------------------------------------------------
# every figure: exact size, not blank


FIGURE_CASES = {
    "channel": lambda: figures.channel_figure(horizontal_ramp(), title="m \u00b7 conv \u00b7 ch 3"),
    "grid_channel": lambda: figures.layer_grid_figure(smooth_maps(20, 20, 32), title="m \u00b7 conv"),
    "grid_layer": lambda: figures.layer_grid_figure(smooth_maps(20, 20, 32), title="m", scale="layer"),
    "across": lambda: figures.across_layers_figure(
        [(f"conv{i}", smooth_maps(40 // (i + 1), 40 // (i + 1), 1, i)[:, :, 0]) for i in range(5)], title="ch 3"
    ),
    "input_rgb": lambda: figures.input_figure(smooth_maps(32, 32, 3) * 120 - 40, title="input"),
    "vector_block": lambda: figures.vector_figure(np.linspace(-1, 1, 300), title="dense"),
    "vector_strip": lambda: figures.vector_figure(np.linspace(0, 1, 10), title="softmax"),
    "sequence": lambda: figures.sequence_figure(smooth_maps(1, 50, 16)[0], title="conv1d"),
}


@pytest.mark.parametrize("name", sorted(FIGURE_CASES))
@pytest.mark.parametrize("dpi", [72, 150])
def test_png_is_figsize_times_dpi_and_not_blank(name, dpi):
    fig = FIGURE_CASES[name]()
    assert isinstance(fig, Figure)
    image = rendered(fig, dpi=dpi)
    assert_size_is_figsize_times_dpi(image, fig, dpi)
    assert image.std() > 20


# --------------------------------------------------------------------------
# channel figure


def test_channel_colours_follow_activation_order():
    fig = figures.channel_figure(horizontal_ramp(), title="ramp", cmap="viridis")
    pixels = axes_row_pixels(fig, rendered(fig, dpi=150))
    indices, distance = viridis_indices(pixels)
    assert distance.max() < 12  # every sampled pixel is a viridis colour
    assert (np.diff(indices) >= 0).all()
    assert indices[0] < 10 and indices[-1] > 245


def test_channel_colorbar_is_in_real_values():
    fig = figures.channel_figure(horizontal_ramp(), title="ramp")
    image_artist = fig.axes[0].images[0]
    assert image_artist.get_clim() == pytest.approx((-2.0, 5.0))


def test_diverging_cmap_is_centred_on_zero():
    fig = figures.channel_figure(horizontal_ramp(), title="ramp", cmap="coolwarm")
    assert fig.axes[0].images[0].get_clim() == pytest.approx((-5.0, 5.0))
    assert figures.display_range(np.array([-1.0, 3.0]), "coolwarm_r") == (-3.0, 3.0)
    assert figures.display_range(np.array([-1.0, 3.0]), "viridis") == (-1.0, 3.0)


def test_explicit_vmin_vmax_win():
    fig = figures.channel_figure(horizontal_ramp(), title="ramp", vmin=0, vmax=1)
    assert fig.axes[0].images[0].get_clim() == (0, 1)


def test_constant_map_is_drawn_not_crashed():
    fig = figures.channel_figure(np.zeros((8, 8)), title="dead channel")
    low, high = fig.axes[0].images[0].get_clim()
    assert low == 0 and high > low
    rendered(fig)


def test_unknown_colormap_is_a_clear_error():
    with pytest.raises(ValueError, match="colormap"):
        figures.channel_figure(horizontal_ramp(), title="x", cmap="not-a-cmap")


# --------------------------------------------------------------------------
# layer grid


def test_grid_is_one_image_with_a_label_per_channel():
    fig = figures.layer_grid_figure(smooth_maps(12, 12, 32), title="m \u00b7 conv")
    image_axes = fig.axes[0]
    assert len(image_axes.images) == 1
    assert [text.get_text() for text in image_axes.texts] == [str(c) for c in range(32)]


@pytest.mark.parametrize(("scale", "phrase"), [("channel", "own min"), ("layer", "shared scale")])
def test_grid_states_its_scale(scale, phrase):
    fig = figures.layer_grid_figure(smooth_maps(12, 12, 8), title="t", scale=scale)
    assert any(phrase in text.get_text() for text in fig.texts)


def test_grid_layer_scale_colours_real_values():
    maps = smooth_maps(10, 10, 4) * 3
    fig = figures.layer_grid_figure(maps, title="t", scale="layer")
    assert fig.axes[0].images[0].get_clim() == pytest.approx((maps.min(), maps.max()))


def test_grid_of_512_channels_renders_legibly_and_bounded():
    fig = figures.layer_grid_figure(smooth_maps(7, 7, 512), title="m \u00b7 block5", scale="layer")
    width_in, height_in = fig.get_size_inches()
    assert width_in * height_in * 100**2 <= 40e6
    labels = fig.axes[0].texts
    assert len(labels) == 512 and min(label.get_fontsize() for label in labels) >= 6
    assert_size_is_figsize_times_dpi(rendered(fig, dpi=100), fig, 100)


def test_grid_rejects_unknown_scale():
    with pytest.raises(ValueError, match="scale"):
        figures.layer_grid_figure(smooth_maps(4, 4, 2), title="t", scale="global")


# --------------------------------------------------------------------------
# other figures


def test_across_layers_titles_name_layer_and_size():
    items = [("conv2d", np.ones((148, 148))), ("block2/conv", np.ones((74, 74)) * 2)]
    fig = figures.across_layers_figure(items, title="channel 29")
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible() and ax.images]
    assert titles == ["conv2d\n148\u00d7148", "block2/conv\n74\u00d774"]


def test_across_layers_shared_scale_uses_one_range():
    items = [("a", np.zeros((4, 4))), ("b", np.full((4, 4), 9.0))]
    fig = figures.across_layers_figure(items, title="t", scale="layer")
    ranges = {ax.images[0].get_clim() for ax in fig.axes if ax.images}
    assert ranges == {(0.0, 9.0)}


def test_across_layers_scale_is_channel_or_layer():
    with pytest.raises(ValueError, match="scale"):
        figures.across_layers_figure([("a", np.zeros((4, 4)))], title="t", scale="shared")


def test_input_without_finite_values_says_so():
    fig = figures.input_figure(np.full((8, 8, 3), np.nan, np.float32), title="broken")
    assert "no finite values" in fig.axes[0].get_xlabel()
    rendered(fig)


def test_input_single_channel_is_gray_and_rescaled():
    gray = np.linspace(-100, 100, 64 * 64, dtype=np.float32).reshape(64, 64, 1)
    fig = figures.input_figure(gray, title="x-ray")
    pixels = axes_row_pixels(fig, rendered(fig))
    assert np.abs(pixels[:, 0] - pixels[:, 1]).max() < 2 and np.abs(pixels[:, 1] - pixels[:, 2]).max() < 2
    assert "display-rescaled from [-100, 100]" in fig.axes[0].get_xlabel()


def test_input_with_other_channel_counts_shows_first_channel():
    image = np.zeros((16, 16, 5), np.float32)
    image[:, :, 0] = np.linspace(0, 1, 16)
    fig = figures.input_figure(image, title="5 bands")
    assert fig.axes[0].images[0].get_array().shape == (16, 16)
    assert "channel 0 of 5" in fig.axes[0].get_xlabel()


def test_vector_with_one_unit_states_the_value():
    fig = figures.vector_figure(np.array([0.9312], np.float32), title="output")
    assert "0.9312" in fig.axes[0].get_title()


def test_vector_block_lays_units_out_near_square():
    fig = figures.vector_figure(np.arange(100, dtype=np.float32), title="dense")
    assert fig.axes[0].images[0].get_array().shape == (10, 10)


def test_layer_figure_dispatches_on_rank():
    grid = figures.layer_figure(smooth_maps(6, 6, 4), title="conv")
    assert any("4 channels" in text.get_text() for text in grid.texts)
    sequence = figures.layer_figure(np.zeros((30, 8)), title="conv1d")
    assert sequence.axes[0].get_ylabel() == "channel (of 8)"
    vector = figures.layer_figure(np.zeros(3), title="dense")
    assert vector.axes[0].get_xlabel() == "unit"
    with pytest.raises(ValueError):
        figures.layer_figure(np.zeros((1, 2, 2, 2)), title="batch")
