"""Each channel's part in a class's decision at one layer: Grad-CAM weight x activation.

``channel_contributions(model, x, layer, class_index, output)`` runs Grad-CAM's
own forward and backward pass (``explainer.score_graph``, ``gradients.forward_backward``:
the same score graph, classes, layouts and backends as the class heatmaps) and
returns, per image, each channel's Grad-CAM weight w_c (the class score's
gradient averaged over the positions, ``methods.gradcam.channel_weights``) and
its contribution w_c * sum over positions of A_c, i.e. positions x w_c x mean(A_c):
the channel's term in the first-order (linear) approximation of the class score.
For a Dense head on a global average pooling, w_c = kernel[c, class] / positions,
and the contributions plus the bias are the logit exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actviz_tui.core.errors import CamLayerError, GradientError, NotAnImageModelError
from actviz_tui.core.explain.explainer import _checked, _class_labels, _classes, _wanted_classes, score_graph
from actviz_tui.core.explain.gradients import forward_backward
from actviz_tui.core.explain.methods.gradcam import channel_weights
from actviz_tui.core.explain.pictures import channels_last
from actviz_tui.core.explain.targets import cam_layers, has_spatial_maps


@dataclass(frozen=True)
class ChannelContributions:
    """One image's channels at one layer, for one class."""

    layer: str
    layer_row: int
    class_index: int
    label: str | None
    score: float  # the class score (the logit, before a final softmax/sigmoid)
    weights: np.ndarray  # (C,) Grad-CAM weights
    means: np.ndarray  # (C,) each channel's mean activation
    positions: int  # spatial positions of a map (h x w)

    @property
    def contributions(self) -> np.ndarray:
        """(C,) positions x weight x mean: the channel's term in the class score's linear approximation."""
        return self.positions * self.weights * self.means

    @property
    def shares(self) -> np.ndarray:
        """(C,) each contribution over the sum of their magnitudes (signed; NaN when all are zero)."""
        values = self.contributions
        total = np.nansum(np.abs(values))
        return values / total if total > 0 else np.full_like(values, np.nan)


def channel_contributions(model, x, layer, class_index=None, output: int = 0) -> list[ChannelContributions]:
    """Per image of ``x``: its channels' Grad-CAM weights and contributions at ``layer`` (a row,
    name or path) for ``class_index`` (None: each image's top class); see the module's docstring."""
    if model.image_input_index is None:
        raise NotAnImageModelError(f"model {model.name}: Grad-CAM weights need an image input")
    row = model.find_layer(layer)
    info = model.layers[row]
    if not has_spatial_maps(info):
        rows = cam_layers(model)
        hint = f"; try {model.layers[rows[-1]].name}" if rows else ""
        raise CamLayerError(f"layer {info.name} has no spatial maps: no Grad-CAM weights to rank its channels "
                            f"by their part in the decision{hint}")
    inputs = [np.asarray(array, dtype=np.float32) for array in model.feed(x)]
    graph = score_graph(model, row, output)
    wanted = _wanted_classes(class_index, len(inputs[0]))
    picked: dict = {}

    def seed_for(raw):
        picked["classes"] = _classes(wanted, graph.scores.scores(raw))
        return graph.scores.seed(raw.shape, picked["classes"])

    maps, raw, gradient = forward_backward(graph, inputs, seed_for)
    if gradient is None:
        raise GradientError(f"the class score has no gradient at layer {info.name} (it does not depend on it)")
    maps = channels_last(np.asarray(maps, dtype=np.float64), info.channels_first)
    gradient = _checked(channels_last(gradient, info.channels_first), info.name, True)
    classes = picked["classes"]
    scores = graph.scores.scores(raw)
    labels = _class_labels(model, output, scores.shape[1])
    weights = channel_weights(gradient)
    means = np.nanmean(maps.reshape(len(maps), -1, maps.shape[-1]), axis=1)
    positions = int(np.prod(maps.shape[1:-1]))
    return [
        ChannelContributions(info.name, row, int(k), labels.get(int(k)), float(scores[i, k]), weights[i], means[i],
                             positions)
        for i, k in enumerate(classes)
    ]
