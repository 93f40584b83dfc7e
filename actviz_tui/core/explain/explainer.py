"""``explain(model, x, ...)``: class heatmaps of a batch of images, any method.

One forward pass over the batch (and one backward pass for methods with
gradients) gives the target's maps, each image's class and score; the
method's entry (``registry``) turns them into maps; here they are normalised
and brought to the input's resolution. The engine never looks at a method's
name: what to compute comes from the entry's ``target`` and ``gradients``.

Score graphs are built once per (model, target, output) and kept while the
Keras model lives, so every call after the first runs only the model.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np

import actviz_tui.core.explain.methods  # noqa: F401  (registers the methods)
from actviz_tui.core.analysis.class_names import output_classes
from actviz_tui.core.errors import ClassIndexError, GradientError, NotAnImageModelError
from actviz_tui.core.explain.batch_sizes import activation_bytes
from actviz_tui.core.explain.explanation import Explanation
from actviz_tui.core.explain.geometry import cell_geometry
from actviz_tui.core.explain.gradients import forward, forward_backward
from actviz_tui.core.explain.method_input import MethodInput, PerturbedRuns
from actviz_tui.core.explain.pictures import to_pictures
from actviz_tui.core.explain.registry import method_entry
from actviz_tui.core.explain.resize import normalised_each, resize_stack
from actviz_tui.core.explain.score_graph import ScoreGraph, build_score_graph
from actviz_tui.core.explain.targets import MethodChoice, class_error, default_method, resolve_cam_layer

_graphs: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # keras model -> {(row, output): graph}
_graphs_lock = threading.Lock()


def explain(model, x, method=None, classes=None, layer=None, output=0, progress=None, should_stop=None,
            **options) -> Explanation:
    """Class heatmaps of the N images in ``x`` (see ``core.explain``'s docstring)."""
    image_index = model.image_input_index
    if image_index is None:
        raise NotAnImageModelError(f"model {model.name}: a class heatmap needs an image input")
    asked_method = None if method is None else method_entry(method)  # an unknown name fails first
    cam_row: int | None
    if asked_method is None:
        cam_row = resolve_cam_layer(model, layer)
        choice = default_method(model, cam_row)
    else:
        cam_row = resolve_cam_layer(model, layer) if asked_method.target == "layer" else None
        choice = MethodChoice(asked_method.name, "chosen")
    entry = method_entry(choice.method)
    settings = entry.settings(options)
    row = cam_row if entry.target == "layer" else None
    inputs = [np.asarray(array, dtype=np.float32) for array in model.feed(x)]
    image_info = model.inputs[image_index]
    pictures = to_pictures(inputs[image_index], image_info)
    graph = score_graph(model, row, output)
    wanted = _wanted_classes(classes, len(pictures))
    picked: dict = {}

    def seed_for(raw):
        picked["classes"] = _classes(wanted, graph.scores.scores(raw))
        return graph.scores.seed(raw.shape, picked["classes"])

    if entry.gradients:
        maps, raw, gradient = forward_backward(graph, inputs, seed_for)
    else:
        (maps, raw), gradient = forward(graph, inputs), None
        seed_for(raw)
    chosen = picked["classes"]
    target_first = row is not None and model.layers[row].channels_first
    runs = PerturbedRuns(graph, inputs, image_index, image_info, chosen, target_first, progress, should_stop,
                         activation_bytes(model.layers))
    name = model.layers[row].name if row is not None else "input"
    scores = graph.scores.scores(raw)[np.arange(len(chosen)), chosen]
    data = MethodInput(
        pictures, chosen, scores,
        (runs.target_layout(maps) if row is not None else pictures).astype(np.float64),
        None if gradient is None else _checked(runs.target_layout(gradient), name, entry.gradients),
        name, runs,
    )
    if entry.gradients and data.gradients is None:
        raise GradientError(f"the class score has no gradient at layer {name} (it does not depend on it)")
    layer_maps = np.asarray(entry.compute(data, **settings), dtype=np.float64)
    detail = (entry.detail(settings, data) or "") if entry.detail is not None else ""
    height, width = pictures.shape[1:3]
    geometry = cell_geometry(model, row) if row is not None else None
    probabilities = graph.scores.probabilities(raw, graph.activation)
    units = graph.scores.scores(raw).shape[1]
    labels = _class_labels(model, output, units)
    return Explanation(
        entry.name, choice.reason, name, row, output, graph.scores.target, chosen,
        tuple(labels.get(int(index)) for index in chosen), scores,
        None if probabilities is None else probabilities[np.arange(len(chosen)), chosen],
        normalised_each(layer_maps), normalised_each(resize_stack(layer_maps, height, width, geometry)),
        _notes(graph, data, layer_maps, name), detail,
    )


def _class_labels(model, output: int, units: int) -> dict[int, str]:
    """Class names: a binary sigmoid's two (``class_names.output_classes``), else the units'."""
    names = output_classes(model.keras_model, model.labels, output).names
    return names or model.unit_labels(units) or {}


def score_graph(model, row: int | None, output: int) -> ScoreGraph:
    """The score graph of (row, output), built on first use and kept with the Keras model."""
    with _graphs_lock:
        graphs = _graphs.setdefault(model.keras_model, {})
        key = (row, output)
        if key not in graphs:
            graphs[key] = build_score_graph(model, row, output)
        return graphs[key]


def _wanted_classes(classes, count: int) -> np.ndarray | None:
    """None (each image's top class) or (N,) ints from an int or a sequence of N ints."""
    if classes is None:
        return None
    wanted = np.asarray(classes)
    if wanted.ndim == 0:
        wanted = np.full(count, int(wanted))
    if wanted.shape != (count,) or not np.issubdtype(wanted.dtype, np.integer):
        raise ClassIndexError(f"classes: one int, or one per image ({count}), not {classes!r}")
    return wanted.astype(int)


def _classes(wanted: np.ndarray | None, scores: np.ndarray) -> np.ndarray:
    if wanted is None:
        return np.argmax(scores, axis=1)
    units = scores.shape[1]
    for index in wanted:
        if not 0 <= index < units:
            raise ClassIndexError(class_error(int(index), units))
    return wanted


def _checked(gradients: np.ndarray, name: str, needed: bool) -> np.ndarray:
    if needed and not np.all(np.isfinite(gradients)):
        raise GradientError(f"the class score's gradient at layer {name} is NaN or infinite")
    return gradients.astype(np.float64)


def _notes(graph: ScoreGraph, data: MethodInput, layer_maps: np.ndarray, name: str) -> tuple:
    """Per image: "" or why its heatmap may mislead (blank, or scores that are not logits)."""
    notes = []
    for i in range(len(data.classes)):
        found = [graph.note] if graph.note else []
        if data.gradients is not None and not np.any(data.gradients[i]):
            found.append(f"all gradients are zero at layer {name}: the heatmap is blank")
        elif not np.any(np.nan_to_num(layer_maps[i]) > 0):
            found.append(f"nothing at layer {name} speaks for the class (the map is zero after the ReLU): "
                         "the heatmap is blank")
        notes.append("; ".join(found))
    return tuple(notes)
