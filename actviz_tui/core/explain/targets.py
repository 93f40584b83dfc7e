"""Which layer, which class and which method a class heatmap uses by default.

- ``cam_layers(session)``: table rows with spatial maps (batch, H, W, C), H or W > 1.
- ``default_cam_layer(session)``: the last of them (inside a nested base too),
  i.e. the last layer with spatial maps before the head.
- ``resolve_cam_layer(session, name_or_index)``: a user's choice, checked.
- ``default_method(session, row)``: HiResCAM when the head flattens the maps
  (Flatten + Dense: pooled gradients lose where the head looked), Grad-CAM for
  global-pooling heads; a ``MethodChoice`` with the reason to show.
"""

from __future__ import annotations

from dataclasses import dataclass

from actviz_tui.core.analysis.class_names import output_classes
from actviz_tui.core.errors import CamLayerError, ClassIndexError

FLATTENING = {"Flatten", "Reshape"}
GLOBAL_POOLING = {"GlobalAveragePooling2D", "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalMaxPooling1D"}


@dataclass(frozen=True)
class MethodChoice:
    method: str  # a key of class_heatmaps.METHODS
    reason: str  # one line for the view's caption


def has_spatial_maps(info) -> bool:
    shape = info.output_shape
    return len(shape) == 4 and not (shape[1] == 1 and shape[2] == 1)


def cam_layers(session) -> list[int]:
    """Rows whose output is a stack of spatial maps (what a class heatmap can use)."""
    return [info.index for info in session.layers if has_spatial_maps(info) and not _is_input(info)]


def default_cam_layer(session) -> int:
    rows = cam_layers(session)
    if not rows:
        raise CamLayerError(f"model {session.name} has no layer with spatial maps for a class heatmap")
    return rows[-1]


def resolve_cam_layer(session, name_or_index: str | int | None) -> int:
    """The row of a user's layer (name, path or index); None: the default layer."""
    if name_or_index is None:
        return default_cam_layer(session)
    row = session.find_layer(name_or_index)  # LayerLookupError for unknown names
    info = session.layers[row]
    if not has_spatial_maps(info) or _is_input(info):
        shape = "x".join("?" if d is None else str(d) for d in info.output_shape[1:])
        raise CamLayerError(
            f"layer {info.name} (output {shape}) has no spatial maps for a class heatmap; "
            f"try {session.layers[default_cam_layer(session)].name}"
        )
    return row


def head_kind(session, row: int) -> str:
    """How the layers after ``row`` reduce the maps: "flatten", "pooling" or "other"."""
    for info in session.layers[row + 1:]:
        if info.type in FLATTENING:
            return "flatten"
        if info.type in GLOBAL_POOLING:
            return "pooling"
    return "other"


def default_method(session, row: int) -> MethodChoice:
    kind = head_kind(session, row)
    if kind == "flatten":
        return MethodChoice(
            "hirescam",
            "HiResCAM: the head flattens the maps (Flatten + Dense), so Grad-CAM's pooled gradients "
            "would lose where it looked",
        )
    if kind == "pooling":
        return MethodChoice("gradcam", "Grad-CAM: the head pools the maps globally")
    return MethodChoice("gradcam", "Grad-CAM: the standard choice (the head neither flattens nor pools)")


def output_units(session, output: int = 0) -> int | None:
    """The number of classes (units) of model output ``output``, None if unknown
    (a one-unit sigmoid has two classes: see ``core.analysis.class_names``)."""
    tensors = list(session.keras_model.outputs or [])
    if not tensors:
        return None
    if output_classes(session.keras_model, None, output).binary:
        return 2
    units = 1
    for dim in tensors[min(output, len(tensors) - 1)].shape[1:]:
        if dim is None:
            return None
        units *= dim
    return units


def check_class(session, class_index: int | None, output: int = 0) -> None:
    """ClassIndexError unless ``class_index`` (None: the top one) is a unit of the output."""
    units = output_units(session, output)
    if class_index is not None and units is not None and not 0 <= class_index < units:
        raise ClassIndexError(class_error(class_index, units))


def class_error(class_index: int, units: int) -> str:
    return f"no class {class_index}: the output has {units} unit(s) (0-{units - 1})"


def _is_input(info) -> bool:
    return info.type == "InputLayer"
