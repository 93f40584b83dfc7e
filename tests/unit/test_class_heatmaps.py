"""Class heatmaps against straightforward references written here: Grad-CAM as
the keras.io recipe (a direct tf.GradientTape, pooled gradients x maps, ReLU,
divided by the maximum) on the logit, HiResCAM, Grad-CAM++, Score-CAM and
occlusion as plain loops; on the bundled sample, a MobileNetV2 base inside a
Sequential (.keras and legacy .h5), a two-input model, and the separable
residual CNN whose gradients crash TensorFlow with oneDNN on."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import cam_models
from actviz_tui.core.explain import default_cam_layer, default_method, explain
from actviz_tui.core.errors import CamLayerError, ClassIndexError, GradientError
from actviz_tui.core.model.engine import Model

TOLERANCE = 1e-5


class Case:
    """A model with one prepared image: ``case.heatmap(...)`` is ``explain(...).item(0)``."""

    def __init__(self, model: Model, x):
        self.model, self.x = model, x

    def heatmap(self, method=None, class_index=None, layer=None, output=0, **kwargs):
        return explain(self.model, self.x, method, class_index, layer, output, **kwargs).item(0)


def case_on(keras_model, image, folder=None, suffix=".keras") -> Case:
    if folder is None:
        model = Model(keras_model)
    else:
        path = folder / f"{keras_model.name}{suffix}"
        keras_model.save(path)
        model = Model.open(path)
    return Case(model, model.prepare(image))


def split_reference(layers, inputs, split: int, class_index: int):
    """Maps after ``layers[split]`` and the gradient of the last Dense's logit."""
    with tf.GradientTape() as tape:
        hidden = tf.constant(inputs)
        for layer in layers[: split + 1]:
            hidden = layer(hidden, training=False)
        maps = hidden
        tape.watch(maps)
        for layer in layers[split + 1 : -1]:
            hidden = layer(hidden, training=False)
        head = layers[-1]
        logits = tf.matmul(hidden, head.kernel) + head.bias  # before the softmax/sigmoid
        score = logits[:, class_index]
    return maps[0].numpy(), tape.gradient(score, maps)[0].numpy(), float(score[0])


def keras_io_gradcam(maps, gradients):
    pooled = tf.reduce_mean(gradients, axis=(0, 1))
    heatmap = tf.squeeze(maps @ pooled[..., tf.newaxis])
    return (tf.maximum(heatmap, 0) / tf.math.reduce_max(heatmap)).numpy()


def reference_hirescam(maps, gradients):
    heatmap = np.maximum((gradients * maps).sum(axis=-1), 0)
    return heatmap / heatmap.max()


def reference_gradcam_plus_plus(maps, gradients):
    weights = np.zeros(maps.shape[-1])
    for c in range(maps.shape[-1]):
        g, total = gradients[..., c], maps[..., c].sum()
        for value in g.ravel():
            denominator = 2 * value**2 + total * value**3
            if value != 0 and denominator != 0:
                weights[c] += value**2 / denominator * max(value, 0)
    heatmap = np.maximum((maps * weights).sum(axis=-1), 0)
    return heatmap / heatmap.max()


@pytest.fixture(scope="module")
def sample(sample_h5, xray_opacity_png) -> Case:
    model = Model.open(sample_h5)
    return Case(model, model.prepare(xray_opacity_png))


@pytest.fixture(scope="module")
def sample_reference(sample):
    row = default_cam_layer(sample.model)
    assert sample.model.layers[row].name == "max_pooling2d_3"
    return split_reference(sample.model.keras_model.layers, sample.x, row, 0)


def test_sample_defaults_to_hirescam_at_the_last_pooling_layer(sample):
    result = sample.heatmap()
    # one sigmoid unit, p ~ 1 for the opacity image: the top class is 1, the positive one
    assert (result.method, result.layer_name, result.class_index) == ("hirescam", "max_pooling2d_3", 1)
    assert result.label == "positive" and "Flatten" in result.reason
    assert result.heatmap.shape == (150, 150) and result.heatmap.dtype == np.float32
    assert result.heatmap.min() >= 0 and result.heatmap.max() == pytest.approx(1.0)


def test_sample_gradcam_equals_the_keras_io_recipe_on_the_logit(sample, sample_reference):
    maps, gradients, logit = sample_reference
    result = sample.heatmap(method="gradcam")  # the recipe's class: the one unit, class 1 (positive)
    assert result.class_index == 1
    assert result.score == pytest.approx(logit, rel=1e-5)
    assert result.probability == pytest.approx(1 / (1 + np.exp(-logit)))
    np.testing.assert_allclose(result.layer_map, keras_io_gradcam(maps, gradients), atol=TOLERANCE)


