"""What the model predicted for an image: the top classes per output, and the label files.

For the views and the CLI:

- ``top_classes(scores, output, kind, labels, top=5) -> OutputPrediction``: an
  output's ``top`` entries sorted by score (highest first); ``class_scores``
  turns one image's output into one score per class (a fully convolutional
  output: each class channel's mean over positions). ``Model.predictions`` runs them.
- ``OutputPrediction.kind``: "softmax" (a softmax output: class probabilities),
  "sigmoid" (independent probabilities; one unit: classes 1 (p) and 0 (1 - p),
  see ``class_names``) or
  "values" (a linear output: regression values or raw logits); ``low`` and
  ``high``: the finite range of all its class scores (not only the top ones).
- ``head_activation(model, output=0)``: the output layer and the name of its
  final activation, found inside nested models too (the class heatmaps use it
  to take the class score before that activation).
- ``load_labels(path) -> dict[int, str]``: one name per line, a JSON list, or a
  JSON object index -> name. ``unit_labels(labels, units)``: the one lookup of
  an output's names (predictions, class heatmaps, the explorer's bars): the
  loaded labels, else, for 1000 units, the ImageNet-1k class names shipped in
  ``actviz_tui/data/imagenet_classes.txt``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from actviz_tui.core.errors import ActvizError

TOP = 5
IMAGENET_CLASSES = 1000
KINDS = {"softmax": "softmax", "sigmoid": "sigmoid"}  # any other final activation: "values"


class LabelsError(ActvizError):
    """The --labels file is missing or not one of the accepted forms."""


@dataclass(frozen=True)
class ScoredClass:
    index: int
    label: str | None
    score: float

    def as_dict(self) -> dict:
        return {"index": self.index, "label": self.label, "score": self.score}


@dataclass(frozen=True)
class OutputPrediction:
    output: str  # the output layer's name
    kind: str  # "softmax" | "sigmoid" | "values"
    top: tuple[ScoredClass, ...]
    units: int  # the output's size
    low: float = 0.0  # the lowest and highest finite score over all units (what a bar of "values" spans)
    high: float = 0.0

    def as_dict(self) -> dict:
        return {"output": self.output, "kind": self.kind, "top": [entry.as_dict() for entry in self.top]}

    def describe(self) -> str:
        """One line: ``dense_1 (sigmoid): #0 0.9998`` or the top classes with labels."""
        parts = [f"{entry.label or '#' + str(entry.index)} {entry.score:.4g}" for entry in self.top]
        return f"{self.output} ({self.kind}): " + ", ".join(parts)


def class_scores(values: np.ndarray, channels_first: bool = False) -> np.ndarray:
    """One image's output as one score per class: flattened, or for a fully convolutional
    output (maps of classes) each class channel's mean over the positions."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim < 2:
        return values.ravel()
    if channels_first:
        values = np.moveaxis(values, 0, -1)
    return values.reshape(-1, values.shape[-1]).mean(axis=0)


def top_classes(values: np.ndarray, output: str, kind: str, labels, top: int = TOP,
                units: int | None = None) -> OutputPrediction:
    """``values``: one score per class; ``units``: the output's size, when not one unit per class."""
    order = np.argsort(-values, kind="stable")[:top]
    entries = tuple(
        ScoredClass(int(index), (labels or {}).get(int(index)), float(values[index])) for index in order
    )
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    return OutputPrediction(output, kind, entries, int(values.size if units is None else units), low, high)


def output_kind(activation: str | None) -> str:
    return KINDS.get(activation or "", "values")


def head_activation(model, output: int = 0):
    """(layer, activation name) of the layer that produces model output ``output``.

    The activation is "softmax", "sigmoid", "linear", ... or None when the layer
    has none. A nested model as the last layer is looked into.
    """
    layer = _output_layer(model, output)
    while _is_model(layer):
        layer = _output_layer(layer, 0)
    return layer, activation_name(layer)


def activation_name(layer) -> str | None:
    import keras

    if isinstance(layer, keras.layers.Softmax):
        return "softmax"
    function = getattr(layer, "activation", None)
    if function is None:
        return None
    if isinstance(function, str):
        return function
    return getattr(function, "__name__", None)


def _output_layer(model, output: int):
    tensors = list(model.outputs or [])
    if not tensors:
        return model.layers[-1]
    history = getattr(tensors[min(output, len(tensors) - 1)], "_keras_history", None)
    return history.operation if history is not None else model.layers[-1]


def _is_model(layer) -> bool:
    import keras

    return isinstance(layer, keras.Model)


def unit_labels(labels: dict[int, str] | None, units: int) -> dict[int, str] | None:
    """Names of an output's ``units``: ``labels`` (from --labels), else ImageNet's for 1000 units, else None."""
    return labels or default_labels(units)


def default_labels(units: int) -> dict[int, str] | None:
    return imagenet_labels() if units == IMAGENET_CLASSES else None


@lru_cache(maxsize=1)
def imagenet_labels() -> dict[int, str]:
    text = resources.files("actviz_tui").joinpath("data").joinpath("imagenet_classes.txt").read_text("utf-8")
    return dict(enumerate(text.splitlines()))


def load_labels(path: str | Path) -> dict[int, str]:
    """Class names from a file: one per line, a JSON list, or a JSON object index -> name."""
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LabelsError(f"cannot read labels file {path}: {getattr(error, 'strerror', None) or error}") from None
    stripped = text.strip()
    if stripped[:1] in ("[", "{"):
        return _json_labels(stripped, path)
    return {i: line.strip() for i, line in enumerate(text.splitlines()) if line.strip()}


def _json_labels(text: str, path: Path) -> dict[int, str]:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise LabelsError(f"labels file {path} is not valid JSON: {error}") from None
    if isinstance(data, list):
        return {i: _label_text(name) for i, name in enumerate(data)}
    try:
        return {int(key): _label_text(name) for key, name in data.items()}
    except ValueError:
        raise LabelsError(f"labels file {path}: JSON object keys must be class indices (0, 1, ...)") from None


def _label_text(value) -> str:
    """A name, or the last string of a list (Keras' ``{"0": ["n01440764", "tench"]}``)."""
    if isinstance(value, list) and value:
        value = value[-1]
    return str(value)
