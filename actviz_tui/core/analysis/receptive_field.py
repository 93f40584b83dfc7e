"""Receptive fields: how many input pixels one position of a layer's maps sees, and how far apart positions are.

Walks the traced rows in order (each row knows the rows that feed it, ``LayerInfo.inputs``)
with the standard recurrence (Araujo, Norris & Sim, "Computing Receptive Fields of
Convolutional Neural Networks", Distill 2019), per spatial axis::

    size_out = size_in + (kernel - 1) * dilation * jump_in
    jump_out = jump_in * stride
    offset_out = offset_in + ((kernel - 1) * dilation / 2 - pad_before) * jump_in

``offset`` is the centre of position 0's field in input pixels (pixel centres at
integers): position i's field is centred at ``offset + i * jump``.

- Convolutions (plain, depthwise, separable; 1-D to 3-D) and pooling windows use their
  kernel (``pool_size``), strides, dilation and padding: ``valid`` pads nothing,
  ``causal`` pads (kernel - 1) * dilation before, ``same`` pads as TensorFlow does
  (the total ``max((ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)``, the smaller half
  before; ``n``, the input's size, taken as a multiple of the stride when unknown).
  ZeroPadding moves the offset back by its padding, Cropping forward by its crop.
- Merges (Add, Concatenate, Multiply...) take the union of their inputs' fields (the
  smallest box holding every branch's); where a global branch joins local maps
  (squeeze-and-excitation's Multiply) the local field is kept and marked
  ``global_context``: each position then depends on the whole input too.
- Layers that keep the spatial size (BatchNorm, activations, a Dense on each position,
  LayerNorm, Rescaling...) keep their input's field; UpSampling divides the jump (output
  i sits at input position (i + 0.5) / factor - 0.5), a transposed convolution divides it
  by its stride and grows the size by its kernel (its offset as with ``valid`` padding).
- A nested model's own row takes the field of its last inner row (its output).
- A layer whose output has no spatial axes left (Flatten, global pooling, a Dense after
  them) sees the whole input (``WHOLE_INPUT``); any other layer that changes the spatial
  size in a way not listed (Reshape, Resizing, custom layers) has an unknown field (None).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Mapping, Sequence

from actviz_tui.core.model.graph import LayerInfo


@dataclass(frozen=True)
class ReceptiveField:
    size: tuple[float, ...]  # input pixels seen along each spatial axis (H, W)
    jump: tuple[float, ...]  # input pixels between two neighbouring positions (the effective stride)
    offset: tuple[float, ...] = ()  # the centre of position 0's field, in input pixels (pixel centres at integers)
    whole: bool = False  # the layer sees the whole input (no spatial axes left)
    global_context: bool = False  # a global branch joined (squeeze-and-excitation): each position sees all too

    def describe(self) -> str:
        """``RF 212 px, jump 32``; ``RF 7x1 px, jump 2x2``; ``RF: whole input``."""
        if self.whole:
            return "RF: whole input"
        unit = "steps" if len(self.size) == 1 else "px"
        context = " + whole-input context" if self.global_context else ""
        return f"RF {_axes(self.size)} {unit}{context}, jump {_axes(self.jump)}"


    def as_json(self) -> dict | None:
        """``{"size": [h, w], "stride": [sh, sw], "offset": [oh, ow]}``; None for the whole input."""
        if self.whole:
            return None
        return {"size": _numbers(self.size), "stride": _numbers(self.jump), "offset": _numbers(self.offset),
                "global_context": self.global_context}

    def centre(self, position: Sequence[int]) -> tuple[float, ...]:
        """The centre of ``position``'s field in input pixels."""
        return tuple(o + p * j for o, p, j in zip(self.offset, position, self.jump))


WHOLE_INPUT = ReceptiveField((), (), whole=True)

MERGES = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"}


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
        incoming = [ReceptiveField((1,) * rank, (1,) * rank, (0,) * rank)]
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
        return _grown(field, *window, _pad_before(layer, window, _spatial_size(sources[0]) if sources else ()))
    if kind.startswith("UpSampling"):
        return _upsampled(field, _axis_values(layer.size, rank))
    if kind.startswith("ZeroPadding") or kind.startswith("Cropping"):
        return _shifted(field, layer, kind, rank)
    if kind in MERGES or _same_spatial_size(info, sources):
        return field
    return None


