"""What ``explain`` returns: ``Explanation`` for a batch, ``ClassHeatmap`` for one image."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actviz_tui.core.explain.class_scores import BINARY_TARGET, UNIT_TARGET
from actviz_tui.core.explain.registry import METHODS

PLAIN_TARGETS = (UNIT_TARGET, BINARY_TARGET)  # the title's class, label and p say it all


@dataclass(frozen=True)
class ClassHeatmap:
    """One image's class heatmap (what the explorer's view and the export draw)."""

    method: str  # a key of METHODS
    reason: str  # why this method (the default's reason, or "chosen")
    layer_row: int | None  # None for methods on the input (occlusion)
    layer_name: str  # "input" for methods on the input
    output: int  # which model output
    class_index: int
    label: str | None
    score: float  # the class score before the final softmax/sigmoid (logit)
    probability: float | None  # the model's output for the class, None for a linear head
    layer_map: np.ndarray  # (h, w) in [0, 1], at the layer's resolution (input methods: the input's)
    heatmap: np.ndarray  # (H, W) float32 in [0, 1], at the model input's resolution
    note: str = ""  # e.g. "all gradients are zero at this layer"
    target: str = UNIT_TARGET  # what a class and its score are (class_scores)
    detail: str = ""  # how the method ran, e.g. Score-CAM's "64 of 1024 channels"
    chosen_by: str = ""  # how the method was chosen, before its name in the title: "best of 4 by deletion"

    @property
    def title(self) -> str:
        what = f"class {self.class_index}" + (f" {self.label}" if self.label else "")
        if self.probability is not None:
            what += f" p={self.probability:.4f} (logit {self.score:.3g})"
        else:
            what += f" score {self.score:.4g}"
        if self.target not in PLAIN_TARGETS:
            what += f" [{self.target}]"
        detail = f" ({self.detail})" if self.detail else ""
        chosen = f"{self.chosen_by}: " if self.chosen_by else ""
        return f"{chosen}{METHODS[self.method].title}{detail} \u2014 {self.layer_name} \u2014 {what}"


@dataclass(frozen=True)
class Explanation:
    """Class heatmaps of a batch of N images, one class each."""

    method: str  # a key of METHODS
    reason: str
    layer: str  # the target layer's name, "input" for methods on the input
    layer_row: int | None
    output: int
    target: str  # what a class and its score are, e.g. "class = output channel, score = its mean over positions"
    classes: np.ndarray  # (N,) int
    labels: tuple  # (N,) str or None
    scores: np.ndarray  # (N,) float64: each image's class score (logit)
    probabilities: np.ndarray | None  # (N,) the model's output for the class; None for a linear head
    layer_maps: np.ndarray  # (N, h, w) float32 in [0, 1]
    heatmaps: np.ndarray  # (N, H, W) float32 in [0, 1], at the input's resolution
    notes: tuple  # (N,) str: "" or a warning per image
    detail: str = ""  # how the method ran (registry.Method.detail), e.g. "64 of 1024 channels"
    chosen_by: str = ""  # how the method was chosen (method="best"): "best of 4 by deletion"

    def __len__(self) -> int:
        return len(self.classes)

    def item(self, i: int) -> ClassHeatmap:
        probability = None if self.probabilities is None else float(self.probabilities[i])
        return ClassHeatmap(
            self.method, self.reason, self.layer_row, self.layer, self.output, int(self.classes[i]),
            self.labels[i], float(self.scores[i]), probability, self.layer_maps[i], self.heatmaps[i],
            self.notes[i], self.target, self.detail, self.chosen_by,
        )