def test_sample_negative_class_is_the_recipe_on_the_negated_logit(sample, xray_clear_png):
    clear = sample.model.prepare(xray_clear_png)  # the model calls it negative: class 0 is its top class
    row = default_cam_layer(sample.model)
    maps, gradients, logit = split_reference(sample.model.keras_model.layers, clear, row, 0)
    result = Case(sample.model, clear).heatmap(method="gradcam")
    assert (result.class_index, result.label) == (0, "negative") and logit < 0
    assert result.score == pytest.approx(-logit, rel=1e-5)
    assert result.probability == pytest.approx(1 - 1 / (1 + np.exp(-logit)), rel=1e-5)
    np.testing.assert_allclose(result.layer_map, keras_io_gradcam(maps, -gradients), atol=TOLERANCE)


def test_sample_negative_class_of_a_positive_image_is_blank(sample):
    result = sample.heatmap(method="gradcam", class_index=0)  # p ~ 1: nothing speaks for 1 - p
    assert (result.class_index, result.label) == (0, "negative") and result.score < 0
    assert not np.any(result.layer_map) and "the heatmap is blank" in result.note


def test_sample_sigmoid_gradient_is_zero_so_the_logit_is_needed(sample):
    model = sample.model.keras_model
    inputs = tf.constant(sample.x)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        probability = model(inputs, training=False)[:, 0]
    assert not np.any(tape.gradient(probability, inputs).numpy())  # saturated at 1.0 in float32


@pytest.mark.parametrize("method, reference", [("hirescam", reference_hirescam),
                                               ("gradcam++", reference_gradcam_plus_plus)])
def test_sample_other_gradient_methods(sample, sample_reference, method, reference):
    maps, gradients, _ = sample_reference
    result = sample.heatmap(method=method)
    np.testing.assert_allclose(result.layer_map, reference(maps, gradients), atol=TOLERANCE)


@pytest.fixture(scope="module")
def mobilenet():
    return cam_models.mobilenet_in_sequential()


@pytest.mark.parametrize("suffix", [None, ".keras", ".h5"])
def test_nested_mobilenet_gradcam_equals_the_recipe(mobilenet, rgb_image, tmp_path_factory, suffix):
    folder = None if suffix is None else tmp_path_factory.mktemp("cam")
    case = case_on(mobilenet, rgb_image, folder, suffix)
    row = default_cam_layer(case.model)
    assert case.model.layers[row].name.endswith("/out_relu")  # inside the nested base
    assert default_method(case.model, row).method == "gradcam"
    result = case.heatmap(class_index=3)
    assert result.method == "gradcam" and result.class_index == 3
    maps, gradients, logit = split_reference(case.model.keras_model.layers, case.x, 0, 3)
    assert result.score == pytest.approx(logit, rel=1e-4, abs=1e-5)
    np.testing.assert_allclose(result.layer_map, keras_io_gradcam(maps, gradients), atol=TOLERANCE)
    assert result.heatmap.shape == (64, 64)


def test_two_input_model_gradcam_equals_the_recipe(rgb_image):
    from models_factory import two_inputs

    model = two_inputs()
    case = case_on(model, rgb_image)
    result = case.heatmap(layer="conv", method="gradcam")
    grad_model = tf.keras.Model(model.inputs, [model.get_layer("conv").output, model.output])
    inputs = [tf.constant(array) for array in case.model.feed(case.x)]
    with tf.GradientTape() as tape:
        maps, output = grad_model(inputs, training=False)
        score = output[:, 0]
    gradients = tape.gradient(score, maps)
    np.testing.assert_allclose(result.layer_map, keras_io_gradcam(maps[0], gradients[0]), atol=TOLERANCE)


def test_separable_residual_hdf5_gradients(tmp_path, xray_opacity_png):
    """The architecture whose gradient crashed TensorFlow 2.21 with oneDNN on."""
    model = cam_models.separable_residual_gap()
    case = case_on(model, xray_opacity_png, tmp_path, ".h5")
    loaded = case.model.keras_model
    assert default_method(case.model, default_cam_layer(case.model)).method == "gradcam"
    result = case.heatmap()
    grad_model = tf.keras.Model(loaded.inputs, [loaded.get_layer("pool1").output, loaded.get_layer("gap").output])
    head = loaded.get_layer("opacity")
    with tf.GradientTape() as tape:
        maps, pooled = grad_model(case.model.feed(case.x), training=False)
        score = (tf.matmul(pooled, head.kernel) + head.bias)[:, 0]
    gradients = tape.gradient(score, maps)
    assert result.layer_name == "pool1"
    np.testing.assert_allclose(result.layer_map, keras_io_gradcam(maps[0], gradients[0]), atol=TOLERANCE)
    for method in ("gradcam++", "hirescam"):
        assert np.isfinite(case.heatmap(method=method).heatmap).all()


