"""The model re-traced for class heatmaps, the user's model left untouched.

It gives the target's maps and the raw output taken before the final
softmax/sigmoid.

``graph.trace_model`` re-runs every layer object on fresh inputs; its
``rewrite`` hook changes two things on the way, each a new layer under a name
of its own (``actviz_...``: a default name such as "add" would collide with
the user's layers, as in ResNet, Xception or ConvNeXt):

- the head layer (whose activation is the model's last softmax or sigmoid)
  is replaced by a clone with a linear activation and the same weights
  (tf-keras-vis' ``ReplaceToLinear``: the user's layer is never modified), so
  the output holds logits: a saturated sigmoid (1.0 in float32) has an
  exactly zero gradient, and Grad-CAM on it is blank. A bare Softmax or
  Activation head is skipped;
- a layer target's output gets ``+ delta``, a zero tensor fed as an extra
  input. The gradient with respect to ``delta`` is the gradient with
  respect to the maps, and every backend can take a gradient with respect to
  an input (no graph surgery per backend).

``ScoreGraph.model``: ``[*model inputs, delta] -> [maps, output]`` for a layer
target, ``[*model inputs] -> [output]`` without one (the input is the target,
or none is needed). Class scores come from the output in numpy
(``class_scores``): the graph holds no reduction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from actviz_tui.core.analysis.predictions import head_activation
from actviz_tui.core.explain.class_scores import ClassScores
from actviz_tui.core.explain.targets import output_scores
from actviz_tui.core.model.graph import trace_model

SQUASHING = {"softmax", "sigmoid"}


@dataclass
class ScoreGraph:
    model: Any  # keras.Model, see the module's docstring
    row: int | None  # the layer target's row; None: no layer target
    wrt: int  # the model input the gradient is taken for: delta's position, else the image input
    delta_shape: tuple  # the layer target's output, model layout, batch axis excluded; () without one
    scores: ClassScores
    activation: str | None  # the softmax/sigmoid taken off the output (None: the output is as the model's)
    note: str = ""  # why the scores are not logits, when they are not
    target_model: Any = None  # model inputs -> the target's maps, for sizes the input decides

    def delta_shape_for(self, inputs: list) -> tuple:
        """The layer target's shape for these inputs (batch included): free sizes follow the input."""
        if None not in self.delta_shape:
            return (len(inputs[0]), *self.delta_shape)
        import keras

        specs = [keras.KerasTensor(array.shape, dtype="float32") for array in inputs]
        return tuple(self.target_model.compute_output_spec(specs).shape)


def build_score_graph(model, row: int | None, output: int = 0) -> ScoreGraph:
    """Score graph of ``model`` (an engine Model) for layer ``row`` (None: the input)."""
    import keras

    head, activation = head_activation(model.keras_model, output)
    target = model.keras_layer(row) if row is not None else None
    delta_shape = tuple(model.layers[row].output_shape[1:]) if row is not None else ()
    delta = keras.Input(shape=delta_shape, name=_unique("actviz_cam_delta_input")) if row is not None else None
    notes: list[str] = []
    squashing = activation in SQUASHING

    target_maps = []

    def rewrite(layer, args, compute):
        if layer is head and squashing:
            outputs = pre_activation(layer, args, compute, activation, notes)
        else:
            outputs = compute()
        if layer is target:
            target_maps.append(outputs)
            outputs = _add_delta_layer()([outputs, delta])
        return outputs

    traced = trace_model(model.keras_model, rewrite, extra_inputs=[delta] if delta is not None else [])
    if squashing and not notes:  # _pre_activation never ran: an opaque nested model holds the head
        notes.append(f"scores are the model's {activation} outputs, not logits (its head {head.name} is out of reach)")
    raw = traced.model_outputs[output]
    scores = output_scores(model, output)
    if row is None:
        graph_model = keras.Model(traced.inputs, [raw], name=_unique("actviz_scores"))
        wrt = model.image_input_index if model.image_input_index is not None else 0
    else:
        graph_model = keras.Model(traced.inputs, [traced.outputs[row], raw], name=_unique("actviz_scores"))
        wrt = len(traced.inputs) - 1
    removed = activation if squashing and notes and not any(notes) else None
    sized = row is not None and None in delta_shape and target_maps
    target_model = keras.Model(traced.inputs[:-1], target_maps[0], name=_unique("actviz_target")) if sized else None
    note = " ".join(filter(None, notes))
    return ScoreGraph(graph_model, row, wrt, delta_shape, scores, removed, note, target_model)


def pre_activation(layer, args, compute, activation, notes):
    """A layer's output before its activation (a head's softmax/sigmoid): a linear clone of the layer."""
    import keras

    notes.append("")  # the layer was reached
    if isinstance(layer, (keras.layers.Softmax, keras.layers.Activation, keras.layers.ReLU)):
        return args[0]
    try:
        config = layer.get_config()
        if "activation" not in config:
            raise ValueError("no activation in its config")
        config.update(activation="linear", name=_unique(f"actviz_logits_{layer.name}"))
        clone = type(layer).from_config(config)
        outputs = clone(args[0])
        clone.set_weights(layer.get_weights())
        return outputs
    except (TypeError, ValueError, KeyError, NotImplementedError) as error:
        notes.append(f"scores are the model's {activation} outputs, not logits "
                     f"(cannot take the activation off layer {layer.name}: {error})")
        return compute()


def _unique(prefix: str) -> str:
    import keras

    return f"{prefix}_{keras.backend.get_uid(prefix)}"


def _add_delta_layer():
    global _ADD_DELTA
    if _ADD_DELTA is None:
        import keras

        class AddDelta(keras.layers.Layer):
            """maps + delta: one node under a name no user layer has."""

            def call(self, inputs):
                maps, delta = inputs
                return maps + delta

        _ADD_DELTA = AddDelta
    return _ADD_DELTA(name=_unique("actviz_cam_delta"))


_ADD_DELTA = None
