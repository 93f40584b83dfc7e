"""The model re-traced for class heatmaps: the target layer's maps and the class
scores taken before the final softmax/sigmoid.

``layer_graph.trace_model`` re-runs every layer object on fresh inputs; here its
``rewrite`` hook changes two layers on the way:

- the head layer (the one whose activation is the model's last softmax or
  sigmoid) runs without that activation, so the outputs are logits: a
  saturated sigmoid (1.0 in float32) has an exactly zero gradient, and
  Grad-CAM on it is blank;
- the target layer's output gets ``+ delta``, a zero tensor fed as an extra
  input. The gradient of the score with respect to ``delta`` is the gradient
  with respect to the maps, and every backend can take a gradient with
  respect to an input (no graph surgery per backend);
- a one-unit sigmoid head's logit z becomes two class scores (-z, z): class 0,
  the negative one, and class 1 (see ``core.analysis.class_names``).

``ScoreGraph.model``: inputs ``[*model inputs, delta]`` -> ``[maps, logits]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actviz_tui.core.model.graph import trace_model
from actviz_tui.core.analysis.class_names import is_binary
from actviz_tui.core.analysis.predictions import head_activation, output_kind

SQUASHING = {"softmax", "sigmoid"}


@dataclass
class ScoreGraph:
    model: Any  # keras.Model: [*inputs, delta] -> [maps, logits]
    maps_shape: tuple  # (H, W, C) of the target layer
    head: str  # the head layer's name
    activation: str | None  # its final activation, removed for the score


def build_score_graph(session, row: int | None, output: int = 0) -> ScoreGraph:
    """The score model for target row ``row`` (None: logits only, for occlusion)."""
    import keras

    head, activation = head_activation(session.keras_model, output)
    target_shape = tuple(session.layers[row].output_shape[1:]) if row is not None else (1,)
    delta = keras.Input(shape=target_shape, name="actviz_cam_delta")
    target = _row_layer(session, row) if row is not None else None

    def rewrite(layer, args, compute):
        if layer is head and activation in SQUASHING:
            return _without_activation(layer, args[0])
        outputs = compute()
        if target is not None and layer is target:
            return keras.ops.add(outputs, delta)
        return outputs

    traced = trace_model(session.keras_model, rewrite, extra_inputs=[delta])
    logits = keras.ops.reshape(traced.model_outputs[output], (-1, _size(traced.model_outputs[output])))
    if is_binary(output_kind(activation), _size(traced.model_outputs[output])):
        logits = keras.ops.concatenate([-logits, logits], axis=1)  # class 0 scores -z: sigmoid(-z) = 1 - p
    maps = traced.outputs[row] if row is not None else keras.ops.multiply(delta, 0.0)
    return ScoreGraph(keras.Model(traced.inputs, [maps, logits]), target_shape, head.name, activation)


def _row_layer(session, row: int):
    """The layer object of a table row (rows are named by path: "base/conv")."""
    container = session.keras_model
    for part in session.layers[row].name.split("/"):
        container = container.get_layer(part)
    return container


def _size(tensor) -> int:
    size = 1
    for dim in tensor.shape[1:]:
        size *= dim
    return size


def _without_activation(layer, inputs):
    import keras

    if isinstance(layer, (keras.layers.Softmax, keras.layers.Activation)):
        return inputs
    return _PreActivation(layer)(inputs)


def _pre_activation_class():
    import keras

    class PreActivation(keras.layers.Layer):
        """Runs a layer (Dense, Conv) with its activation set to linear for the call.

        The swap happens each time the graph runs; callers hold the session's
        lock, so no other computation sees the layer without its activation."""

        def __init__(self, wrapped, **kwargs):
            super().__init__(name=f"{wrapped.name}_logits", **kwargs)
            self.wrapped = wrapped

        def call(self, inputs):
            activation = self.wrapped.activation
            self.wrapped.activation = keras.activations.linear
            try:
                return self.wrapped.call(inputs)
            finally:
                self.wrapped.activation = activation

    return PreActivation


def _PreActivation(layer):
    global _PRE_ACTIVATION
    if _PRE_ACTIVATION is None:
        _PRE_ACTIVATION = _pre_activation_class()
    return _PRE_ACTIVATION(layer)


_PRE_ACTIVATION = None
