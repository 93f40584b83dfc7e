"""Class heatmaps on the input: where the image made the model pick a class.

Methods (``METHODS``: name -> (title, uses gradients)): "gradcam", "gradcam++",
"hirescam" (gradients of the class score w.r.t. a layer's maps, from the
backend's autodiff), "scorecam" and "occlusion" (batched forward passes over
masked inputs, with progress). The class score is the logit: taken before the
model's final softmax/sigmoid (see ``score_graph``). Works on Sequential,
functional, nested (a base model inside a model) and multi-input models.

For the views, the exporter and the CLI:

    from actviz_tui.core.explain import class_heatmap, cam_layers, default_cam_layer

    result = class_heatmap(session, method=None, class_index=None, layer=None,
                           output=0, progress=None, should_stop=None)
    result.heatmap      # (H, W) float32 in [0, 1] at the model input's resolution
    result.layer_map    # (h, w) in [0, 1] at the layer's resolution
    result.method, result.reason   # the method used and why (the default is explained)
    result.layer_row, result.layer_name, result.class_index, result.label
    result.score        # the class logit; result.probability: the model's output for it
    result.title        # "HiResCAM — max_pooling2d_3 — class 0 p=1.0000 (logit 38.5)"
    result.note         # "" or a warning (all gradients zero: blank heatmap)

- ``method=None``: ``default_method(session, row)`` (HiResCAM for a Flatten +
  Dense head, Grad-CAM for a global-pooling head); ``class_index=None``: the
  top prediction of ``output``; ``layer=None``: ``default_cam_layer(session)``,
  else a name, path or row of ``cam_layers(session)``.
- ``progress(done, total)`` after each batch of masked inputs (Score-CAM,
  occlusion); ``should_stop()`` true raises ``CamCancelled``.
- Errors, one line each (``ActvizError``): ``ClassIndexError`` (class out of
  range), ``CamLayerError`` (a layer without spatial maps), ``GradientError``
  (undefined or NaN gradient), ``LayerLookupError``, ``NotAnImageModelError``.
- Holds ``session.lock`` while it runs the model; call it from a worker.
- ``CAM_COLORMAPS``: the overlay's colormaps (jet, turbo, inferno);
  ``figures.class_heatmap_figure(image, heatmap, title=..., cmap=...)`` draws
  the exported overlay; ``check_class(session, index)`` validates a typed class
  without running the model (``output_units(session)``: how many there are).
"""

from __future__ import annotations

import weakref

from actviz_tui.core.explain.engine import CAM_COLORMAPS, METHODS, ClassHeatmap, ClassHeatmaps
from actviz_tui.core.explain.perturbation import CamCancelled
from actviz_tui.core.explain.targets import (
    MethodChoice,
    cam_layers,
    default_cam_layer,
    default_method,
    check_class,
    head_kind,
    output_units,
    resolve_cam_layer,
)

_engines: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def heatmaps_for(session) -> ClassHeatmaps:
    """The session's ClassHeatmaps (one per session: its score graphs are reused)."""
    engine = _engines.get(session)
    if engine is None:
        engine = _engines[session] = ClassHeatmaps(session)
    return engine


def class_heatmap(session, method=None, class_index=None, layer=None, output=0, progress=None,
                  should_stop=None) -> ClassHeatmap:
    return heatmaps_for(session).compute(method, class_index, layer, output, progress, should_stop)


class _OneImageAdapter:
    """Temporary: the single-image ClassHeatmaps engine driven from a Model, one image at a time."""

    def __init__(self, model):
        import threading

        self._engine = model
        self.keras_model = model.keras_model
        self.layers, self.name, self.labels = model.layers, model.name, model.labels
        self.find_layer, self.image_input_index = model.find_layer, model.image_input_index
        self.lock = threading.RLock()
        self.has_image = True
        self._feed: list = []
        self.probe = self
        self.heatmaps = ClassHeatmaps(self)

    def input_arrays(self):
        return list(self._feed)

    def activation(self, row):
        return self._engine.activations_by_row(self._feed, [row])[row][0]


class _Items:
    def __init__(self, items):
        self.items = items

    def item(self, index):
        return self.items[index]


_adapters: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def explain(model, x, method=None, classes=None, layer=None, output=0, progress=None, should_stop=None, **options):
    """Temporary single-image implementation (the batched registry replaces it)."""
    import numpy as np

    adapter = _adapters.get(model)
    if adapter is None:
        adapter = _adapters[model] = _OneImageAdapter(model)
    feed = model.feed(x)
    items = []
    with adapter.lock:
        for i in range(len(feed[0])):
            adapter._feed = [array[i:i + 1] for array in feed]
            cls = classes if classes is None or np.isscalar(classes) else classes[i]
            items.append(adapter.heatmaps.compute(method, None if cls is None else int(cls), layer, output,
                                                  progress, should_stop))
    return _Items(items)


__all__ = [
    "CAM_COLORMAPS", "METHODS", "CamCancelled", "ClassHeatmap", "ClassHeatmaps", "MethodChoice", "cam_layers",
    "class_heatmap",
    "check_class", "default_cam_layer", "default_method", "head_kind", "output_units", "heatmaps_for",
    "resolve_cam_layer",
]
