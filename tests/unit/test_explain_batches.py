"""explain(model, x) over batches: every method gives for N images what it gives
one image at a time; classes per image (top, one for all, one each); a fully
convolutional output scores a class as its channel's mean over positions."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import cam_models
from actviz_tui.core.errors import ClassIndexError
from actviz_tui.core.explain import METHODS, check_class, default_cam_layer, explain, output_units
from actviz_tui.core.explain.class_scores import BINARY_TARGET, CHANNEL_TARGET, UNIT_TARGET, ClassScores
from actviz_tui.core.model.engine import Model

TOLERANCE = 1e-5


def noise_batch(shape, count: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 1, (count, *shape)).astype(np.float32)


@pytest.fixture(scope="module")
def sample_pair(sample_h5, xray_opacity_png, xray_clear_png):
    model = Model.open(sample_h5)
    return model, model.prepare([xray_opacity_png, xray_clear_png])


@pytest.fixture(scope="module")
def two_inputs():
    from models_factory import two_inputs

    model = Model(two_inputs())
    rng = np.random.default_rng(3)
    return model, [noise_batch((8, 8, 3), 3, seed=4), rng.normal(size=(3, 4)).astype(np.float32)]


@pytest.fixture(scope="module")
def segmentation():
    return Model(cam_models.segmentation()), noise_batch((16, 16, 3), 2, seed=5)


def one_at_a_time(model, x, method, classes=None):
    count = len(x[0]) if isinstance(x, list) else len(x)
    results = []
    for i in range(count):
        single = [array[i:i + 1] for array in x] if isinstance(x, list) else x[i:i + 1]
        one_class = None if classes is None else [classes[i]]
        results.append(explain(model, single, method, one_class).item(0))
    return results


def assert_batch_equals_singles(batch, singles):
    assert len(batch) == len(singles)
    for i, single in enumerate(singles):
        item = batch.item(i)
        expected = (single.class_index, single.method, single.layer_name)
        assert (item.class_index, item.method, item.layer_name) == expected
        assert item.score == pytest.approx(single.score, rel=TOLERANCE, abs=TOLERANCE)
        np.testing.assert_allclose(item.layer_map, single.layer_map, atol=TOLERANCE)
        np.testing.assert_allclose(item.heatmap, single.heatmap, atol=TOLERANCE)


@pytest.mark.parametrize("method", list(METHODS))
def test_sample_batch_equals_one_at_a_time(sample_pair, method):
    model, x = sample_pair
    batch = explain(model, x, method)
    assert batch.heatmaps.shape == (2, 150, 150) and batch.heatmaps.dtype == np.float32
    assert batch.classes.shape == batch.scores.shape == batch.probabilities.shape == (2,)
    assert_batch_equals_singles(batch, one_at_a_time(model, x, method))


@pytest.mark.parametrize("method", list(METHODS))
def test_two_input_batch_keeps_each_image_its_own_second_input(two_inputs, method):
    model, x = two_inputs
    classes = [0, 0, 0]  # one unit
    batch = explain(model, x, method, classes, layer="conv")
    assert_batch_equals_singles(batch, one_at_a_time(model, x, method, classes))
    assert len(set(np.round(batch.scores, 4))) == 3  # each image scored with its own second input


def test_classes_top_one_for_all_and_one_each():
    mobilenet = Model(cam_models.mobilenet_in_sequential())
    x = noise_batch((64, 64, 3), 3, seed=6)
    top = explain(mobilenet, x, "gradcam")
    assert top.classes.tolist() == [int(np.argmax(row)) for row in _logits(mobilenet, x)]
    assert explain(mobilenet, x, "gradcam", classes=2).classes.tolist() == [2, 2, 2]
    each = explain(mobilenet, x, "gradcam", classes=[4, 0, 1])
    assert each.classes.tolist() == [4, 0, 1]
    np.testing.assert_allclose(each.scores, _logits(mobilenet, x)[[0, 1, 2], [4, 0, 1]], rtol=1e-4, atol=1e-5)
    with pytest.raises(ClassIndexError, match="one per image"):
        explain(mobilenet, x, "gradcam", classes=[1, 2])
    with pytest.raises(ClassIndexError, match="no class 5"):
        explain(mobilenet, x, "gradcam", classes=[1, 5, 0])


def _logits(model, x):
    """The head's input times its kernel: the scores before the softmax."""
    keras_model = model.keras_model
    features = keras_model.layers[0](x, training=False)
    pooled = keras_model.layers[1](features)
    head = keras_model.layers[2]
    return (pooled.numpy() @ head.kernel.numpy()) + head.bias.numpy()


