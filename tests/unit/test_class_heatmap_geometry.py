"""Heatmap placement: the cells of a plain chain's maps sit on their receptive
fields' centres; other models are stretched."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.geometry import cell_geometry
from actviz_tui.core.explain.resize import resize_bilinear
from actviz_tui.core.model.engine import Model


def test_sample_cells_follow_valid_convolutions_and_pooling(sample_h5):
    model = Model.open(sample_h5)
    # conv (3, valid) -> pool 2 four times: cell j of the 7x7 maps is centred on pixel 16 j + 22.5
    assert cell_geometry(model, model.find_layer("max_pooling2d_3")) == ((22.5, 16.0), (22.5, 16.0))
    assert cell_geometry(model, model.find_layer("conv2d")) == ((1.0, 1.0), (1.0, 1.0))


def test_same_padding_with_stride():
    import keras

    model = keras.Sequential([keras.Input((16, 16, 3)), keras.layers.Conv2D(2, 3, strides=2, padding="same", name="geo_conv"),
                              keras.layers.MaxPooling2D(2, name="geo_pool"), keras.layers.Flatten(name="geo_flat"),
                              keras.layers.Dense(1, name="geo_head")])
    # conv: pad_before (3 - 2) // 2 = 0, centre 1, stride 2; pool: + 2 * 0.5
    assert cell_geometry(Model(model), 1) == ((2.0, 4.0), (2.0, 4.0))


def test_branching_model_is_stretched(sample_nested_keras):
    assert cell_geometry(Model.open(sample_nested_keras), 14) is None


def test_placed_resize_puts_each_cell_on_its_centre():
    cells = np.array([[0.0, 1.0], [2.0, 3.0]])
    placed = resize_bilinear(cells, 8, 8, ((2.0, 4.0), (2.0, 4.0)))
    assert placed[2, 2] == 0.0 and placed[2, 6] == 1.0 and placed[6, 2] == 2.0 and placed[6, 6] == 3.0
    assert placed[0, 0] == 0.0 and placed[7, 7] == 3.0  # clamped at the borders
    assert placed[4, 2] == 1.0  # half-way between rows 0 and 1
