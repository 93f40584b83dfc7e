"""Classes of a model output by name: the class list (a binary sigmoid's two classes) and name -> index.

A one-unit sigmoid output gives p = P(class 1); it has two classes, as in Keras'
``class_mode="binary"`` and pytorch-grad-cam's ``BinaryClassifierOutputTarget``:
class 1, the positive one, with probability p, and class 0, the negative one,
with 1 - p (its score for class heatmaps is the negated logit). Their names:
a labels file of two names as they are ("clear", "opacity"); of one name L,
"not L" and L; none, "negative" and "positive".

    classes = output_classes(keras_model, labels)     # OutputClasses(count, names, binary)
    classes.index("opacity")                         # 1; an index as text works too
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from actviz_tui.core.analysis.predictions import head_activation, output_kind, unit_labels
from actviz_tui.core.errors import ClassIndexError

BINARY_NAMES = {0: "negative", 1: "positive"}
CLOSE_MATCHES = 5


@dataclass(frozen=True)
class OutputClasses:
    count: int | None  # how many classes (None: the output's size is not known)
    names: dict[int, str] | None  # index -> name, where known
    binary: bool = False  # a one-unit sigmoid: class 0 = 1 - p, class 1 = p

    def index(self, text: str | int) -> int:
        """The class a user asked for: an index (``"3"``) or a name, case-insensitive.
        ClassIndexError says what is wrong, with the closest names for a misspelling."""
        typed = str(text).strip()
        if typed.lstrip("-").isdigit():
            return self._checked(int(typed))
        by_name = {name.casefold(): index for index, name in sorted((self.names or {}).items(), reverse=True)}
        if typed.casefold() in by_name:
            return by_name[typed.casefold()]
        raise ClassIndexError(self._unknown(typed))

    def _checked(self, index: int) -> int:
        if index < 0:
            raise ClassIndexError(f"no class {index}: classes are numbered from 0")
        if self.count is not None and index >= self.count:
            raise ClassIndexError(f"no class {index}: the output has {self.count} classes (0-{self.count - 1})")
        return index

    def _unknown(self, typed: str) -> str:
        if not self.names:
            return f"no class named {typed!r}: the classes have no names (give --labels FILE), so give an index"
        names = list(dict.fromkeys(self.names.values()))
        close = difflib.get_close_matches(typed, names, n=CLOSE_MATCHES, cutoff=0.6)
        close += [name for name in names if typed.casefold() in name.casefold() and name not in close]
        if close:
            return f"no class named {typed!r}; close: {', '.join(close[:CLOSE_MATCHES])}"
        some = ", ".join(names[:CLOSE_MATCHES]) + (", ..." if len(names) > CLOSE_MATCHES else "")
        return f"no class named {typed!r} among the {len(names)} class names ({some})"


def is_binary(kind: str, units: int) -> bool:
    """A one-unit sigmoid output: one probability for two classes."""
    return kind == "sigmoid" and units == 1


def binary_names(labels: dict[int, str] | None) -> dict[int, str]:
    """Names of a binary output's classes 0 (negative) and 1 (positive)."""
    labels = labels or {}
    if 0 in labels and 1 in labels:
        return {0: labels[0], 1: labels[1]}
    if len(labels) == 1:
        (name,) = labels.values()
        return {0: f"not {name}", 1: name}
    return dict(BINARY_NAMES)


def class_probabilities(scores: np.ndarray, kind: str) -> np.ndarray:
    """One score per class: a binary output's p becomes (1 - p, p); others as they are."""
    scores = np.asarray(scores, dtype=np.float64).ravel()
    if is_binary(kind, scores.size):
        return np.array([1.0 - scores[0], scores[0]])
    return scores


def class_names(labels: dict[int, str] | None, units: int, kind: str) -> dict[int, str] | None:
    """Index -> name of an output's classes (see ``unit_labels`` for outputs that are not binary)."""
    return binary_names(labels) if is_binary(kind, units) else unit_labels(labels, units)


def output_classes(keras_model, labels: dict[int, str] | None, output: int = 0) -> OutputClasses:
    """The classes of model output ``output``, read from the model (no computation)."""
    units = _output_units(keras_model, output)
    _layer, activation = head_activation(keras_model, output)
    kind = output_kind(activation)
    if units is None:
        return OutputClasses(None, labels or None)
    binary = is_binary(kind, units)
    return OutputClasses(2 if binary else units, class_names(labels, units, kind), binary)


def _output_units(keras_model, output: int) -> int | None:
    """A flat output's size; None for maps of classes (segmentation) or an unknown size."""
    tensors = list(keras_model.outputs or [])
    if not tensors:
        return None
    shape = tuple(tensors[min(output, len(tensors) - 1)].shape[1:])
    return int(shape[0]) if len(shape) == 1 and shape[0] is not None else None
