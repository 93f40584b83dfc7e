"""Receptive fields: how many input pixels one position of a layer's maps sees, and how far apart positions are.

Walks the traced rows in order (each row knows the rows that feed it, ``LayerInfo.inputs``)
with the standard recurrence (Araujo, Norris & Sim, "Computing Receptive Fields of
Convolutional Neural Networks", Distill 2019), per spatial axis::

    size_out = size_in + (kernel - 1) * dilation * jump_in
    jump_out = jump_in * stride

- Convolutions (plain, depthwise, separable; 1-D to 3-D) and pooling windows use their
  kernel (``pool_size``), strides and dilation. Padding (``same``, ZeroPadding, Cropping)
  moves where a field sits, not its size or jump, so it changes nothing here.
- Merges (Add, Concatenate, Multiply...) take the largest field of their inputs; where a
  global branch joins local maps (squeeze-and-excitation's Multiply) the local field is
  kept and marked ``global_context``: each position then depends on the whole input too.
- Layers that keep the spatial size (BatchNorm, activations, a Dense on each position,
  LayerNorm, Rescaling...) keep their input's field; UpSampling divides the jump,
  a transposed convolution divides it by its stride and grows the size by its kernel.
- A nested model's own row takes the field of its last inner row (its output).
- A layer whose output has no spatial axes left (Flatten, global pooling, a Dense after
  them) sees the whole input (``WHOLE_INPUT``); any other layer that changes the spatial
  size in a way not listed (Reshape, Resizing, custom layers) has an unknown field (None).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Sequence

from actviz_tui.core.model.graph import LayerInfo


@dataclass(frozen=True)
class ReceptiveField:
    size: tuple[float, ...]  # input pixels seen along each spatial axis (H, W)
    jump: tuple[float, ...]  # input pixels between two neighbouring positions (the effective stride)
    whole: bool = False  # the layer sees the whole input (no spatial axes left)
    global_context: bool = False  # a global branch joined (squeeze-and-excitation): each position sees all too

    def describe(self) -> str:
        """``RF 212 px, jump 32``; ``RF 7x1 px, jump 2x2``; ``RF: whole input``."""
        if self.whole:
            return "RF: whole input"
        unit = "steps" if len(self.size) == 1 else "px"
        context = " + whole-input context" if self.global_context else ""
        return f"RF {_axes(self.size)} {unit}{context}, jump {_axes(self.jump)}"


WHOLE_INPUT = ReceptiveField((), (), whole=True)

MERGES = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"}
SAME_POSITIONS = {"ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D"}


def receptive_fields(layers: Sequence[LayerInfo], objects: Mapping[str, object]) -> list[ReceptiveField | None]:
    """One field per row (None: unknown, or a model input without spatial axes).

    ``objects`` maps a row's name to its Keras layer (kernel sizes and strides are read from it).
    """
    by_name = {info.name: info for info in layers}
    fields: dict[str, ReceptiveField | None] = {}

    def field_of(name: str) -> ReceptiveField | None:
        if name not in fields:  # a nested model, asked for by a layer after its inner rows
            inner = [row for row in layers if row.name.startswith(f"{name}/") and row.name in fields]
            fields[name] = fields[inner[-1].name] if inner else None
        return fields[name]

    for info in layers:
        if info.is_model:
            continue  # its output is its last inner row's: resolved when a later row asks
        sources = [by_name[name] for name in info.inputs if name in by_name]
        fields[info.name] = _layer_field(info, sources, [field_of(s.name) for s in sources], objects.get(info.name))
    return [field_of(info.name) for info in layers]


def _layer_field(info: LayerInfo, sources: list[LayerInfo], incoming: list[ReceptiveField | None],
                 layer) -> ReceptiveField | None:
    rank = _spatial_rank(info)
    if not sources:  # the model's input (one pixel sees itself), or a layer fed by it straight
        if not rank:
            return None
        incoming = [ReceptiveField((1,) * rank, (1,) * rank)]
        if info.type == "InputLayer":
            return incoming[0]
    field = _largest(incoming)
    if field is None or field.whole:
        return field
    if rank == 0:
        return WHOLE_INPUT  # Flatten, global pooling, a Dense after them
    if len(field.size) != rank:
        return None
    kind = type(layer).__name__ if layer is not None else info.type
    if "Transpose" in kind and hasattr(layer, "kernel_size"):
        return _transposed(field, _axis_values(layer.kernel_size, rank), _axis_values(layer.strides, rank))
    window = _window(layer, rank)
    if window is not None:
        return _grown(field, *window)
    if kind.startswith("UpSampling"):
        return replace(field, jump=tuple(j / s for j, s in zip(field.jump, _axis_values(layer.size, rank))))
    if kind in SAME_POSITIONS or kind in MERGES or _same_spatial_size(info, sources):
        return field
    return None


def _window(layer, rank: int) -> tuple[tuple, tuple, tuple] | None:
    """(kernel, stride, dilation) of a convolution or a pooling window; None for other layers."""
    kernel = getattr(layer, "kernel_size", None) or getattr(layer, "pool_size", None)
    if kernel is None or getattr(layer, "strides", None) is None:
        return None
    dilation = getattr(layer, "dilation_rate", 1)
    return (_axis_values(kernel, rank), _axis_values(layer.strides, rank), _axis_values(dilation, rank))


def _grown(field: ReceptiveField, kernel, stride, dilation) -> ReceptiveField:
    size = tuple(r + (k - 1) * d * j for r, k, d, j in zip(field.size, kernel, dilation, field.jump))
    return replace(field, size=size, jump=tuple(j * s for j, s in zip(field.jump, stride)))


def _transposed(field: ReceptiveField, kernel, stride) -> ReceptiveField:
    jump = tuple(j / s for j, s in zip(field.jump, stride))
    return replace(field, size=tuple(r + (k - 1) * j for r, k, j in zip(field.size, kernel, jump)), jump=jump)


def _largest(fields: list[ReceptiveField | None]) -> ReceptiveField | None:
    if any(field is None for field in fields):
        return None
    known = [field for field in fields if field is not None]
    local = [field for field in known if not field.whole]
    if not local:
        return WHOLE_INPUT
    if len({len(field.size) for field in local}) != 1:
        return None
    return ReceptiveField(
        tuple(max(sizes) for sizes in zip(*(field.size for field in local))),
        tuple(max(jumps) for jumps in zip(*(field.jump for field in local))),
        global_context=len(local) < len(known) or any(field.global_context for field in local),
    )


def _spatial_rank(info: LayerInfo) -> int:
    """Spatial axes of the output: (batch, H, W, C) has 2; (batch, units) none."""
    return max(0, len(info.output_shape) - 2)


def _spatial_size(info: LayerInfo) -> tuple:
    shape = info.output_shape
    return tuple(shape[2:]) if info.channels_first else tuple(shape[1:-1])


def _same_spatial_size(info: LayerInfo, sources: list[LayerInfo]) -> bool:
    size = _spatial_size(info)
    return all(_spatial_size(source) == size for source in sources)


def _axis_values(value, rank: int) -> tuple:
    values = tuple(value) if isinstance(value, (list, tuple)) else (value,) * rank
    return values if len(values) == rank else (values[0],) * rank


def _axes(values: tuple[float, ...]) -> str:
    texts = [f"{value:.3g}" if value != int(value) else str(int(value)) for value in values]
    return texts[0] if len(set(texts)) == 1 else "x".join(texts)
