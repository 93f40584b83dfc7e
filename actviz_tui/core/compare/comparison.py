"""Two runs compared layer by layer: one image through two checkpoints of one architecture
(``compare_checkpoints``), or two images through one model (``compare_images``).

Layers are matched by name; two checkpoints must list the same layers, in the same order,
of the same types and shapes, else the first mismatch is named. Each layer gets the
``metrics``; the first divergent layer is the first whose relative L2 exceeds ``SAME``.
The model's input rows and nested models' own rows (their last inner row's output) are
left out."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from actviz_tui.core.compare.metrics import SAME, cosine, linear_cka, relative_l2, top_channels
from actviz_tui.core.errors import ActvizError

TOP_CHANNELS = 5


@dataclass(frozen=True)
class LayerDivergence:
    name: str
    relative_l2: float
    cosine: float | None
    cka: float | None
    top_channels: list[int] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"name": self.name, "relative_l2": _finite(self.relative_l2), "cosine": self.cosine, "cka": self.cka,
                "top_channels": self.top_channels}


@dataclass(frozen=True)
class Comparison:
    layers: list[LayerDivergence]

    @property
    def first_divergent(self) -> str | None:
        return next((layer.name for layer in self.layers if layer.relative_l2 > SAME), None)

    def as_json(self) -> dict:
        return {"layers": [layer.as_json() for layer in self.layers], "first_divergent": self.first_divergent}


def compare_checkpoints(model_a, model_b, x) -> Comparison:
    """The image batch ``x`` (one image) through both models, layer by layer:
    ``av.compare_checkpoints(av.load(a), av.load(b), x)``; ActvizError naming the first
    layer where the architectures differ."""
    rows = matched_rows(model_a, model_b)
    return _compared(model_a, model_a.activations_by_row(x, rows), model_b.activations_by_row(x, rows), rows)


def compare_images(model, x_a, x_b) -> Comparison:
    """Two one-image batches through one model, layer by layer:
    ``av.compare_images(model, model.prepare(["a.png"]), model.prepare(["b.png"]))``."""
    rows = compared_rows(model)
    return _compared(model, model.activations_by_row(x_a, rows), model.activations_by_row(x_b, rows), rows)


def compared_rows(model) -> list[int]:
    return [info.index for info in model.layers if info.type != "InputLayer" and not info.is_model]


def matched_rows(model_a, model_b) -> list[int]:
    """The rows both checkpoints share; ActvizError naming the first place they differ.
    Input layers match by shape alone: Keras names them anew in a clone (``keras_tensor_77``)."""
    a, b = model_a.layers, model_b.layers
    for info_a, info_b in zip(a, b):
        seen_a = (info_a.name, info_a.type, tuple(info_a.output_shape))
        seen_b = (info_b.name, info_b.type, tuple(info_b.output_shape))
        if seen_a[1:] != seen_b[1:] or (seen_a[0] != seen_b[0] and info_a.type != "InputLayer"):
            raise ActvizError(f"the checkpoints differ in architecture at row {info_a.index}: "
                              f"{_describe(seen_a)} in the first, {_describe(seen_b)} in the second")
    if len(a) != len(b):
        longer, extra = ("first", a[len(b)]) if len(a) > len(b) else ("second", b[len(a)])
        raise ActvizError(f"the checkpoints differ in architecture: the {longer} has more layers, "
                          f"from row {extra.index} ({extra.name})")
    return compared_rows(model_a)


def layer_divergence(name: str, a: np.ndarray, b: np.ndarray) -> LayerDivergence:
    """One layer's metrics for its activations ``a`` and ``b`` (one image each, no batch axis)."""
    a, b = np.asarray(a), np.asarray(b)
    return LayerDivergence(name, relative_l2(a, b), cosine(a, b), linear_cka(a, b), top_channels(a, b, TOP_CHANNELS))


def _compared(model, first: dict, second: dict, rows: list[int]) -> Comparison:
    # first[row][0]: the batch's one image
    return Comparison([layer_divergence(model.layers[row].name, first[row][0], second[row][0]) for row in rows])


def _describe(seen: tuple) -> str:
    name, kind, shape = seen
    return f"{name} ({kind}, {tuple(shape)})"


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None
