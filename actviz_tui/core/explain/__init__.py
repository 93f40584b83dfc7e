"""Class heatmaps on the input: where each image made the model pick a class.

Methods (``METHODS``: name -> ``registry.Method``, one module each under
``methods/``): "gradcam", "gradcam++", "hirescam" (gradients of the class
score w.r.t. a layer's maps, from the backend's autodiff), "scorecam" (a
layer's maps as masks) and "occlusion" (on the input). The class score is
the logit, taken before the model's final softmax/sigmoid (see
``score_graph``); for a fully convolutional output a class is an output
channel and its score the channel's mean over positions, and a one-unit
sigmoid has two classes, 1 scored by the logit z (p) and 0 by -z (1 - p)
(``class_scores``).
Works on Sequential, functional, nested, multi-input and channels_first
models, and never modifies the user's model.

    from actviz_tui.core.explain import explain

    result = explain(model, x, method=None, classes=None, layer=None, output=0,
                     progress=None, should_stop=None, **options)
    result.heatmaps     # (N, H, W) float32 in [0, 1] at the image input's resolution
    result.layer_maps   # (N, h, w) in [0, 1] at the layer's resolution
    result.classes, result.labels, result.scores, result.probabilities   # (N,) each
    result.method, result.reason, result.layer, result.layer_row, result.target, result.notes
    result.detail       # how the method ran: Score-CAM's "64 of 1024 channels", occlusion's patch
    result.item(i)      # image i as a ClassHeatmap (.title, .heatmap, .layer_map, .class_index, ...)

- ``model``: the engine's ``Model``; ``x``: (N, ...) images as the image input
  takes them, or one array per model input (``model.feed``).
- ``method=None``: ``default_method(model, row)`` (HiResCAM for a Flatten +
  Dense head, Grad-CAM otherwise); ``classes=None``: each image's top class,
  an int: that class for all, N ints: one each; ``layer=None``:
  ``default_cam_layer(model)``, else a name, path or row of ``cam_layers``.
- ``options``: the method's own (``METHODS[name].options``), e.g. occlusion's
  ``patch``, ``stride``, ``fill``; Score-CAM's ``max_channels`` (default 64:
  Faster Score-CAM, the channels of largest spread; None or 0: every channel).
- ``progress(done, total)``, in perturbed inputs (Score-CAM, occlusion):
  ``(0, total)`` once the forward pass has picked the classes (and Score-CAM
  its channels), then after each batch (about 2 s of work each, see
  ``batch_sizes``); ``should_stop()`` is asked before every batch, and true
  raises ``CamCancelled``. Methods marked ``expensive`` in the registry
  (Score-CAM, occlusion) run many forward passes per image.
- Errors, one line each (``ActvizError``): ``ClassIndexError``,
  ``CamLayerError`` (a layer without spatial maps), ``GradientError``
  (undefined or NaN gradient), ``LayerLookupError``, ``NotAnImageModelError``.

``class_heatmap(results, ...)`` is the single-image form over one image's
``session.ImageResults``.
``CAM_COLORMAPS``: the overlay's colormaps; ``check_class(model, index)``
validates a typed class without running the model.
"""

from __future__ import annotations

from actviz_tui.core.errors import NotAnImageModelError
from actviz_tui.core.explain.explainer import explain
from actviz_tui.core.explain.explanation import ClassHeatmap, Explanation
from actviz_tui.core.explain.method_input import CamCancelled, MethodInput
from actviz_tui.core.explain.registry import METHODS, Method, cheap_methods, method_entry, register
from actviz_tui.core.explain.targets import (
    MethodChoice,
    cam_layers,
    check_class,
    default_cam_layer,
    default_method,
    head_kind,
    output_units,
    resolve_cam_layer,
)
from actviz_tui.core.pictures.colormap import OVERLAY_COLORMAPS as CAM_COLORMAPS


def class_heatmap(results, method=None, class_index=None, layer=None, output=0, progress=None,
                  should_stop=None, **options) -> ClassHeatmap:
    """The class heatmap of one image's ``ImageResults`` (``explain(...).item(0)``)."""
    if not results.has_image:
        raise NotAnImageModelError(f"model {results.name}: a class heatmap needs an image")
    return explain(results.model, results.batch, method, class_index, layer, output, progress, should_stop,
                   **options).item(0)


__all__ = [
    "CAM_COLORMAPS", "METHODS", "CamCancelled", "ClassHeatmap", "Explanation", "Method", "MethodChoice",
    "MethodInput", "cam_layers", "cheap_methods", "check_class", "class_heatmap", "default_cam_layer",
    "default_method", "explain", "head_kind", "method_entry", "output_units", "register", "resolve_cam_layer",
]
