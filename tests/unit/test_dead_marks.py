"""Dead channels and all-zero filters are said so: indices in the stats, hatched tiles
(explorer grid, exported grid, filters), "all zero" on a dead filter's figure."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import PolyCollection

from actviz_tui.core.analysis.filters import layer_filters
from actviz_tui.core.analysis.stats import activation_stats, dead_channels
from actviz_tui.core.figures import filters_figure, layer_grid_figure
from actviz_tui.ui.grid_layout import plan_grid
from actviz_tui.ui.grid_picture import HATCH_DARK_RGB, HATCH_LIGHT_RGB, grid_picture, rgb_grid_picture


class Conv2D:  # what layer_filters reads of a Keras layer: its type's name and its weights
    def __init__(self, kernel):
        self.kernel = kernel

    def get_weights(self):
        return [self.kernel, np.zeros(self.kernel.shape[-1], np.float32)]


def layer_with_dead(channels=6, dead=(1, 4)) -> np.ndarray:
    values = np.random.default_rng(0).random((10, 12, channels), dtype=np.float32) + 0.1
    for channel in dead:
        values[..., channel] = 0.0
    values[0, 0, dead[-1]] = 1e-30  # float dust is dead too
    return values


def test_stats_name_the_dead_channels_and_keep_their_count():
    stats = activation_stats(layer_with_dead())
    assert stats.dead_channels == 2 and stats.dead_channel_indices == (1, 4)
    assert stats.as_dict()["dead_channel_indices"] == [1, 4] and stats.as_dict()["dead_channels"] == 2
    assert dead_channels(layer_with_dead()) == (1, 4)
    assert dead_channels(np.array([0.0, 3.0, 0.0], np.float32)) == (0, 2)  # Dense units
    assert dead_channels(np.zeros((0, 3), np.float32)) == ()


def hatch_pixels(rgb: np.ndarray, layout, slot: int) -> int:
    y, x = layout.tile_origin(slot)
    tile = rgb[y : y + layout.tile_h, x : x + layout.tile_w]
    return int(sum(np.all(tile == colour, axis=-1).sum() for colour in (HATCH_LIGHT_RGB, HATCH_DARK_RGB)))


def test_the_explorer_grid_hatches_dead_tiles_only():
    stack = layer_with_dead()
    layout = plan_grid(6, 10, 12, 80, 120)
    plain = grid_picture(stack, layout, 0, 0, "viridis")
    marked = grid_picture(stack, layout, 0, 0, "viridis", dead=frozenset({1, 4}))
    area = layout.tile_h * layout.tile_w
    for slot in (1, 4):
        assert hatch_pixels(plain, layout, slot) == 0
        assert area // 5 <= hatch_pixels(marked, layout, slot) <= area // 3  # one pixel in four, diagonal
    for slot in (2, 3, 5):  # live tiles untouched
        y, x = layout.tile_origin(slot)
        np.testing.assert_array_equal(marked[y : y + layout.tile_h, x : x + layout.tile_w],
                                      plain[y : y + layout.tile_h, x : x + layout.tile_w])


def test_colour_patches_hatch_the_all_zero_filters():
    patches = np.full((4, 3, 3, 3), 200, np.uint8)
    layout = plan_grid(4, 3, 3, 40, 60)
    picture = rgb_grid_picture(patches, layout, 0, 0, frozenset({2}))
    assert hatch_pixels(picture, layout, 2) > 0 and hatch_pixels(picture, layout, 3) == 0


def hatched_boxes(ax) -> int:
    return sum(len(c.get_paths()) for c in ax.collections if isinstance(c, PolyCollection) and c.get_hatch())


def figure_text(fig) -> str:
    texts = [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]
    return "\n".join(texts + [ax.get_title() for ax in fig.axes])


def test_the_exported_grid_hatches_and_names_the_dead_channels():
    fig = layer_grid_figure(layer_with_dead(), title="m — conv")
    assert "2 dead (hatched red): 1, 4" in figure_text(fig)
    assert hatched_boxes(fig.axes[0]) == 2
    alive = layer_grid_figure(layer_with_dead() + 1.0, title="m — conv")
    assert "dead" not in figure_text(alive) and hatched_boxes(alive.axes[0]) == 0


def conv_kernel(inputs: int, filters: int = 6) -> np.ndarray:
    return np.random.default_rng(1).normal(0, 0.2, (3, 3, inputs, filters)).astype(np.float32)


def weights_image(fig):
    return fig.axes[0].images[0]


def test_an_all_zero_filter_says_so_on_the_layers_scale_not_a_dust_one():
    kernel = conv_kernel(4)
    kernel[..., 2] = np.sign(kernel[..., 2]) * 2e-34
    filters = layer_filters(Conv2D(kernel), "conv")
    fig = filters_figure(filters, 2, title="m — conv")
    low, high = weights_image(fig).get_clim()
    most = float(np.abs(kernel).max())
    assert (low, high) == pytest.approx((-most, most))  # the layer's weights, not +-2e-34
    text = figure_text(fig)
    assert "all zero" in text and "filter 2 — ALL ZERO" in text
    live = filters_figure(filters, 0, title="m — conv")
    assert "all zero" not in figure_text(live).lower()
    assert weights_image(live).get_clim()[1] == pytest.approx(float(np.abs(kernel[..., 0]).max()))


def test_a_single_input_convolution_shows_every_filter_as_a_tile():
    kernel = conv_kernel(1, filters=8)
    kernel[..., 5] = 0.0
    filters = layer_filters(Conv2D(kernel), "conv")
    assert filters.is_single_input and filters.filters_as_tiles and filters.single_kernels().shape == (3, 3, 8)
    fig = filters_figure(filters, 0, title="m — conv")
    rows, cols = weights_image(fig).get_array().shape
    assert rows > 3 and cols > 3 * 3  # 8 tiles, not the one 3x3 kernel of filter 0
    assert hatched_boxes(fig.axes[0]) == 1
    assert "8 filters 3x3 over one input" in figure_text(fig) and "all zero (hatched red): 5" in figure_text(fig)


def test_colour_range_of_weights():
    kernel = conv_kernel(2)
    kernel[..., 3] = 0.0
    filters = layer_filters(Conv2D(kernel), "conv")
    most = float(np.abs(kernel).max())
    assert filters.colour_range(kernel[..., 3]) == pytest.approx((-most, most))
    own = float(np.abs(kernel[..., 0]).max())
    assert filters.colour_range(kernel[..., 0]) == pytest.approx((-own, own))
    zero = layer_filters(Conv2D(np.zeros((3, 3, 2, 2), np.float32)), "conv")
    assert zero.colour_range(zero.kernels_of(0)) == (-1.0, 1.0)
