"""What a class and its score are for a model output, computed in numpy.

- A classifier's output (N, units): a class is a unit, its score the logit
  (the output before the final softmax/sigmoid, see ``score_graph``).
- A fully convolutional output (N, H, W, C), or (N, C, H, W) channels_first:
  a class is an output channel and its score the channel's mean over
  positions, pre-activation (pytorch-grad-cam's SemanticSegmentationTarget
  with the whole image as the mask).
- A one-unit sigmoid output (N, 1), ``binary``: two classes, as in
  ``core.analysis.class_names`` (pytorch-grad-cam's
  BinaryClassifierOutputTarget): class 1 scores the logit z (probability p),
  class 0 scores -z (probability 1 - p = sigmoid(-z)).

The scores are reduced here, outside the model's graph, so the score graph
gains no nodes; the backward pass starts from ``seed``: the derivative of
sum_i score[i, class_i] with respect to the raw output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actviz_tui.core.analysis.class_names import is_binary
from actviz_tui.core.analysis.predictions import output_kind

UNIT_TARGET = "class = output unit, score = its logit (before the final activation)"
CHANNEL_TARGET = "class = output channel, score = its mean over positions (before the final activation)"
BINARY_TARGET = ("class 1 = positive (p), class 0 = negative (1 - p); "
                 "score = the logit z for class 1, -z for class 0")


@dataclass(frozen=True)
class ClassScores:
    rank: int  # of the output, batch axis included
    channels_first: bool = False
    binary: bool = False  # a one-unit sigmoid: classes 0 (-z, 1 - p) and 1 (z, p)

    @classmethod
    def for_shape(cls, shape: tuple, channels_first: bool = False, activation: str | None = None) -> "ClassScores":
        """``shape``: the output's, batch included; (N, 1, 1, C) is a classifier's.
        ``activation``: the head's final one ("sigmoid" on one unit makes it binary)."""
        spatial = shape[2:] if channels_first else shape[1:-1]
        if len(shape) > 2 and not all(dim == 1 for dim in spatial):
            return cls(len(shape), channels_first)
        units = 0 if None in shape[1:] else int(np.prod(shape[1:]))  # 0: not known
        return cls(2, binary=is_binary(output_kind(activation), units))  # one position: a plain classifier

    @property
    def per_position(self) -> bool:
        return self.rank > 2

    @property
    def target(self) -> str:
        if self.binary:
            return BINARY_TARGET
        return CHANNEL_TARGET if self.per_position else UNIT_TARGET

    def _channels_last(self, output: np.ndarray) -> np.ndarray:
        output = np.asarray(output, dtype=np.float64)
        if self.rank <= 2:
            return output.reshape(len(output), -1)
        return np.moveaxis(output, 1, -1) if self.channels_first else output

    def scores(self, output: np.ndarray) -> np.ndarray:
        """(N, units): each class's score (binary: (N, 2), -z and z)."""
        stacked = self._channels_last(output)
        if self.binary:
            return np.concatenate([-stacked, stacked], axis=1)
        return stacked.reshape(len(stacked), -1, stacked.shape[-1]).mean(axis=1)

    def probabilities(self, output: np.ndarray, activation: str | None) -> np.ndarray | None:
        """(N, units): the model's own output for each class (averaged over positions), None
        for a head without softmax/sigmoid (binary: (N, 2), 1 - p and p)."""
        stacked = self._channels_last(output)
        if self.binary and activation == "sigmoid":
            positive = 1.0 / (1.0 + np.exp(-stacked))
            return np.concatenate([1.0 - positive, positive], axis=1)
        if activation == "sigmoid":
            squashed = 1.0 / (1.0 + np.exp(-stacked))
        elif activation == "softmax":
            shifted = np.exp(stacked - stacked.max(axis=-1, keepdims=True))
            squashed = shifted / shifted.sum(axis=-1, keepdims=True)
        else:
            return None
        return squashed.reshape(len(squashed), -1, squashed.shape[-1]).mean(axis=1)

    def seed(self, shape: tuple, classes: np.ndarray) -> np.ndarray:
        """d(sum_i score[i, classes[i]]) / d output, shaped like the raw output."""
        seed = np.zeros(shape, dtype=np.float32)
        samples = np.arange(len(classes))
        if self.binary:  # d(-z)/dz for class 0, dz/dz for class 1, on the one unit
            seed.reshape(len(classes), -1)[samples, 0] = np.where(np.asarray(classes) == 1, 1.0, -1.0)
            return seed
        if self.rank <= 2:
            seed.reshape(len(classes), -1)[samples, classes] = 1.0
            return seed
        view = np.moveaxis(seed, 1, -1) if self.channels_first else seed  # a view: writes go to seed
        positions = int(np.prod(view.shape[1:-1]))
        view[samples, ..., classes] = 1.0 / positions
        return seed
