"""The explorer's comparison (``actviz MODEL IMAGE --compare OTHER``): A is what the explorer
shows, B the other side, layer by layer.

``OtherSide.open`` reads OTHER once: a model file is a second checkpoint, opened with A's
options, its architecture checked against A's (``matched_rows``: ActvizError naming the first
mismatch); anything else is a second input through A's model (read now, so that an
unreadable one is said at once). ``OtherSide.pair(a)`` pairs A's results with B's: the same
image through the second checkpoint (so B follows A's image), or the second input (B stays it).
A ``ComparedPair`` answers each side's activation and each layer's divergence, cached."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actviz_tui.core.compare.comparison import (
    Comparison, LayerDivergence, compared_rows, layer_divergence, matched_rows,
)
from actviz_tui.core.compare.files import is_model_file
from actviz_tui.core.compare.metrics import SAME, relative_l2
from actviz_tui.core.session.image_results import ImageResults
from actviz_tui.core.session.model_session import ModelSession

CHECKPOINT, IMAGE = "checkpoint", "image"


@dataclass(frozen=True)
class ComparedLayer:
    """One layer of both sides: A's and B's activations (no batch axis, channels last) and their
    divergence (None for rows not compared: the input, a nested model's own row)."""

    row: int
    a: np.ndarray
    b: np.ndarray
    divergence: LayerDivergence | None

    @property
    def difference(self) -> np.ndarray:
        return self.b - self.a

    def channel_change(self, channel: int) -> float:
        """The channel's own relative L2, ||B_c - A_c|| / ||A_c|| (inf where A_c is 0 and B_c is not)."""
        if self.a.ndim == 0:
            return relative_l2(self.a, self.b)
        return relative_l2(self.a[..., channel], self.b[..., channel])


class OtherSide:
    """B's side, opened once: a second checkpoint (its own session) or a second input (A's session)."""

    def __init__(self, path: Path, kind: str, session: ModelSession, rows: list[int]):
        self.path = path
        self.kind = kind
        self.session = session
        self.rows = tuple(rows)

    @classmethod
    def open(cls, session_a: ModelSession, path: str | Path) -> "OtherSide":
        path = Path(path)
        if is_model_file(path):
            session_b = ModelSession.open(path, session_a.model.options)
            return cls(path, CHECKPOINT, session_b, matched_rows(session_a.model, session_b.model))
        session_a.image(path)  # ImageLoadError now, not at the first pairing
        return cls(path, IMAGE, session_a, compared_rows(session_a.model))

    def pair(self, a: ImageResults) -> "ComparedPair":
        """A's results with B's: the same input through the second checkpoint, or the second input."""
        if a.key is None:
            raise ValueError("pair an image's results, not the session's no_image")
        b = self.session.image(a.key if self.kind == CHECKPOINT else self.path)
        return ComparedPair(a, b, self)


class ComparedPair:
    def __init__(self, a: ImageResults, b: ImageResults, other: OtherSide):
        self.a, self.b, self.other = a, b, other
        self.rows = other.rows
        self._divergences: dict[int, LayerDivergence] = {}
        self._lock = threading.Lock()

    @property
    def kind(self) -> str:
        return self.other.kind

    @property
    def a_name(self) -> str:
        """A's heading: its model file (two checkpoints) or its input file (two inputs)."""
        a = self.a.model_path if self.kind == CHECKPOINT else self.a.image_path
        return _shown_name(a, self.other.path)

    @property
    def b_name(self) -> str:
        a = self.a.model_path if self.kind == CHECKPOINT else self.a.image_path
        return _shown_name(self.other.path, a)

    def a_activation(self, row: int) -> np.ndarray:
        return self.a.activation(row)

    def b_activation(self, row: int) -> np.ndarray:
        return self.b.activation(row)

    def layer(self, row: int) -> ComparedLayer:
        a, b = self.a_activation(row), self.b_activation(row)
        return ComparedLayer(row, a, b, self.divergence(row))

    def divergence(self, row: int) -> LayerDivergence | None:
        """The row's metrics (computed once); None for a row not compared."""
        if row not in self.rows:
            return None
        with self._lock:
            known = self._divergences.get(row)
        if known is None:
            known = layer_divergence(self.a.layers[row].name, self.a_activation(row), self.b_activation(row))
            with self._lock:
                self._divergences[row] = known
        return known

    def divergences(self) -> dict[int, LayerDivergence]:
        """Every compared row's metrics, each side's missing activations in one graph pass."""
        missing = [row for row in self.rows if row not in self._divergences]
        if missing:
            first, second = self.a.activations(missing), self.b.activations(missing)
            found = {row: layer_divergence(self.a.layers[row].name, first[row], second[row]) for row in missing}
            with self._lock:
                self._divergences.update(found)
        return {row: self._divergences[row] for row in self.rows}

    def comparison(self) -> Comparison:
        """As ``compare_checkpoints`` / ``compare_images`` report it."""
        return Comparison(list(self.divergences().values()))

    def first_divergent_row(self) -> int | None:
        """The first row whose relative L2 exceeds ``SAME`` (``Comparison.first_divergent``'s rule)."""
        return next((row for row, layer in self.divergences().items() if layer.relative_l2 > SAME), None)


def _shown_name(path: Path | None, other: Path | None) -> str:
    """The file's name; its path as given when the other side's file has the same name."""
    if path is None:
        return "?"
    return str(path) if other is not None and other.name == path.name else path.name
