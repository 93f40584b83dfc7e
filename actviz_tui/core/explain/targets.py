"""Which layer, which class and which method a class heatmap uses by default.

Each takes the engine's ``Model`` (``core.model.engine``).

- ``cam_layers(model)``: table rows with spatial maps (batch, H, W, C), H or W > 1.
- ``default_cam_layer(model)``: the last of them (inside a nested base too),
  i.e. the last layer with spatial maps before the head; for a fully
  convolutional output, the last one shaped unlike the output (not its head).
- ``resolve_cam_layer(model, name_or_index)``: a user's choice, checked.
- ``default_method(model, row)``: HiResCAM when the head flattens the maps
  (Flatten + Dense: pooled gradients lose where the head looked), Grad-CAM for
  global-pooling heads; a ``MethodChoice`` with the reason to show.
- ``output_scores(model, output)``: what a class and its score are for that
  output (``class_scores.ClassScores``); ``output_units``: how many classes
  (a one-unit sigmoid has two).
"""

from __future__ import annotations

from dataclasses import dataclass

from actviz_tui.core.analysis.predictions import head_activation
from actviz_tui.core.errors import CamLayerError, ClassIndexError
from actviz_tui.core.explain.class_scores import ClassScores

FLATTENING = {"Flatten", "Reshape"}
GLOBAL_POOLING = {"GlobalAveragePooling2D", "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalMaxPooling1D"}


@dataclass(frozen=True)
class MethodChoice:
    method: str  # a key of registry.METHODS
    reason: str  # one line for the view's caption


def has_spatial_maps(info) -> bool:
    """A layer a class heatmap can use: ``LayerInfo.has_maps``, 2-D maps larger than one cell."""
    return info.has_maps and info.map_size is not None and tuple(info.map_size) != (1, 1)


def cam_layers(model) -> list[int]:
    """Rows whose output is a stack of spatial maps (what a class heatmap can use)."""
    return [info.index for info in model.layers if has_spatial_maps(info)]


def default_cam_layer(model) -> int:
    rows = cam_layers(model)
    if not rows:
        raise CamLayerError(f"model {model.name} has no layer with spatial maps for a class heatmap")
    spatial_outputs = {tuple(tensor.shape) for tensor in model.traced.model_outputs if len(tensor.shape) > 2}
    before_head = [row for row in rows if tuple(model.layers[row].output_shape) not in spatial_outputs]
    return (before_head or rows)[-1]


def resolve_cam_layer(model, name_or_index: str | int | None) -> int:
    """The row of a user's layer (name, path or index); None: the default layer."""
    if name_or_index is None:
        return default_cam_layer(model)
    row = model.find_layer(name_or_index)  # LayerLookupError for unknown names
    info = model.layers[row]
    if not has_spatial_maps(info):
        shape = "x".join("?" if d is None else str(d) for d in info.output_shape[1:])
        raise CamLayerError(
            f"layer {info.name} (output {shape}) has no spatial maps for a class heatmap; "
            f"try {model.layers[default_cam_layer(model)].name}"
        )
    return row


def head_kind(model, row: int) -> str:
    """How the layers after ``row`` reduce the maps: "flatten", "pooling" or "other"."""
    for info in model.layers[row + 1:]:
        if info.type in FLATTENING:
            return "flatten"
        if info.type in GLOBAL_POOLING:
            return "pooling"
    return "other"


def default_method(model, row: int) -> MethodChoice:
    kind = head_kind(model, row)
    if kind == "flatten":
        return MethodChoice(
            "hirescam",
            "HiResCAM: the head flattens the maps (Flatten + Dense), so Grad-CAM's pooled gradients "
            "would lose where it looked",
        )
    if kind == "pooling":
        return MethodChoice("gradcam", "Grad-CAM: the head pools the maps globally")
    return MethodChoice("gradcam", "Grad-CAM: the standard choice (the head neither flattens nor pools)")


def output_scores(model, output: int = 0) -> ClassScores:
    """What a class and its score are for model output ``output`` (a one-unit sigmoid
    head: two classes, see ``core.analysis.class_names``)."""
    traced = model.traced
    tensor = traced.model_outputs[_output_index(model, output)]
    first = any(info.channels_first for info, row_tensor in zip(traced.layers, traced.outputs) if row_tensor is tensor)
    _head, activation = head_activation(model.keras_model, output)
    return ClassScores.for_shape(tuple(tensor.shape), first, activation)


def output_units(model, output: int = 0) -> int | None:
    """The number of classes of model output ``output`` (units, or channels of a
    fully convolutional output; 2 for a one-unit sigmoid), None if unknown."""
    tensor = model.traced.model_outputs[_output_index(model, output)]
    shape, scores = tuple(tensor.shape), output_scores(model, output)
    if scores.binary:
        return 2
    if scores.per_position:
        return shape[1] if scores.channels_first else shape[-1]
    units = 1
    for dim in shape[1:]:
        if dim is None:
            return None
        units *= dim
    return units


def _output_index(model, output: int) -> int:
    count = len(model.traced.model_outputs)
    if not 0 <= output < count:
        raise ClassIndexError(f"no output {output}: model {model.name} has {count} output(s) (0-{count - 1})")
    return output


def check_class(model, class_index: int | None, output: int = 0) -> None:
    """ClassIndexError unless ``class_index`` (None: the top one) is a unit of the output."""
    units = output_units(model, output)
    if class_index is not None and units is not None and not 0 <= class_index < units:
        raise ClassIndexError(class_error(class_index, units))


def class_error(class_index: int, units: int) -> str:
    return f"no class {class_index}: the output has {units} class{'' if units == 1 else 'es'} (0-{units - 1})"
