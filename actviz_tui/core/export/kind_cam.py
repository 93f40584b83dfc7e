"""``cam``: a class heatmap over the input (any method of ``core.explain``'s registry).

``actviz export MODEL IMAGE --cam [CLASS] [--cam-layer NAME_OR_INDEX]
[--cam-method METHOD|best] [--cam-option NAME=VALUE ...] [--cam-channels N|all]
[--cam-cmap jet|turbo|inferno]``.
The request's ``layer`` is the CAM layer (None: the default one); its
``options`` hold "class" (None: the top prediction; an index, or a name resolved
by ``plan``), "method" (None: the architecture's default; "best": each image's
quick method of lowest deletion AUC, ``core.evaluate.best``), "cmap" and the
method's own options (``cam_options``; "max_channels" from --cam-channels:
Score-CAM's channel cap, 0: every channel). The ``.npy`` is the heatmap at the
model input's resolution, H x W float32 in [0, 1].
"""

from __future__ import annotations

import numpy as np

from actviz_tui.core.seams import FigureSource
from actviz_tui.core import figures
from actviz_tui.core.analysis.class_names import output_classes
from actviz_tui.core.evaluate.best import BEST
from actviz_tui.core.explain import CAM_COLORMAPS, METHODS, cheap_methods, check_class, default_method
from actviz_tui.core.explain import cam_layers, resolve_cam_layer
from actviz_tui.core.errors import ActvizError
from actviz_tui.core.export.base import Activations, CliOption, Drawn, ExportSettings, FigureKind
from actviz_tui.core.export.base import FigureRequest, Job
from actviz_tui.core.export.cam_options import FLAG as OPTION_FLAG
from actviz_tui.core.export.cam_options import check_method_options, method_options, parse_cam_options
from actviz_tui.core.export.names import session_filename

TOP = "top"  # --cam without a class
ALL_CHANNELS = "all"  # --cam-channels all: Score-CAM on every channel
CHANNEL_OPTION = "max_channels"  # the one method option the CLI sets (Score-CAM's)


def plan(session: FigureSource, request: FigureRequest) -> list[Job]:
    options = dict(request.options)
    method = options.get("method")
    if method is not None and method not in METHODS and method != BEST:
        raise ActvizError(f"unknown class heatmap method {method!r}; one of {', '.join([*METHODS, BEST])}")
    if options.get("cmap", CAM_COLORMAPS[0]) not in CAM_COLORMAPS:
        raise ActvizError(f"a class heatmap is drawn with {', '.join(CAM_COLORMAPS)}, not {options['cmap']!r}")
    model = session.model  # session: one image's ImageResults
    row = _cam_row(model, request.layer, method)  # CamLayerError, LayerLookupError
    if isinstance(options.get("class"), str):  # a name (or an index as typed): --cam happy
        options["class"] = output_classes(model.keras_model, model.labels).index(options["class"])
    check_class(model, options.get("class"))  # ClassIndexError
    given = method_options(options)
    if given:
        if CHANNEL_OPTION in given:
            _check_channel_option(_method_name(model, method, row))
        check_method_options(model, _method_name(model, method, row), given, row)
    rows = ()  # class_heatmap runs its own graph: nothing to prefetch
    return [Job(request.kind, rows, options=tuple(sorted({**options, "layer_row": row}.items())))]


def _cam_row(model, layer, method: str | None) -> int | None:
    """The CAM layer's row; None where the method needs none (on the input, or best on a model
    without maps, where only the methods on the input compete)."""
    on_input = method in METHODS and METHODS[method].target == "input"
    if layer is None and (on_input or (method == BEST and not cam_layers(model))):
        return None
    return resolve_cam_layer(model, layer)


def _method_name(model, method: str | None, row: int | None) -> str:
    """The method asked for, else the default for the CAM layer (resolved: a default needs one)."""
    if method is not None:
        return method
    assert row is not None  # _cam_row resolves the layer when no method is named
    return default_method(model, row).method


def draw(job: Job, session: FigureSource, activations: Activations, settings: ExportSettings) -> Drawn:
    options = dict(job.options)
    result = session.class_heatmap(options.get("method"), options.get("class"), options["layer_row"],
                                   **method_options(options))
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
        "method_reason": result.reason, "method_detail": result.detail,
        "cam_cmap": options.get("cmap") or CAM_COLORMAPS[0],
    }
    if options.get("method") == BEST:
        meta["method_choice"] = BEST
    return Drawn(fig, filename, result.heatmap, meta)


