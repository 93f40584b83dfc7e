"""Layer tables and activations of models built in code, after a save/load round trip.

Each activation is checked against a direct Keras computation of that layer.
"""

from __future__ import annotations

import numpy as np
import pytest

import models_factory as mf
from actviz_tui.core.errors import LayerLookupError, NotAnImageModelError
from actviz_tui.core.model.graph import trace_model
from actviz_tui.core.model.loading import load_model
from actviz_tui.core.model.options import ModelOptions
from actviz_tui.core.session.model_session import ModelSession
from engine_helpers import row_activation, session_of

ATOL = 1e-5


@pytest.fixture(scope="module")
def saved(models_dir):
    """Build, save and reload each model once: name -> (original, path)."""
    made = {}

    def get(builder: str, suffix: str = ".keras"):
        key = (builder, suffix)
        if key not in made:
            model = getattr(mf, builder)()
            path = models_dir / f"graph_{builder}{suffix}"
            model.save(path)
            made[key] = (model, path)
        return made[key]

    return get


@pytest.fixture(scope="module")
def session_for(saved):
    sessions = {}

    def get(builder: str, suffix: str = ".keras", **options):
        key = (builder, suffix, tuple(sorted(options.items())))
        if key not in sessions:
            _, path = saved(builder, suffix)
            sessions[key] = ModelSession.open(path, ModelOptions(**options))
        return sessions[key]

    return get


def keras():
    import keras as k

    return k


def rows_by_name(session):
    return {info.name: info for info in session.layers}


def assert_depth0_params(session):
    total = sum(info.params for info in session.layers if info.depth == 0)
    assert total == session.keras_model.count_params() == session.total_params


def direct(model, layer_name, x):
    """The output of ``layer_name`` computed by Keras on its own, for a functional model."""
    k = keras()
    inputs = model.inputs if len(model.inputs) > 1 else model.inputs[0]
    probe = k.Model(inputs, model.get_layer(layer_name).output)
    return k.ops.convert_to_numpy(probe(x))[0]


# -- Sequential without an Input layer, .h5 round trip ----------------------------


def test_sequential_without_input_table(session_for):
    session = session_for("sequential_no_input", ".h5")
    assert [(i.name, i.type) for i in session.layers] == [
        ("conv_a", "Conv2D"),
        ("pool_a", "MaxPooling2D"),
        ("conv_b", "Conv2D"),
        ("flatten", "Flatten"),
        ("dense_a", "Dense"),
        ("out", "Dense"),
    ]
    shapes = [i.output_shape for i in session.layers]
    assert shapes == [(None, 6, 6, 4), (None, 3, 3, 4), (None, 3, 3, 6), (None, 54), (None, 5), (None, 1)]
    assert [i.params for i in session.layers] == [3 * 3 * 3 * 4 + 4, 0, 2 * 2 * 4 * 6 + 6, 0, 54 * 5 + 5, 6]
    assert all(i.depth == 0 and not i.is_model for i in session.layers)
    assert [i.index for i in session.layers] == list(range(6))
    assert session.inputs[0].shape == (8, 8, 3)
    assert_depth0_params(session)


def test_sequential_without_input_activations(session_for, saved, rgb_image):
    session = session_for("sequential_no_input", ".h5")
    original, _ = saved("sequential_no_input", ".h5")
    results = session.image(rgb_image)
    image = results.model_input
    assert image.shape == (8, 8, 3)
    x = image[None]
    k = keras()
    for row, layer in enumerate(session.keras_model.layers):  # apply the layers in turn
        x = layer(x)
        np.testing.assert_allclose(results.activation(row), k.ops.convert_to_numpy(x)[0], atol=ATOL)
    # the reloaded weights are the saved ones
    np.testing.assert_allclose(
        results.activation(5), k.ops.convert_to_numpy(original(image[None]))[0], atol=ATOL
    )


# -- functional with branches --------------------------------------------------------