def test_segmentation_class_is_a_channel_scored_by_its_mean(segmentation):
    model, x = segmentation
    assert output_units(model) == 3
    with pytest.raises(ClassIndexError, match="no class 3"):
        check_class(model, 3)
    row = default_cam_layer(model)
    assert model.layers[row].name == "up"  # the head's input, not the head
    result = explain(model, x, "gradcam", classes=[1, 2])
    keras_model = model.keras_model
    head = keras_model.get_layer("classes")
    features = tf.keras.Model(keras_model.inputs, keras_model.get_layer("up").output)
    with tf.GradientTape() as tape:
        maps = features([x], training=False)
        tape.watch(maps)
        logits = tf.nn.conv2d(maps, head.kernel, 1, "SAME") + head.bias
        means = tf.reduce_mean(logits, axis=(1, 2))  # (N, classes)
        score = means[0, 1] + means[1, 2]
    gradients = tape.gradient(score, maps).numpy()
    for i, c in enumerate([1, 2]):
        weights = gradients[i].mean(axis=(0, 1))
        expected = np.maximum(maps[i].numpy() @ weights, 0)
        np.testing.assert_allclose(result.layer_maps[i], expected / expected.max(), atol=TOLERANCE)
        assert result.scores[i] == pytest.approx(float(means[i, c]), rel=1e-5)
    probabilities = keras_model(x, training=False).numpy().mean(axis=(1, 2))
    np.testing.assert_allclose(result.probabilities, probabilities[[0, 1], [1, 2]], rtol=1e-5)
    assert result.target == CHANNEL_TARGET and CHANNEL_TARGET in result.item(0).title
    assert result.heatmaps.shape == (2, 16, 16)


@pytest.mark.parametrize("method", list(METHODS))
def test_segmentation_every_method_batched(segmentation, method):
    model, x = segmentation
    batch = explain(model, x, method)
    assert_batch_equals_singles(batch, one_at_a_time(model, x, method))


def test_head_as_target_layer_gives_its_logit_maps(segmentation):
    model, x = segmentation
    result = explain(model, x, "hirescam", classes=0, layer="classes")
    assert result.layer == "classes" and np.isfinite(result.heatmaps).all() and result.heatmaps.max() == 1.0


def test_classifier_target_is_the_logit():
    mobilenet = Model(cam_models.mobilenet_in_sequential())
    result = explain(mobilenet, noise_batch((64, 64, 3), 1, seed=6), "gradcam")
    assert result.target == UNIT_TARGET and UNIT_TARGET not in result.item(0).title


def test_one_sigmoid_unit_is_two_classes_scored_by_the_logit_and_its_negation(sample_pair):
    model, x = sample_pair  # opacity (p ~ 1), clear (p ~ 0)
    assert output_units(model) == 2
    check_class(model, 1)
    with pytest.raises(ClassIndexError, match=r"no class 2: the output has 2 classes \(0-1\)"):
        check_class(model, 2)
    result = explain(model, x)
    assert result.target == BINARY_TARGET and BINARY_TARGET not in result.item(0).title
    assert result.method == "hirescam" and result.notes == ("", "")
    assert result.classes.tolist() == [1, 0] and result.labels == ("positive", "negative")
    p = model.keras_model(x, training=False).numpy()[:, 0]
    np.testing.assert_allclose(result.probabilities, [p[0], 1 - p[1]], rtol=1e-5)
    clear_logit = np.log(p[1] / (1 - p[1]))  # p[0] is 1.0 in float32: no logit from it
    assert result.scores[1] == pytest.approx(-clear_logit, rel=1e-3)  # class 0 scores -z
    assert result.item(0).title.startswith("HiResCAM — max_pooling2d_3 — class 1 positive p=1.0000")
    both = explain(model, x[:1].repeat(2, axis=0), "gradcam", classes=[1, 0])
    assert both.scores[1] == pytest.approx(-both.scores[0], rel=1e-6)


def test_binary_class_scores_probabilities_and_seed():
    scores = ClassScores.for_shape((None, 1), activation="sigmoid")
    assert scores.binary and scores.target == BINARY_TARGET
    assert not ClassScores.for_shape((None, 1), activation="linear").binary
    assert not ClassScores.for_shape((None, 2), activation="sigmoid").binary
    z = np.array([[2.0], [-1.0]])
    np.testing.assert_allclose(scores.scores(z), [[-2.0, 2.0], [1.0, -1.0]])
    p = 1 / (1 + np.exp(-z[:, 0]))
    np.testing.assert_allclose(scores.probabilities(z, "sigmoid"), np.stack([1 - p, p], axis=1))
    assert scores.probabilities(z, None) is None  # the head kept its sigmoid: no probabilities
    np.testing.assert_array_equal(scores.seed((2, 1), np.array([1, 0])), [[1.0], [-1.0]])


def test_a_blank_map_says_why():
    import keras

    keras.utils.set_random_seed(9)
    inputs = keras.Input((8, 8, 3), name="image")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    head = keras.layers.Dense(2, name="head")
    outputs = head(x)
    head.set_weights([np.stack([-np.ones(4), np.ones(4)], axis=1), np.zeros(2)])  # class 0: every channel against
    model = Model(keras.Model(inputs, outputs, name="against"))
    result = explain(model, noise_batch((8, 8, 3), 2, seed=8), "gradcam", classes=[0, 1])
    assert not result.heatmaps[0].any() and result.heatmaps[1].max() == 1.0
    assert result.notes[0].startswith("nothing at layer conv speaks for the class") and result.notes[1] == ""
