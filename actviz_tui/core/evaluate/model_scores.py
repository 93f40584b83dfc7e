"""Deletion and insertion for an engine ``Model``: the masked copies of each image go through
the model in batches, and the curve is the class's probability from the head, as
``explain`` reports it (a one-unit sigmoid: class 1 is p, class 0 is 1 - p; a
fully convolutional output: the class channel's mean; a linear head: its raw value).
Batches run compiled (``gradients.forward_outputs``)."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.errors import NotAnImageModelError
from actviz_tui.core.evaluate.causal import CausalCurves, causal_curves
from actviz_tui.core.explain.explainer import score_graph
from actviz_tui.core.explain.gradients import forward_outputs
from actviz_tui.core.explain.pictures import to_model_layout, to_pictures


def class_scorer(model, x, classes, output: int = 0):
    """(pictures (N, H, W, C), score): ``score(batch, owners)`` gives, for each picture of a
    (M, H, W, C) batch, the probability of its owner image's class (``owners``: (M,))."""
    image_index = model.image_input_index
    if image_index is None:
        raise NotAnImageModelError(f"model {model.name}: deletion and insertion need an image input")
    info = model.inputs[image_index]
    feed = [np.asarray(array, dtype=np.float32) for array in model.feed(x)]
    pictures = to_pictures(feed[image_index], info)
    graph = score_graph(model, None, output)
    wanted = np.broadcast_to(np.asarray(classes, dtype=np.int64), (len(pictures),))

    def score(batch: np.ndarray, owners: np.ndarray) -> np.ndarray:
        inputs = [array[owners] for array in feed]  # the other inputs as each image had them
        inputs[image_index] = to_model_layout(batch, info)
        raw = forward_outputs(graph, inputs)
        values = graph.scores.probabilities(raw, graph.activation)
        score.probabilities = values is not None  # type: ignore[attr-defined]
        if values is None:
            values = graph.scores.scores(raw)
        return values[np.arange(len(batch)), wanted[owners]]

    score.probabilities = None  # type: ignore[attr-defined]  # known after the first call: softmax/sigmoid or raw
    return pictures, score


def model_causal_curves(model, x, heatmaps: np.ndarray, classes, steps: int = 20, baseline: str = "zero",
                        output: int = 0, batch_size: int = 64, progress=None) -> CausalCurves:
    """Curves for the N images of ``x`` (as ``Model.prepare`` gives them), each with its
    heatmap (N, H, W) at the input's resolution and its class (N,)."""
    pictures, score = class_scorer(model, x, classes, output)
    return causal_curves(score, pictures, heatmaps, steps, baseline, batch_size, progress)