def test_branches_table(session_for):
    session = session_for("functional_branches")
    rows = rows_by_name(session)
    assert list(rows) == ["image", "left", "right", "add", "concat", "gap", "head"]
    assert rows["image"].type == "InputLayer" and rows["image"].params == 0
    assert rows["add"].type == "Add" and rows["add"].output_shape == (None, 8, 8, 4)
    assert rows["concat"].type == "Concatenate" and rows["concat"].output_shape == (None, 8, 8, 7)
    assert rows["left"].params == 3 * 3 * 3 * 4 + 4
    assert rows["right"].params == 3 * 4 + 4
    assert rows["head"].output_shape == (None, 3)
    assert rows["concat"].channels == 7
    assert_depth0_params(session)


def test_branches_activations(session_for, rgb_image):
    session = session_for("functional_branches")
    results = session.image(rgb_image)
    image = results.model_input
    for name in ("image", "left", "add", "concat", "head"):
        row = session.find_layer(name)
        np.testing.assert_allclose(results.activation(row), direct(session.keras_model, name, image[None]), atol=ATOL)
    np.testing.assert_allclose(results.activation(0), image, atol=ATOL)  # the input row is the input


# -- nested: functional in functional, Sequential in Sequential -------------------


def test_nested_functional_table(session_for):
    session = session_for("nested_functional")
    rows = rows_by_name(session)
    assert list(rows) == ["image", "scale", "backbone", "backbone/conv", "backbone/conv2", "gap", "head"]
    assert rows["backbone"].is_model and rows["backbone"].depth == 0
    assert rows["backbone"].params == rows["backbone/conv"].params + rows["backbone/conv2"].params
    assert rows["backbone/conv"].depth == 1 and rows["backbone/conv"].short_name == "conv"
    assert rows["backbone/conv"].type == "Conv2D"
    assert rows["backbone/conv2"].output_shape == (None, 8, 8, 5)
    assert rows["backbone"].output_shape == (None, 8, 8, 5)
    assert_depth0_params(session)
    assert session.find_layer("backbone/conv") == rows["backbone/conv"].index
    assert session.find_layer("conv2") == rows["backbone/conv2"].index


def test_nested_functional_activations(session_for, rgb_image):
    k = keras()
    session = session_for("nested_functional")
    results = session.image(rgb_image)
    image = results.model_input
    model = session.keras_model
    inner = model.get_layer("backbone")
    x_fed_to_inner = direct(model, "scale", image[None])[None]
    for name in ("conv", "conv2"):
        expected = k.Model(inner.inputs[0], inner.get_layer(name).output)(x_fed_to_inner)
        row = session.find_layer(f"backbone/{name}")
        np.testing.assert_allclose(results.activation(row), k.ops.convert_to_numpy(expected)[0], atol=ATOL)
    np.testing.assert_allclose(
        results.activation(session.find_layer("head")),
        k.ops.convert_to_numpy(model(image[None]))[0],
        atol=ATOL,
    )


def test_nested_sequential_table(session_for):
    session = session_for("nested_sequential")
    rows = rows_by_name(session)
    assert list(rows) == ["base", "base/base_conv", "base/base_conv2", "gap", "head"]
    assert rows["base"].is_model and rows["base"].type == "Sequential"
    assert [rows[n].depth for n in rows] == [0, 1, 1, 0, 0]
    assert rows["base/base_conv"].output_shape == (None, 6, 6, 4)
    assert rows["base/base_conv2"].output_shape == (None, 4, 4, 3)
    assert rows["head"].params == 3 * 2 + 2
    assert_depth0_params(session)


def test_nested_sequential_activations(session_for, rgb_image):
    k = keras()
    session = session_for("nested_sequential")
    results = session.image(rgb_image)
    image = results.model_input
    base = session.keras_model.layers[0]
    expected = k.Model(base.inputs[0], base.get_layer("base_conv").output)(image[None])
    np.testing.assert_allclose(
        results.activation(session.find_layer("base/base_conv")), k.ops.convert_to_numpy(expected)[0], atol=ATOL
    )
    x = image[None]
    for layer in session.keras_model.layers:
        x = layer(x)
    np.testing.assert_allclose(results.activation(session.find_layer("head")), k.ops.convert_to_numpy(x)[0], atol=ATOL)
    assert results.activation(session.find_layer("head")).sum() == pytest.approx(1.0, abs=1e-5)  # softmax


