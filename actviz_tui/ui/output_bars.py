"""Bars of a model output: probabilities on [0, 1], other values on their own range with 0 marked.

One scale for a whole output, so a bar's length reads as its value: a softmax
unit at 0.001 draws (almost) nothing, never a full bar stretched to the top
unit; a logit of -2 reaches left of the zero axis as far as +2 reaches right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.text import Text

PROBABILITY_KINDS = frozenset({"softmax", "sigmoid"})  # predictions.output_kind's probabilities
FILL, TRACK, AXIS = "█", "·", "│"
TRACK_STYLE, AXIS_STYLE = "grey42", "bold"


@dataclass(frozen=True)
class BarScale:
    low: float
    high: float
    probabilities: bool

    @classmethod
    def for_output(cls, kind: str, low: float, high: float) -> "BarScale":
        """Probabilities span [0, 1]; anything else spans [low, high] widened to take in 0."""
        if kind in PROBABILITY_KINDS:
            return cls(0.0, 1.0, True)
        return cls(min(0.0, low), max(0.0, high), False)

    @classmethod
    def of_values(cls, kind: str, values: np.ndarray) -> "BarScale":
        finite = np.asarray(values, dtype=np.float64)
        finite = finite[np.isfinite(finite)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        return cls.for_output(kind, low, high)

    def describe(self) -> str:
        if self.probabilities:
            return "bars: probability on [0, 1]"
        return f"bars: value on [{self.low:.4g}, {self.high:.4g}], {AXIS} = 0"

    def parts(self, value: float, cells: int) -> list[tuple[str, str]]:
        """The bar of ``value`` in ``cells`` characters, as (text, role) pieces; roles:
        "bar", "negative", "track" (the rest of [0, 1]), "axis" (zero), "gap"."""
        if self.probabilities:
            filled = 0 if not np.isfinite(value) else round(cells * min(max(value, 0.0), 1.0))
            return [(FILL * filled, "bar"), (TRACK * (cells - filled), "track")]
        span = self.high - self.low
        left = round((cells - 1) * -self.low / span) if span > 0 else 0
        right = cells - 1 - left
        negative = round(left * value / self.low) if value < 0 and self.low < 0 else 0
        positive = round(right * value / self.high) if value > 0 and self.high > 0 else 0
        return [
            (" " * (left - negative), "gap"), (FILL * negative, "negative"), (AXIS, "axis"),
            (FILL * positive, "bar"), (" " * (right - positive), "gap"),
        ]

    def append_bar(self, text: Text, value: float, cells: int, colour: str, negative_colour: str = "red") -> None:
        """Append the bar of ``value`` to ``text``: ``colour`` above 0, ``negative_colour`` below."""
        styles = {"bar": colour, "negative": negative_colour, "track": TRACK_STYLE, "axis": AXIS_STYLE, "gap": ""}
        for piece, role in self.parts(value, cells):
            if piece:
                text.append(piece, style=styles[role])
