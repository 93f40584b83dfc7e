"""``cam``: a class heatmap over the input (Grad-CAM, Grad-CAM++, HiResCAM,
Score-CAM or occlusion; see ``core.explain``).

``actviz export MODEL IMAGE --cam [CLASS] [--cam-layer NAME_OR_INDEX]
[--cam-method METHOD] [--cam-cmap jet|turbo|inferno]``. The request's
``layer`` is the CAM layer (None: the default one); its ``options`` hold
"class" (None: the top prediction; an index, or a name resolved by
``plan``), "method" (None: the architecture's default) and "cmap". The
``.npy`` is the heatmap at the model input's resolution, H x W float32 in
[0, 1].
"""

from __future__ import annotations

import numpy as np

from actviz_tui.core.seams import FigureSource
from actviz_tui.core import figures
from actviz_tui.core.analysis.class_names import output_classes
from actviz_tui.core.explain import CAM_COLORMAPS, METHODS, check_class, default_method, resolve_cam_layer
from actviz_tui.core.errors import ActvizError
from actviz_tui.core.export.base import Activations, CliOption, Drawn, ExportSettings, FigureKind
from actviz_tui.core.export.base import FigureRequest, Job
from actviz_tui.core.export.names import session_filename

TOP = "top"  # --cam without a class


def plan(session: FigureSource, request: FigureRequest) -> list[Job]:
    options = dict(request.options)
    method = options.get("method")
    if method is not None and method not in METHODS:
        raise ActvizError(f"unknown class heatmap method {method!r}; one of {', '.join(METHODS)}")
    if options.get("cmap", CAM_COLORMAPS[0]) not in CAM_COLORMAPS:
        raise ActvizError(f"a class heatmap is drawn with {', '.join(CAM_COLORMAPS)}, not {options['cmap']!r}")
    model = session.model  # session: one image's ImageResults
    row = resolve_cam_layer(model, request.layer)  # CamLayerError, LayerLookupError
    if isinstance(options.get("class"), str):  # a name (or an index as typed): --cam happy
        options["class"] = output_classes(model.keras_model, model.labels).index(options["class"])
    check_class(model, options.get("class"))  # ClassIndexError
    rows = ()  # class_heatmap runs its own graph: nothing to prefetch
    return [Job(request.kind, rows, options=tuple(sorted({**options, "layer_row": row}.items())))]


def draw(job: Job, session: FigureSource, activations: Activations, settings: ExportSettings) -> Drawn:
    options = dict(job.options)
    result = session.class_heatmap(options.get("method"), options.get("class"), options["layer_row"])
    image = np.asarray(session.model_input, dtype=np.float32)
    fig = figures.class_heatmap_figure(
        image, result.heatmap, title=f"{session.name} \u2014 {result.title}",
        cmap=options.get("cmap") or CAM_COLORMAPS[0], note=result.note or result.reason, bgr=session.input_bgr,
    )
    layer = None if result.layer_row is None else result.layer_name
    filename = session_filename(session, f"{result.method}-class{result.class_index}", layer)
    meta = {
        "class": result.class_index, "label": result.label, "score": result.score,
        "probability": result.probability, "layer": result.layer_name, "method": result.method,
        "method_reason": result.reason, "cam_cmap": options.get("cmap") or CAM_COLORMAPS[0],
    }
    return Drawn(fig, filename, result.heatmap, meta)


def describe(session: FigureSource, request: FigureRequest) -> str:
    """What the file will show: "class heatmap: Score-CAM of class 6, layer conv2d_3"; the
    defaults named as what they resolve to ("Grad-CAM (default)", "the top class")."""
    options, model = dict(request.options), session.model
    row = resolve_cam_layer(model, request.layer)
    name = options.get("method")
    method = METHODS[default_method(model, row).method if name is None else name]
    method_text = method.title + (" (default)" if name is None else "")
    index = options.get("class")
    if index is None:
        target = "the top class"
    else:
        label = (output_classes(model.keras_model, model.labels).names or {}).get(index)
        target = f"class {index}" + (f" ({label})" if label else "")
    if method.target == "input":
        return f"class heatmap: {method_text} of {target}, on the input"
    layer = model.layers[row].name + (" (default)" if request.layer is None else "")
    return f"class heatmap: {method_text} of {target}, layer {layer}"


def add_arguments(group) -> None:
    group.add_argument("--cam", nargs="?", const=TOP, default=None, metavar="CLASS",
                       help="class heatmap over the input for class CLASS, an index or a name from --labels "
                       "(default: the top prediction; a one-unit sigmoid has class 1 = p and class 0 = 1 - p)")
    group.add_argument("--cam-layer", metavar="NAME_OR_INDEX", default=None,
                       help="with --cam: the layer with spatial maps (default: the last one before the head)")
    group.add_argument("--cam-method", choices=list(METHODS), default=None,
                       help="with --cam (default: hirescam for a Flatten + Dense head, else gradcam)")
    group.add_argument("--cam-cmap", choices=CAM_COLORMAPS, default=CAM_COLORMAPS[0],
                       help="with --cam: the heatmap's colormap (default: jet)")


def requests(args) -> list[FigureRequest]:
    if args.cam is None:
        if args.cam_layer is not None or args.cam_method is not None:
            raise ActvizError("--cam-layer and --cam-method need --cam")
        return []
    options = {"class": _class_index(args.cam), "method": args.cam_method, "cmap": args.cam_cmap}
    return [FigureRequest(KIND.name, layer=args.cam_layer, options=tuple(sorted(options.items())))]


def _class_index(text: str) -> int | str | None:
    """An index as a number; a name stays text, looked up in the model's class names by ``plan``."""
    if text == TOP:
        return None
    try:
        value = int(text)
    except ValueError:
        return text.strip()
    if value < 0:
        raise ActvizError(f"no class {value}: classes are numbered from 0")
    return value


KIND = FigureKind(
    name="cam",
    file_kind="cam",
    label="class heatmap of the top class (default layer and method)",
    plan=plan,
    draw=draw,
    describe_request=describe,
    option=CliOption("--cam", "class heatmap", add_arguments=add_arguments, requests=requests),
)
