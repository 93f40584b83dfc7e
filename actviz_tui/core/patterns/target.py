"""What a pattern maximises: one channel of a layer with maps (its mean away from the
borders, before the layer's activation, as Lucid's ``pre_relu`` targets), one
unit of a Dense-like layer, or one class of a model output (its logit: the
softmax/sigmoid is taken off as for class heatmaps, so a saturated probability
still has a gradient).

``pattern_target(model, layer)`` checks the request and builds the sub-model
(the model's inputs -> the target layer's output) once; ``values(outputs, onehot)``
is the objective per image, in Keras ops.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from actviz_tui.core.errors import ActvizError, NotAnImageModelError
from actviz_tui.core.model.graph import trace_model

BORDER_FRACTION = 16  # a map's outer 1/16 on each side (zero padding's reach) is left out of the objective


class PatternError(ActvizError):
    """A pattern cannot be asked for: no such channel, no image input, a layer with nothing to optimise."""


@dataclass
class PatternTarget:
    row: int
    name: str
    kind: str  # "maps": a channel's mean; "units": a unit's value; "classes": a class logit
    count: int  # channels, units or classes
    channels_first: bool
    keras_model: Any  # the model's inputs -> the target's output (logits for "classes")
    note: str = ""  # why the scores are not the pre-activation values or logits, when they are not
    binary: bool = False  # a one-unit sigmoid: class 1 is its logit z, class 0 is -z (as in explain)
    compiled: dict = field(default_factory=dict)  # the optimiser's compiled steps, by image size

    @property
    def what(self) -> str:
        return {"maps": "channel", "units": "unit", "classes": "class"}[self.kind]

    def check_channels(self, channels) -> tuple[int, ...]:
        if channels is None:
            return tuple(range(self.count))
        try:
            chosen = tuple(int(c) for c in ([channels] if np.ndim(channels) == 0 else channels))
        except (TypeError, ValueError):
            raise PatternError(f"{self.what}s are whole numbers, not {channels!r}") from None
        bad = [c for c in chosen if not 0 <= c < self.count]
        if bad:
            raise PatternError(f"{self.what} {bad[0]} is out of range: layer {self.name} has "
                               f"{self.count} {self.what}{'es' if self.what == 'class' else 's'} (0-{self.count - 1})")
        if not chosen:
            raise PatternError("no channels asked for")
        return tuple(dict.fromkeys(chosen))

    def values(self, outputs, onehot):
        """Keras ops: the objective per image, (N,): its own channel's score."""
        import keras

        ops = keras.ops
        if self.binary:
            outputs = ops.concatenate([-outputs[:, :1], outputs[:, :1]], axis=-1)
        if len(outputs.shape) == 4:  # maps, or a fully convolutional output's class maps
            if self.channels_first:
                outputs = ops.transpose(outputs, (0, 2, 3, 1))
            height, width = ops.shape(outputs)[1], ops.shape(outputs)[2]
            dy, dx = height // BORDER_FRACTION, width // BORDER_FRACTION
            inner = outputs[:, dy:height - dy, dx:width - dx, :]
            outputs = ops.mean(inner, axis=(1, 2))
        return ops.sum(outputs * onehot, axis=-1)


_TARGETS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> {row: target}
_BUILDING = threading.Lock()  # the explorer's worker and the UI thread may ask at once


def pattern_target(model, layer) -> PatternTarget:
    """The target for a layer (name, nested path or row) of an engine ``Model``; kept per
    model and row, so the sub-model is built and the optimiser's step compiled once."""
    if model.image_input_index is None:
        raise NotAnImageModelError(f"model {model.name} takes no image: patterns are images to optimise")
    row = model.find_layer(layer)
    with _BUILDING:
        kept = _TARGETS.setdefault(model, {})
        if row not in kept:
            kept[row] = _build_target(model, row)
        return kept[row]


def _build_target(model, row: int) -> PatternTarget:
    if model.image_input_index is None:
        raise NotAnImageModelError(f"model {model.name} takes no image: patterns are images to optimise")
    info = model.layers[row]
    if info.type == "InputLayer" or info.is_model:
        what = "the input" if info.type == "InputLayer" else "a nested model's own row (pick one of its layers)"
        raise PatternError(f"layer {info.name} is {what}: it has no channels of its own to maximise")
    if row in model.output_rows and model.output_kinds.get(row) in ("softmax", "sigmoid"):
        return _class_target(model, row)
    rank = len(info.output_shape)
    if rank not in (2, 4) or not info.channels:
        raise PatternError(f"layer {info.name} has output shape {info.output_shape}: patterns need 2-D maps per "
                           "channel (a convolution) or units (a Dense layer)")
    notes: list[str] = []
    sub_model = _sub_model(model, row, notes)
    _check_connected(model, sub_model, info.name)
    kind = "maps" if rank == 4 else "units"
    return PatternTarget(row, info.name, kind, int(info.channels), info.channels_first, sub_model,
                         " ".join(filter(None, notes)))


def _sub_model(model, row: int, notes: list[str]):
    """The model's inputs -> the row's output before its activation (Lucid's ``pre_relu``
    targets): a ReLU'd channel that starts at zero everywhere has no gradient to climb."""
    import keras

    from actviz_tui.core.analysis.predictions import activation_name
    from actviz_tui.core.explain.score_graph import pre_activation

    target = model.keras_layer(row)

    def rewrite(layer, args, compute):
        if layer is target and _has_activation(layer):
            return pre_activation(layer, args, compute, activation_name(layer), notes)
        return compute()

    traced = trace_model(model.keras_model, rewrite)
    return keras.Model(traced.inputs, traced.outputs[row], name=f"actviz_pattern_{row}")


def _has_activation(layer) -> bool:
    import keras

    from actviz_tui.core.analysis.predictions import activation_name

    if isinstance(layer, keras.layers.RNN):  # its activation is inside the cell, not last
        return False
    return isinstance(layer, keras.layers.ReLU) or activation_name(layer) not in (None, "linear")


def _check_connected(model, sub_model, name: str) -> None:
    """Refuse, before any work, a layer the image never reaches (another input's branch)."""
    source = sub_model.inputs[model.image_input_index]
    seen, pending = set(), list(sub_model.outputs)
    while pending:
        tensor = pending.pop()
        if tensor is source:
            return
        history = getattr(tensor, "_keras_history", None)
        if history is None or id(tensor) in seen:
            continue
        seen.add(id(tensor))
        pending.extend(history.operation._inbound_nodes[history.node_index].input_tensors)
    raise PatternError(f"layer {name} does not depend on the image input: nothing to optimise")


def _class_target(model, row: int) -> PatternTarget:
    from actviz_tui.core.explain.score_graph import build_score_graph

    info = model.layers[row]
    if len(info.output_shape) not in (2, 4):
        raise PatternError(f"output {info.name} has shape {info.output_shape}: class patterns need one score "
                           "per class (N, classes) or class maps (N, H, W, classes)")
    output = model._output_row_list.index(row)  # which model output this row is
    graph = build_score_graph(model, None, output)
    binary = graph.scores.binary
    count = 2 if binary else int(info.channels or info.output_shape[-1])
    return PatternTarget(row, info.name, "classes", count, info.channels_first, graph.model, graph.note, binary)