def test_transfer_learning_base_called_with_training_false(session_for, rgb_image):
    k = keras()
    session = session_for("transfer_functional")
    rows = rows_by_name(session)
    assert list(rows) == ["image", "prep", "base", "base/conv", "base/bn", "base/relu", "gap", "drop", "head"]
    assert [rows[n].depth for n in ("base/conv", "base/bn", "base/relu")] == [1, 1, 1]
    assert rows["base/bn"].params == 16  # gamma, beta, moving mean and variance
    assert_depth0_params(session)
    results = session.image(rgb_image)
    image = results.model_input
    base = session.keras_model.get_layer("base")
    x_fed = direct(session.keras_model, "prep", image[None])[None]
    for name in ("conv", "bn", "relu"):
        expected = k.Model(base.inputs[0], base.get_layer(name).output)(x_fed, training=False)
        row = session.find_layer(f"base/{name}")
        np.testing.assert_allclose(results.activation(row), k.ops.convert_to_numpy(expected)[0], atol=ATOL)
    expected = k.ops.convert_to_numpy(session.keras_model(image[None], training=False))[0]
    np.testing.assert_allclose(results.activation(rows["head"].index), expected, atol=ATOL)


@pytest.mark.parametrize("failure", ["signature", "midway"])
def test_nested_functional_is_one_opaque_row_when_run_through_graph_fails(monkeypatch, rgb_image, failure):
    """Keras' private ``_run_through_graph`` changing signature (a TypeError) must not
    break the model: the nested model becomes one row and every other row still works."""
    k = keras()
    model = mf.nested_functional()
    backbone = model.get_layer("backbone")
    keras_own = backbone._run_through_graph  # Functional.call uses it too, without call_fn
    calls = []

    def changed(inputs, operation_fn, **kwargs):
        if "call_fn" not in kwargs:
            return keras_own(inputs, operation_fn=operation_fn, **kwargs)
        calls.append(failure)
        if failure == "midway":  # one inner layer recorded, then the error
            kwargs["call_fn"](backbone.get_layer("conv"), inputs)
        raise TypeError("_run_through_graph() got an unexpected keyword argument 'call_fn'")

    monkeypatch.setattr(backbone, "_run_through_graph", changed)
    session = session_of(model)
    assert calls == [failure]
    rows = rows_by_name(session)
    assert list(rows) == ["image", "scale", "backbone", "gap", "head"]
    assert rows["backbone"].is_model and rows["backbone"].depth == 0
    assert rows["backbone"].output_shape == (None, 8, 8, 5)
    assert_depth0_params(session)
    results = session.image(rgb_image)
    image = results.model_input
    x_fed_to_backbone = direct(model, "scale", image[None])[None]
    np.testing.assert_allclose(
        results.activation(rows["backbone"].index),
        k.ops.convert_to_numpy(backbone(x_fed_to_backbone))[0],
        atol=ATOL,
    )
    np.testing.assert_allclose(
        results.activation(rows["head"].index), k.ops.convert_to_numpy(model(image[None]))[0], atol=ATOL
    )


def test_nested_functional_after_preprocessing_in_sequential():
    """A functional backbone that is not the first layer of a Sequential model."""
    k = keras()
    inner_in = k.Input((8, 8, 2))
    inner = k.Model(inner_in, k.layers.Conv2D(3, 1, name="pointwise")(inner_in), name="inner")
    model = k.Sequential([k.Input((8, 8, 3)), k.layers.Conv2D(2, 1, name="pre"), inner, k.layers.Flatten()])
    traced = trace_model(model)
    assert [i.name for i in traced.layers] == ["pre", "inner", "inner/pointwise", "flatten"]
    x = mf.random_batch((8, 8, 3))
    out = k.Model(traced.inputs[0], traced.outputs[2])(x)
    expected = inner.get_layer("pointwise")(model.layers[0](x))
    np.testing.assert_allclose(k.ops.convert_to_numpy(out), k.ops.convert_to_numpy(expected), atol=ATOL)


