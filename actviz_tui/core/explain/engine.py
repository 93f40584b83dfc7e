"""``ClassHeatmaps(session).compute(...)``: one class heatmap of the current image.

Score graphs are built once per (layer, output) and kept, so every call after
the first runs only the model and its gradient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actviz_tui.core.pictures.colormap import OVERLAY_COLORMAPS

from actviz_tui.core.explain import gradient_methods, perturbation
from actviz_tui.core.explain.geometry import cell_geometry
from actviz_tui.core.explain.gradients import maps_and_gradients
from actviz_tui.core.explain.resize import normalised, resize_bilinear
from actviz_tui.core.explain.score_graph import ScoreGraph, build_score_graph
from actviz_tui.core.explain.targets import (
    MethodChoice,
    check_class,
    class_error,
    default_method,
    resolve_cam_layer,
)
from actviz_tui.core.errors import ActvizError, ClassIndexError, GradientError, NotAnImageModelError
from actviz_tui.core.analysis.class_names import output_classes
from actviz_tui.core.analysis.predictions import unit_labels

# name -> (title, uses gradients)
METHODS = {
    "gradcam": ("Grad-CAM", True),
    "gradcam++": ("Grad-CAM++", True),
    "hirescam": ("HiResCAM", True),
    "scorecam": ("Score-CAM", False),
    "occlusion": ("occlusion", False),
}
CAM_COLORMAPS = OVERLAY_COLORMAPS  # for the overlay (the view cycles them)
GRADIENT_METHODS = {
    "gradcam": gradient_methods.gradcam,
    "gradcam++": gradient_methods.gradcam_plus_plus,
    "hirescam": gradient_methods.hirescam,
}


@dataclass(frozen=True)
class ClassHeatmap:
    method: str  # a key of METHODS
    reason: str  # why this method (the default's reason, or "chosen")
    layer_row: int | None  # None for occlusion (it works on the input)
    layer_name: str  # "input" for occlusion
    output: int  # which model output
    class_index: int
    label: str | None
    score: float  # the class score before the final softmax/sigmoid (logit)
    probability: float | None  # the model's output for the class, None for a linear head
    layer_map: np.ndarray  # (h, w) in [0, 1], at the layer's resolution (occlusion: the input's)
    heatmap: np.ndarray  # (H, W) float32 in [0, 1], at the model input's resolution
    note: str = ""  # e.g. "all gradients are zero at this layer"

    @property
    def title(self) -> str:
        what = f"class {self.class_index}" + (f" {self.label}" if self.label else "")
        if self.probability is not None:
            what += f" p={self.probability:.4f} (logit {self.score:.3g})"
        else:
            what += f" score {self.score:.4g}"
        return f"{METHODS[self.method][0]} \u2014 {self.layer_name} \u2014 {what}"


class ClassHeatmaps:
    """Class heatmaps of one session's current image; holds ``session.lock`` while computing."""

    def __init__(self, session):
        self.session = session
        self._graphs: dict[tuple, ScoreGraph] = {}

    def compute(self, method: str | None = None, class_index: int | None = None, layer=None,
                output: int = 0, progress=None, should_stop=None) -> ClassHeatmap:
        session = self.session
        image_index = session.image_input_index
        if image_index is None or not session.has_image:
            raise NotAnImageModelError(f"model {session.name}: a class heatmap needs an image input and an image")
        row = resolve_cam_layer(session, layer)
        choice = default_method(session, row) if method is None else MethodChoice(method, "chosen")
        if choice.method not in METHODS:
            raise ActvizError(f"unknown class heatmap method {choice.method!r}; one of {', '.join(METHODS)}")
        check_class(session, class_index, output)
        with session.lock:
            inputs = session.probe.input_arrays()
            graph = self.graph(None if choice.method == "occlusion" else row, output)
            if METHODS[choice.method][1]:  # one forward and one backward pass
                layer_map, note, logits, index = self._gradient_map(choice.method, graph, inputs, row, class_index)
            else:
                logits = self._logits(graph, inputs)[0]
                index = self._class_index(class_index, logits)
                layer_map, note = self._perturbation_map(choice.method, graph, inputs, image_index, row, index,
                                                         progress, should_stop)
            probability = self._probability(logits, index, graph.activation)
        height, width = inputs[image_index].shape[1:3]
        occluding = choice.method == "occlusion"
        geometry = None if occluding else cell_geometry(session, row)
        heatmap = normalised(resize_bilinear(layer_map, height, width, geometry))
        return ClassHeatmap(
            choice.method, choice.reason, None if occluding else row,
            "input" if occluding else session.layers[row].name, output, index, self._label(index, logits.size, output),
            float(logits[index]), probability, normalised(layer_map), heatmap, note,
        )

    def graph(self, row: int | None, output: int) -> ScoreGraph:
        key = (row, output)
        if key not in self._graphs:
            self._graphs[key] = build_score_graph(self.session, row, output)
        return self._graphs[key]

    def _perturbation_map(self, method, graph, inputs, image_index, row, class_index, progress, should_stop):
        run_logits = lambda batch: self._logits(graph, batch)  # noqa: E731
        if method == "occlusion":
            return perturbation.occlusion(run_logits, inputs, image_index, class_index,
                                          progress=progress, should_stop=should_stop), ""
        maps = self.session.activation(row)
        return perturbation.score_cam(run_logits, inputs, image_index, maps, class_index,
                                      progress=progress, should_stop=should_stop), ""

    def _gradient_map(self, method, graph, inputs, row, class_index):
        maps, gradients, logits, index = maps_and_gradients(graph, inputs, class_index)
        self._class_index(index, logits)  # a class the static shape could not check
        name = self.session.layers[row].name
        if gradients is None:
            raise GradientError(f"the class score has no gradient at layer {name} (it does not depend on it)")
        if not np.all(np.isfinite(gradients)):
            raise GradientError(f"the class score's gradient at layer {name} is NaN or infinite")
        note = "" if np.any(gradients) else f"all gradients are zero at layer {name}: the heatmap is blank"
        layer_map = GRADIENT_METHODS[method](maps.astype(np.float64), gradients.astype(np.float64))
        return layer_map, note, np.asarray(logits, dtype=np.float64), index

    @staticmethod
    def _logits(graph: ScoreGraph, inputs) -> np.ndarray:
        import keras

        batch = len(inputs[0])
        delta = np.zeros((batch, *graph.maps_shape), dtype=np.float32)
        _, logits = graph.model([*inputs, delta], training=False)
        return np.asarray(keras.ops.convert_to_numpy(logits), dtype=np.float64)

    @staticmethod
    def _class_index(asked: int | None, logits: np.ndarray) -> int:
        if asked is None:
            return int(np.argmax(logits))
        if not 0 <= asked < logits.size:
            raise ClassIndexError(class_error(asked, logits.size))
        return int(asked)

    @staticmethod
    def _probability(logits: np.ndarray, index: int, activation: str | None) -> float | None:
        if activation == "sigmoid":
            return float(1.0 / (1.0 + np.exp(-logits[index])))
        if activation == "softmax":
            shifted = np.exp(logits - logits.max())
            return float(shifted[index] / shifted.sum())
        return None

    def _label(self, index: int, units: int, output: int) -> str | None:
        names = output_classes(self.session.keras_model, self.session.labels, output).names  # binary: 2 classes
        return (names or unit_labels(self.session.labels, units) or {}).get(index)