def describe(session: FigureSource, request: FigureRequest) -> str:
    """What the file will show: "class heatmap: Score-CAM of class 6, layer conv2d_3"; the
    defaults named as what they resolve to ("Grad-CAM (default)", "the top class")."""
    options, model = dict(request.options), session.model
    name = options.get("method")
    row = _cam_row(model, request.layer, name)
    if name == BEST:
        target = "the top class" if options.get("class") is None else f"class {options['class']}"
        return f"class heatmap: the best of {len(cheap_methods())} quick methods by deletion, of {target}"
    method = METHODS[_method_name(model, name, row)]
    method_text = method.title + (" (default)" if name is None else "")
    index = options.get("class")
    if index is None:
        target = "the top class"
    else:
        label = (output_classes(model.keras_model, model.labels).names or {}).get(index)
        target = f"class {index}" + (f" ({label})" if label else "")
    if method.target == "input" or row is None:
        return f"class heatmap: {method_text} of {target}, on the input"
    layer = model.layers[row].name + (" (default)" if request.layer is None else "")
    return f"class heatmap: {method_text} of {target}, layer {layer}"


def add_arguments(group) -> None:
    group.add_argument("--cam", nargs="?", const=TOP, default=None, metavar="CLASS",
                       help="class heatmap over the input for class CLASS, an index or a name from --labels "
                       "(default: the top prediction; a one-unit sigmoid has class 1 = p and class 0 = 1 - p)")
    group.add_argument("--cam-layer", metavar="NAME_OR_INDEX", default=None,
                       help="with --cam: the layer with spatial maps (default: the last one before the head)")
    group.add_argument("--cam-method", choices=[*METHODS, BEST], default=None,
                       help="with --cam (default: hirescam for a Flatten + Dense head, else gradcam); "
                       "scorecam and occlusion run a forward pass per channel or patch: minutes on a CPU; "
                       f"best: for each image its own best of the quick methods ({', '.join(cheap_methods())}), "
                       "the one of lowest deletion AUC on that image (10 steps, zero baseline), said in the title")
    group.add_argument(OPTION_FLAG, action="append", metavar="NAME=VALUE", default=None,
                       help="with --cam: an option of the method, repeatable (e.g. --cam-method "
                       "integrated_gradients --cam-option steps=64; smoothgrad: samples=10, noise=0.1); "
                       "VALUE is read as a number, none, true/false, else text")
    group.add_argument("--cam-channels", metavar="N|all", default=None,
                       help="with --cam-method scorecam: mask with the N channels of largest spread "
                       "(default: 64, Faster Score-CAM); all: every channel (slower)")
    group.add_argument("--cam-cmap", choices=CAM_COLORMAPS, default=CAM_COLORMAPS[0],
                       help="with --cam: the heatmap's colormap (default: jet)")


def requests(args) -> list[FigureRequest]:
    if args.cam is None:
        if args.cam_layer is not None or args.cam_method is not None or args.cam_channels is not None:
            raise ActvizError("--cam-layer, --cam-method and --cam-channels need --cam")
        if getattr(args, "cam_option", None):
            raise ActvizError(f"{OPTION_FLAG} needs --cam")
        return []
    options = {"class": _class_index(args.cam), "method": args.cam_method, "cmap": args.cam_cmap,
               **parse_cam_options(getattr(args, "cam_option", None))}
    if args.cam_channels is not None:
        if CHANNEL_OPTION in options:
            raise ActvizError(f"--cam-channels and {OPTION_FLAG} {CHANNEL_OPTION}: give the channel count once")
        options[CHANNEL_OPTION] = _channel_cap(args.cam_channels)
    return [FigureRequest(KIND.name, layer=args.cam_layer, options=tuple(sorted(options.items())))]


def _channel_cap(text: str) -> int:
    """0 (every channel) for "all", else a positive count."""
    if text.strip().lower() == ALL_CHANNELS:
        return 0
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ActvizError(f"--cam-channels takes a channel count (1, 2, ...) or 'all', got {text!r}")
    return value


def _check_channel_option(method: str) -> None:
    if method != BEST and CHANNEL_OPTION not in METHODS[method].options:
        raise ActvizError(f"--cam-channels is Score-CAM's option (--cam-method scorecam), "
                          f"not {METHODS[method].title}'s")


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