def test_two_levels_of_nesting():
    """Sequential in functional in Sequential: paths like ``mid/deep/deep_conv``."""
    k = keras()
    k.utils.set_random_seed(13)
    deep = k.Sequential([k.Input((8, 8, 4)), k.layers.Conv2D(3, 1, name="deep_conv")], name="deep")
    mid_in = k.Input((8, 8, 3))
    mid = k.Model(mid_in, deep(k.layers.Conv2D(4, 1, name="mid_conv")(mid_in)), name="mid")
    outer = k.Sequential([k.Input((8, 8, 3)), k.layers.Rescaling(0.5, name="pre"), mid, k.layers.Flatten(name="flat")])
    session = session_of(outer)
    assert [(i.name, i.depth) for i in session.layers] == [
        ("pre", 0), ("mid", 0), ("mid/mid_conv", 1), ("mid/deep", 1), ("mid/deep/deep_conv", 2), ("flat", 0),
    ]
    assert_depth0_params(session)
    x = mf.random_batch((8, 8, 3))
    expected = deep.get_layer("deep_conv")(mid.get_layer("mid_conv")(x * 0.5))
    row = session.find_layer("mid/deep/deep_conv")
    np.testing.assert_allclose(row_activation(session.model, [x], row), k.ops.convert_to_numpy(expected)[0], atol=ATOL)


# -- two inputs -----------------------------------------------------------------------


def test_two_inputs_image_gets_first_image_input(session_for, rgb_image):
    session = session_for("two_inputs")
    assert [(i.name, i.shape, i.is_image) for i in session.inputs] == [
        ("image", (8, 8, 3), True),
        ("meta", (4,), False),
    ]
    assert session.image_input_index == 0
    description = session.input_description()
    assert "image -> image" in description and "zeros -> meta" in description and "input 0 of 0-1" in description
    results = session.image(rgb_image)
    image = results.model_input
    zeros = np.zeros((1, 4), np.float32)
    for name in ("conv", "meta_dense", "concat", "head"):
        expected = direct(session.keras_model, name, [image[None], zeros])
        np.testing.assert_allclose(results.activation(session.find_layer(name)), expected, atol=ATOL)
    # zeros through a Dense layer give just its bias
    bias = session.keras_model.get_layer("meta_dense").get_weights()[1]
    np.testing.assert_allclose(results.activation(session.find_layer("meta_dense")), bias, atol=ATOL)
    assert_depth0_params(session)


def test_two_inputs_explicit_choice(session_for):
    chosen = session_for("two_inputs", image_input=0)
    assert chosen.image_input_index == 0
    vector = session_for("two_inputs", image_input=1)
    assert vector.image_input_index is None  # input 1 is a vector, not an image
    assert vector.input_description() == "no image input"
    with pytest.raises(NotAnImageModelError, match=r"input 1 \(meta, shape \(4,\)\) is not an image; try --input with input 0 \(image\)"):
        vector.image("/nonexistent.png")


def test_image_input_option_picks_among_image_inputs(rgb_image):
    k = keras()
    color = k.Input((8, 8, 3), name="color")
    gray = k.Input((6, 6, 1), name="gray")
    a = k.layers.GlobalAveragePooling2D(name="gap_color")(k.layers.Conv2D(2, 3, name="conv_color")(color))
    b = k.layers.GlobalAveragePooling2D(name="gap_gray")(k.layers.Conv2D(2, 3, name="conv_gray")(gray))
    model = k.Model([color, gray], k.layers.Add(name="add")([a, b]), name="two_images")
    default = session_of(model)
    assert default.image_input_index == 0
    session = session_of(model, image_input=1)
    assert session.image_input_index == 1
    assert session.input_description() == "image -> gray (input 1 of 0-1); zeros -> color"
    results = session.image(rgb_image)
    image = results.model_input
    assert image.shape == (6, 6, 1)
    zeros = np.zeros((1, 8, 8, 3), np.float32)
    for name in ("conv_gray", "conv_color", "add"):
        expected = direct(model, name, [zeros, image[None]])
        np.testing.assert_allclose(results.activation(session.find_layer(name)), expected, atol=ATOL)
    bias = model.get_layer("conv_color").get_weights()[1]
    np.testing.assert_allclose(results.activation(session.find_layer("conv_color")), np.broadcast_to(bias, (6, 6, 2)), atol=ATOL)
    with pytest.raises(LayerLookupError, match=r"has 2 input\(s\) \(0-1\); no input 2"):
        session_of(model, image_input=2)  # refused when opened


# -- not images: MLP, Conv1D ------------------------------------------------------