def _window(layer, rank: int) -> tuple[tuple, tuple, tuple] | None:
    """(kernel, stride, dilation) of a convolution or a pooling window; None for other layers."""
    kernel = getattr(layer, "kernel_size", None) or getattr(layer, "pool_size", None)
    if kernel is None or getattr(layer, "strides", None) is None:
        return None
    dilation = getattr(layer, "dilation_rate", 1)
    return (_axis_values(kernel, rank), _axis_values(layer.strides, rank), _axis_values(dilation, rank))


def _grown(field: ReceptiveField, kernel, stride, dilation, pad_before) -> ReceptiveField:
    size = tuple(r + (k - 1) * d * j for r, k, d, j in zip(field.size, kernel, dilation, field.jump))
    offset = tuple(o + ((k - 1) * d / 2 - p) * j
                   for o, k, d, p, j in zip(field.offset, kernel, dilation, pad_before, field.jump))
    return replace(field, size=size, jump=tuple(j * s for j, s in zip(field.jump, stride)), offset=offset)


def _pad_before(layer, window, input_size: tuple) -> tuple:
    """The padding before the first position, per axis (TensorFlow's rule for ``same``)."""
    kernel, stride, dilation = window
    padding = str(getattr(layer, "padding", "valid")).lower()
    pads = []
    for axis, (k, s, d) in enumerate(zip(kernel, stride, dilation)):
        span = (k - 1) * d + 1
        if padding == "causal":
            pads.append(span - 1)
        elif padding == "same":
            n = input_size[axis] if axis < len(input_size) and input_size[axis] else None
            total = max(span - s, 0) if n is None else max((math.ceil(n / s) - 1) * s + span - n, 0)
            pads.append(total // 2)
        else:
            pads.append(0)
    return tuple(pads)


def _transposed(field: ReceptiveField, kernel, stride) -> ReceptiveField:
    jump = tuple(j / s for j, s in zip(field.jump, stride))
    offset = tuple(o - (k - 1) / 2 * j for o, k, j in zip(field.offset, kernel, jump))
    size = tuple(r + (k - 1) * j for r, k, j in zip(field.size, kernel, jump))
    return replace(field, size=size, jump=jump, offset=offset)


def _upsampled(field: ReceptiveField, factors) -> ReceptiveField:
    offset = tuple(o + (0.5 / f - 0.5) * j for o, f, j in zip(field.offset, factors, field.jump))
    return replace(field, jump=tuple(j / f for j, f in zip(field.jump, factors)), offset=offset)


def _shifted(field: ReceptiveField, layer, kind: str, rank: int) -> ReceptiveField:
    """ZeroPadding moves position 0 back by its padding before; Cropping forward by its crop."""
    amounts = getattr(layer, "padding", None) if kind.startswith("ZeroPadding") else getattr(layer, "cropping", None)
    before = _before_amounts(amounts, rank)
    sign = -1 if kind.startswith("ZeroPadding") else 1
    return replace(field, offset=tuple(o + sign * b * j for o, b, j in zip(field.offset, before, field.jump)))


def _before_amounts(amounts, rank: int) -> tuple:
    """Keras' padding/cropping: an int, (a, b) per axis, or ((before, after), ...) per axis."""
    if amounts is None:
        return (0,) * rank
    if isinstance(amounts, int):
        return (amounts,) * rank
    values = tuple(amounts)
    if rank == 1:
        return (values[0] if not isinstance(values[0], (tuple, list)) else values[0][0],)
    return tuple(v[0] if isinstance(v, (tuple, list)) else v for v in values)[:rank]


def _largest(fields: list[ReceptiveField | None]) -> ReceptiveField | None:
    if any(field is None for field in fields):
        return None
    known = [field for field in fields if field is not None]
    local = [field for field in known if not field.whole]
    if not local:
        return WHOLE_INPUT
    if len({len(field.size) for field in local}) != 1:
        return None
    low = [min(o - r / 2 for o, r in axis) for axis in zip(*(zip(f.offset, f.size) for f in local))]
    high = [max(o + r / 2 for o, r in axis) for axis in zip(*(zip(f.offset, f.size) for f in local))]
    return ReceptiveField(
        tuple(h - lo for lo, h in zip(low, high)),
        tuple(max(jumps) for jumps in zip(*(field.jump for field in local))),
        tuple((lo + h) / 2 for lo, h in zip(low, high)),
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


def _numbers(values: tuple[float, ...]) -> list:
    return [int(value) if float(value).is_integer() else round(float(value), 4) for value in values]


def _axes(values: tuple[float, ...]) -> str:
    texts = [f"{value:.3g}" if value != int(value) else str(int(value)) for value in values]
    return texts[0] if len(set(texts)) == 1 else "x".join(texts)
