"""The method registry: a method is one entry; the engine runs a new one, on a
layer or on the input, with gradients or perturbed inputs, without knowing it."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

import cam_models
from actviz_tui.core.errors import ActvizError
from actviz_tui.core.explain import METHODS, Method, explain, register
from actviz_tui.core.model.engine import Model


@pytest.fixture
def registered():
    """Registers entries for one test, then removes them."""
    added = []

    def add(method: Method) -> Method:
        added.append(method.name)
        return register(method)

    yield add
    for name in added:
        METHODS.pop(name)


@pytest.fixture(scope="module")
def flatten_model():
    return Model(cam_models.flatten_softmax())


def input_gradients(model, x, classes):
    """d logit[i, classes[i]] / d x by a plain GradientTape (the head's kernel, not its softmax)."""
    keras_model = model.keras_model
    head = keras_model.layers[-1]
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        hidden = x
        for layer in keras_model.layers[:-1]:
            hidden = layer(hidden, training=False)
        logits = tf.matmul(hidden, head.kernel) + head.bias
        score = tf.reduce_sum(tf.gather(logits, classes, batch_dims=1))
    return tape.gradient(score, x).numpy()


def test_an_input_gradient_method_is_one_entry(registered, flatten_model):
    registered(Method("gradient_x_input", "gradient x input",
                      lambda data: np.abs((data.gradients * data.maps).sum(axis=-1)), gradients=True, target="input"))
    x = np.random.default_rng(1).uniform(0, 1, (2, 12, 12, 3)).astype(np.float32)
    result = explain(flatten_model, x, "gradient_x_input", classes=[2, 0])
    expected = np.abs((input_gradients(flatten_model, x, [2, 0]) * x).sum(axis=-1))
    expected /= expected.max(axis=(1, 2), keepdims=True)
    assert result.layer == "input" and result.layer_row is None
    np.testing.assert_allclose(result.heatmaps, expected, atol=1e-5)
    assert result.item(1).title.startswith("gradient x input \u2014 input \u2014 class 0")


def test_perturbed_gradients_reach_a_method(registered, flatten_model):
    """A SmoothGrad-shaped method: gradients of perturbed copies through ``runs.gradients``."""

    def mean_gradient(data, copies=3):
        owners = np.repeat(np.arange(len(data.pictures)), copies)
        _, gradients = data.runs.gradients(owners, lambda indices: data.pictures[owners[indices]])
        return np.abs(gradients.reshape(len(data.pictures), copies, *gradients.shape[1:]).mean(axis=1)).sum(axis=-1)

    registered(Method("mean_gradient", "mean gradient", mean_gradient, target="input", options={"copies": 3}))
    x = np.random.default_rng(2).uniform(0, 1, (2, 12, 12, 3)).astype(np.float32)
    steps = []
    result = explain(flatten_model, x, "mean_gradient", classes=1, copies=2,
                     progress=lambda done, total: steps.append((done, total)))
    expected = np.abs(input_gradients(flatten_model, x, [1, 1])).sum(axis=-1)
    np.testing.assert_allclose(result.heatmaps, expected / expected.max(axis=(1, 2), keepdims=True), atol=1e-5)
    assert steps[-1] == (4, 4)


def test_unknown_options_and_methods_are_refused(flatten_model):
    x = np.zeros((1, 12, 12, 3), dtype=np.float32)
    with pytest.raises(ActvizError, match="occlusion has no option size .its options: patch, stride, fill"):
        explain(flatten_model, x, "occlusion", size=3)
    with pytest.raises(ActvizError, match="unknown class heatmap method 'lime'; one of gradcam, gradcam\\+\\+"):
        explain(flatten_model, x, "lime")


def test_occlusion_options_change_the_patch(flatten_model):
    x = np.random.default_rng(3).uniform(0, 1, (1, 12, 12, 3)).astype(np.float32)
    coarse = explain(flatten_model, x, "occlusion", patch=6, stride=6).heatmaps[0]
    assert len(np.unique(coarse[:6, :6])) == 1  # one placement covers the whole corner
    assert not np.allclose(coarse, explain(flatten_model, x, "occlusion").heatmaps[0])


def test_entries_say_what_they_need():
    assert [(m.name, m.gradients, m.target, m.expensive) for m in METHODS.values()] == [
        ("gradcam", True, "layer", False), ("gradcam++", True, "layer", False), ("hirescam", True, "layer", False),
        ("scorecam", False, "layer", True), ("occlusion", False, "input", True),
        ("saliency", True, "input", False), ("integrated_gradients", False, "input", True),
        ("smoothgrad", False, "input", True), ("layercam", True, "layer", False),
        ("xgradcam", True, "layer", False), ("eigencam", False, "layer", False),
        ("rise", False, "input", True),
    ]
    with pytest.raises(ValueError, match="registered twice"):
        register(METHODS["gradcam"])