def test_mlp_table_but_no_image(session_for, rgb_image):
    session = session_for("dense_mlp")
    assert [(i.name, i.type, i.output_shape, i.params) for i in session.layers] == [
        ("features", "InputLayer", (None, 10), 0),
        ("hidden", "Dense", (None, 8), 88),
        ("logits", "Dense", (None, 3), 27),
    ]
    assert_depth0_params(session)
    assert session.image_input_index is None
    with pytest.raises(NotAnImageModelError, match="does not take an image"):
        session.image(rgb_image)
    assert session.cached_image(rgb_image) is None


def test_mlp_activations_through_the_probe(session_for):
    session = session_for("dense_mlp")
    x = mf.random_batch((10,))
    np.testing.assert_allclose(row_activation(session.model, [x], 1), direct(session.keras_model, "hidden", x), atol=ATOL)
    assert row_activation(session.model, x, 2).shape == (3,)  # one array: the model's one input


def test_conv1d_sequence_model(session_for, rgb_image, tmp_path):
    session = session_for("conv1d_sequence")
    rows = rows_by_name(session)
    assert rows["conv1d"].output_shape == (None, 16, 6)
    assert rows["conv1d"].channels == 6
    assert_depth0_params(session)
    with pytest.raises(NotAnImageModelError):
        session.image(rgb_image)
    x = mf.random_batch((16, 3))
    activation = row_activation(session.model, [x], rows["conv1d"].index)
    assert activation.shape == (16, 6)  # (T, C)
    np.testing.assert_allclose(activation, direct(session.keras_model, "conv1d", x), atol=ATOL)
    np.save(tmp_path / "signal.npy", x)
    results = session.image(tmp_path / "signal.npy")  # the same array through the session
    np.testing.assert_allclose(results.activation(rows["conv1d"].index), activation, atol=ATOL)
    stats = results.stats(rows["conv1d"].index)
    assert stats.channels == 6
    assert stats.minimum >= 0.0  # relu


# -- grayscale --------------------------------------------------------------------


def test_grayscale_model(session_for, rgb_image):
    session = session_for("grayscale_cnn")
    assert session.inputs[0].shape == (8, 8, 1)
    results = session.image(rgb_image)
    image = results.model_input
    assert image.shape == (8, 8, 1)
    assert 0.0 <= image.min() and image.max() <= 1.0
    row = session.find_layer("conv")
    np.testing.assert_allclose(results.activation(row), direct(session.keras_model, "conv", image[None]), atol=ATOL)
    assert results.activation(row).shape == (8, 8, 3)
    assert_depth0_params(session)


# -- None-sized input ------------------------------------------------------------


def test_free_size_uses_image_size(session_for, rgb_image):
    session = session_for("free_size_cnn")
    assert session.inputs[0].shape == (None, None, 3)
    assert rows_by_name(session)["conv"].output_shape == (None, None, None, 4)
    results = session.image(rgb_image)
    image = results.model_input  # 24 wide, 16 high
    assert image.shape == (16, 24, 3)
    row = session.find_layer("conv")
    activation = results.activation(row)
    assert activation.shape == (16, 24, 4)
    np.testing.assert_allclose(activation, direct(session.keras_model, "conv", image[None]), atol=ATOL)
    assert_depth0_params(session)


def test_free_size_caps_big_images_at_512(session_for, tmp_path):
    from PIL import Image

    path = tmp_path / "wide.png"
    Image.new("RGB", (1024, 600), (10, 200, 30)).save(path)
    session = session_for("free_size_cnn")
    results = session.image(path)
    image = results.model_input
    assert image.shape == (300, 512, 3)
    assert results.activation(session.find_layer("gap")).shape == (4,)


def test_free_size_with_size_option(session_for, rgb_image):
    session = session_for("free_size_cnn", size=(10, 12))
    results = session.image(rgb_image)
    image = results.model_input
    assert image.shape == (10, 12, 3)
    assert results.activation(session.find_layer("conv")).shape == (10, 12, 4)


def test_own_rescaling_layer_gets_a_preprocessing_hint():
    k = keras()
    inputs = k.Input((8, 8, 3))
    x = k.layers.Rescaling(1 / 255)(inputs)
    model = k.Model(inputs, k.layers.Conv2D(2, 3)(x))
    assert "divided by 255 twice" in session_of(model).preprocessing_hint()
    assert session_of(model, preprocessing="none").preprocessing_hint() is None
