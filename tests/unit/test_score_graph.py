"""Score graphs leave the user's model alone: every node is one of its layers or
a layer of ours named actviz_...; the head runs as a linear clone with the same
weights, the user's head keeps its softmax."""

from __future__ import annotations

import numpy as np
import pytest

import cam_models
from actviz_tui.core.explain import METHODS, explain
from actviz_tui.core.explain.explainer import score_graph
from actviz_tui.core.model.engine import Model


def user_layers(container) -> set[int]:
    found = set()
    for layer in container.layers:
        found.add(id(layer))
        if hasattr(layer, "layers"):
            found |= user_layers(layer)
    return found


def foreign_nodes(model: Model, graph) -> list[str]:
    import keras

    users = user_layers(model.keras_model)
    ours = [op for op in graph.model.operations
            if isinstance(op, keras.layers.InputLayer) or op.name.startswith("actviz_")]
    return [op.name for op in graph.model.operations if id(op) not in users and op not in ours]


@pytest.mark.parametrize("build", [cam_models.residual_default_names, cam_models.mobilenet_in_sequential,
                                   cam_models.segmentation, cam_models.flatten_softmax])
def test_score_graphs_add_only_actviz_layers(build):
    model = Model(build())
    for row in (None, model.find_layer(model.layers[-3].name)):
        graph = score_graph(model, row, 0)
        assert foreign_nodes(model, graph) == []
        ours = [op.name for op in graph.model.operations if op.name.startswith("actviz_")]
        assert any(name.startswith("actviz_logits_") for name in ours)  # the head's linear clone
        assert all(name.startswith("actviz_cam_delta") for name in ours if "logits" not in name) and (
            row is None or len(ours) == 3)  # the delta's input and its add


def test_head_clone_is_linear_with_the_same_weights_and_the_user_head_is_untouched():
    import keras

    keras_model = cam_models.residual_default_names()
    model = Model(keras_model)
    graph = score_graph(model, None, 0)
    clone = next(op for op in graph.model.operations if op.name.startswith("actviz_logits_dense"))
    head = keras_model.get_layer("dense")
    assert clone is not head and clone.activation is keras.activations.linear
    assert head.activation is keras.activations.softmax
    for ours, theirs in zip(clone.get_weights(), head.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    x = np.random.default_rng(0).uniform(0, 1, (2, 16, 16, 3)).astype(np.float32)
    before = keras_model(x).numpy()
    explain(model, x, "gradcam")
    logits = keras.ops.convert_to_numpy(graph.model([x]))
    logits = logits[0] if isinstance(logits, list) else logits
    np.testing.assert_allclose(keras.ops.convert_to_numpy(keras.ops.softmax(logits)), before, atol=1e-6)
    np.testing.assert_array_equal(keras_model(x).numpy(), before)  # the user's model still gives probabilities


def test_every_method_on_residual_adds_named_as_keras_names_them():
    model = Model(cam_models.residual_default_names())
    x = np.random.default_rng(1).uniform(0, 1, (2, 16, 16, 3)).astype(np.float32)
    for method in METHODS:
        result = explain(model, x, method)
        assert result.heatmaps.shape == (2, 16, 16) and np.isfinite(result.heatmaps).all()


def test_a_separate_softmax_layer_is_skipped_for_the_logits():
    import keras

    keras.utils.set_random_seed(5)
    inputs = keras.Input((8, 8, 3), name="image")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    logits = keras.layers.Dense(3, name="logits")(x)
    outputs = keras.layers.Activation("softmax", name="probabilities")(logits)
    model = Model(keras.Model(inputs, outputs, name="softmax_layer"))
    x = np.random.default_rng(2).uniform(0, 1, (2, 8, 8, 3)).astype(np.float32)
    result = explain(model, x, "gradcam")
    expected = keras.Model(inputs, logits)(x).numpy()
    np.testing.assert_allclose(result.scores, expected[[0, 1], result.classes], rtol=1e-5)
    np.testing.assert_allclose(result.probabilities, model.keras_model(x).numpy()[[0, 1], result.classes], rtol=1e-5)
    assert foreign_nodes(model, score_graph(model, None, 0)) == []
