"""Filters as pictures: every weighted layer kind, norms, all-zero filters."""

from __future__ import annotations

import numpy as np
import pytest

from actviz_tui.core.errors import LayerLookupError
from actviz_tui.core.analysis.filters import layer_filters


def built(layer, shape):
    layer.build(shape)
    return layer


@pytest.fixture(scope="module")
def keras():
    import keras

    return keras


def test_rgb_convolution_gives_one_colour_patch_per_filter(keras):
    conv = built(keras.layers.Conv2D(4, 3), (None, 8, 8, 3))
    kernel = conv.get_weights()[0]
    filters = layer_filters(conv, "conv")
    assert filters.is_rgb and filters.count == 4
    np.testing.assert_array_equal(filters.kernel, kernel)  # exactly as stored
    np.testing.assert_array_equal(filters.kernels_of(2), kernel[:, :, :, 2])
    patches = filters.rgb_patches()
    assert patches.shape == (4, 3, 3, 3) and patches.dtype == np.uint8
    for i in range(4):  # each patch stretched over its own range
        assert patches[i].min() == 0 and patches[i].max() == 255
    np.testing.assert_allclose(filters.norms, np.sqrt((kernel.astype(np.float64) ** 2).sum(axis=(0, 1, 2))), rtol=1e-6)


def test_all_zero_filters_are_named(keras):
    conv = built(keras.layers.Conv2D(5, 3), (None, 8, 8, 2))
    kernel, bias = conv.get_weights()
    kernel[:, :, :, [1, 4]] = 0
    conv.set_weights([kernel, bias])
    filters = layer_filters(conv, "conv")
    assert filters.zero_filters == [1, 4] and not filters.is_rgb
    assert filters.kernels_of(0).shape == (3, 3, 2)


def test_depthwise_has_one_kernel_per_output_channel(keras):
    depthwise = built(keras.layers.DepthwiseConv2D(3, depth_multiplier=2), (None, 8, 8, 3))
    kernel = depthwise.get_weights()[0]  # (3, 3, inputs 3, multiplier 2)
    filters = layer_filters(depthwise, "dw")
    assert filters.count == 6  # output channel c * 2 + m
    np.testing.assert_array_equal(filters.kernels_of(3)[:, :, 0], kernel[:, :, 1, 1])


def test_separable_shows_the_effective_kernel_of_each_output(keras):
    separable = built(keras.layers.SeparableConv2D(5, 3), (None, 8, 8, 3))
    depthwise, pointwise, _ = separable.get_weights()
    filters = layer_filters(separable, "sep")
    assert filters.count == 5 and filters.kernels_of(0).shape == (3, 3, 3)
    np.testing.assert_allclose(filters.kernels_of(4)[:, :, 2], depthwise[:, :, 2, 0] * pointwise[0, 0, 2, 4], rtol=1e-6)
    np.testing.assert_array_equal(filters.kernel, depthwise)


def test_transposed_and_1d_convolutions(keras):
    transposed = built(keras.layers.Conv2DTranspose(4, 3), (None, 8, 8, 2))
    kernel = transposed.get_weights()[0]  # (3, 3, filters 4, inputs 2)
    filters = layer_filters(transposed, "t")
    assert filters.count == 4
    np.testing.assert_array_equal(filters.kernels_of(1), kernel[:, :, 1, :])
    conv1d = built(keras.layers.Conv1D(6, 5), (None, 20, 3))
    assert layer_filters(conv1d, "c1").kernels_of(0).shape == (5, 1, 3)


def test_dense_is_a_matrix_with_a_norm_per_unit(keras):
    dense = built(keras.layers.Dense(3), (None, 7))
    filters = layer_filters(dense, "dense")
    assert filters.stack is None and filters.matrix.shape == (7, 3) and filters.count == 3
    np.testing.assert_allclose(filters.norms, np.linalg.norm(dense.get_weights()[0], axis=0), rtol=1e-6)


def test_a_layer_without_weights_says_so(keras):
    pool = built(keras.layers.MaxPooling2D(), (None, 8, 8, 3))
    with pytest.raises(LayerLookupError, match="pool .MaxPooling2D. has no weights"):
        layer_filters(pool, "pool")


def test_session_finds_nested_layers_weights(sample_nested_keras):
    from actviz_tui.core.session.model_session import ModelSession

    nested = ModelSession.open(sample_nested_keras)  # no image: weights need none
    row = next(info.index for info in nested.layers if "/" in info.name and info.type == "Conv2D")
    filters = nested.filters(row)
    assert filters.name == nested.layers[row].name
    np.testing.assert_array_equal(filters.kernel, nested.keras_layer(row).get_weights()[0])


def test_filters_export_writes_the_kernel_as_stored_without_an_image(sample_h5, tmp_path):
    import json

    from actviz_tui.core.export import ExportSettings, FigureRequest, export_figures
    from actviz_tui.core.session.model_session import ModelSession

    session = ModelSession.open(sample_h5).no_image
    settings = ExportSettings(folder=tmp_path, dpi=40, with_data=True)
    paths = export_figures(session, [FigureRequest("filters", layer="conv2d_1", channel=5)], settings)
    assert [p.suffix for p in paths] == [".png", ".npy", ".json"]
    kernel = session.keras_layer(session.find_layer("conv2d_1")).get_weights()[0]
    np.testing.assert_array_equal(np.load(paths[1]), kernel)
    sidecar = json.loads(paths[2].read_text())
    assert sidecar["kind"] == "filters" and sidecar["kernel_shape"] == [3, 3, 32, 64] and len(sidecar["norms"]) == 64
    with pytest.raises(LayerLookupError, match="no weights"):
        export_figures(session, [FigureRequest("filters", layer="max_pooling2d")], settings)
    with pytest.raises(LayerLookupError, match="no filter 64"):
        export_figures(session, [FigureRequest("filters", layer="conv2d_1", channel=64)], settings)