@pytest.mark.parametrize("max_channels", [None, 3])
def test_score_cam_equals_a_loop_over_channels(sample_grayscale_keras, xray_opacity_png, max_channels):
    """Every channel, or (Faster Score-CAM) the ``max_channels`` of largest spatial spread."""
    model = Model.open(sample_grayscale_keras)
    case = Case(model, model.prepare(xray_opacity_png))
    row = default_cam_layer(model)
    image = case.x
    layers = model.keras_model.layers
    maps = model.activations_by_row(image, [row])[row][0]
    channels = list(range(maps.shape[-1]))
    if max_channels is not None:
        channels = sorted(np.argsort(-maps.reshape(-1, maps.shape[-1]).std(axis=0))[:max_channels].tolist())
    scores = []
    for channel in channels:
        mask = tf.image.resize(maps[None, ..., channel : channel + 1], image.shape[1:3]).numpy()[0]
        span = mask.max() - mask.min()
        mask = (mask - mask.min()) / span if span > 0 else np.zeros_like(mask)
        scores.append(split_reference(layers, image * mask[None], row, 0)[2])
    weights = np.exp(np.array(scores) - max(scores))
    heatmap = np.maximum((maps[..., channels] * (weights / weights.sum())).sum(axis=-1), 0)
    steps = []
    result = case.heatmap(method="scorecam", progress=lambda done, total: steps.append((done, total)),
                          max_channels=max_channels)
    np.testing.assert_allclose(result.layer_map, heatmap / heatmap.max(), atol=1e-4)
    assert steps[-1] == (len(channels), len(channels)) and len(channels) == (max_channels or maps.shape[-1])


def test_occlusion_equals_a_loop_over_patch_places(rgb_image):
    model = cam_models.flatten_softmax()
    case = case_on(model, rgb_image)
    image = case.x
    logits = lambda x: split_reference(model.layers, x, 0, 1)[2]  # noqa: E731
    base, patch = logits(image), 2  # round(12 / 8), stride 1
    drops, counts = np.zeros((12, 12)), np.zeros((12, 12))
    for y in range(11):
        for x in range(11):
            occluded = image.copy()
            occluded[0, y : y + patch, x : x + patch] = 0.0
            drops[y : y + patch, x : x + patch] += base - logits(occluded)
            counts[y : y + patch, x : x + patch] += 1
    expected = np.maximum(drops / counts, 0)
    result = case.heatmap(method="occlusion", class_index=1)
    assert result.layer_name == "input" and result.layer_row is None
    np.testing.assert_allclose(result.heatmap, expected / expected.max(), atol=1e-4)


def test_occlusion_can_be_cancelled(rgb_image):
    from actviz_tui.core.explain import CamCancelled

    case = case_on(cam_models.flatten_softmax(), rgb_image)
    with pytest.raises(CamCancelled):
        case.heatmap(method="occlusion", should_stop=lambda: True)


def test_class_index_out_of_range(sample):
    with pytest.raises(ClassIndexError, match=r"no class 2: the output has 2 classes \(0-1\)"):
        sample.heatmap(class_index=2)  # one sigmoid unit: classes 0 and 1


def test_layer_without_spatial_maps(sample):
    with pytest.raises(CamLayerError, match="layer dense .* has no spatial maps.*try max_pooling2d_3"):
        sample.heatmap(layer="dense")


def test_gradient_not_connected_to_the_output(rgb_image):
    case = case_on(cam_models.two_outputs(), rgb_image)
    assert case.heatmap(layer="conv_b", output=1).heatmap.shape == (12, 12)
    with pytest.raises(GradientError, match="no gradient at layer conv_b"):
        case.heatmap(layer="conv_b", output=0)


def test_nan_gradient(rgb_image):
    import keras

    model = keras.Sequential([
        keras.Input((8, 8, 3)),
        keras.layers.Conv2D(2, 3, activation="relu", name="conv"),
        keras.layers.Lambda(keras.ops.sqrt, name="sqrt"),  # infinite slope at the ReLU's zeros
        keras.layers.GlobalAveragePooling2D(name="nan_gap"),
        keras.layers.Dense(2, name="nan_head"),
    ])
    keras.utils.set_random_seed(1)
    case = case_on(model, rgb_image)
    with pytest.raises(GradientError, match="NaN or infinite"):
        case.heatmap(layer="conv", method="gradcam")
