"""``top``: a channel's top images of a dataset scan, cropped to the receptive field of
their peaks, in one figure (OpenAI Microscope's "dataset examples").

``actviz export MODEL --scan SCAN_DIR --top-images N... [--scan-layer NAME_OR_INDEX]``;
no IMAGE needed. The request's ``options`` hold "scan" (the folder). The ``.npy`` is
the k scores, best first; the sidecar lists each image, its score, peak and crop box.
"""

from __future__ import annotations

import argparse

import numpy as np

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.export.base import DASH, Activations, CliOption, Drawn, ExportSettings, FigureKind
from actviz_tui.core.export.base import FigureRequest, Job
from actviz_tui.core.export.names import figure_filename
from actviz_tui.core.export.planning import require_channel
from actviz_tui.core.figures.top_images import top_images_figure
from actviz_tui.core.file_hash import file_sha256
from actviz_tui.core.seams import FigureSource
from actviz_tui.core.scan.report import ScanResult
from actviz_tui.core.scan.top_images import top_crops

SCAN_OPTION = "scan"


def plan(session: FigureSource, request: FigureRequest) -> list[Job]:
    folder = dict(request.options).get(SCAN_OPTION)
    if not folder:
        raise ActvizError("a top-images figure needs a scan (--scan SCAN_DIR)")
    scan = ScanResult.open(folder)  # ScanError: not a scan folder
    _check_same_model(session, scan)
    name = _layer_name(session, scan, request.layer)
    channel = require_channel(request, "a top-images figure")
    scan.top(name, channel)  # ScanError: no such channel
    return [Job(request.kind, (session.find_layer(name),), channel, options=((SCAN_OPTION, str(folder)),))]


def _check_same_model(session: FigureSource, scan: ScanResult) -> None:
    """A figure titled with this model must show this model's scan, not another file's."""
    path = session.model_path
    if path is not None and file_sha256(path) != scan.settings.model_sha256:
        raise ActvizError(f"scan {scan.folder} was made with another model file ({scan.settings.model_path}); "
                          "export its top images with that model")


def _layer_name(session: FigureSource, scan: ScanResult, layer) -> str:
    """The model's name of the layer asked for (None: the scan's only layer), checked against the scan."""
    if layer is None:
        if len(scan.layer_names) != 1:
            raise ActvizError(f"scan {scan.folder} has layers {', '.join(scan.layer_names)}: "
                              "say which with --scan-layer")
        layer = scan.layer_names[0]
    name = session.layers[session.find_layer(layer)].name  # LayerLookupError: not in this model
    if not scan.has_layer(name):
        raise ActvizError(f"scan {scan.folder} has no layer {name} (it has {', '.join(scan.layer_names)})")
    return name


def draw(job: Job, session: FigureSource, activations: Activations, settings: ExportSettings) -> Drawn:
    row, channel = job.rows[0], job.channel
    assert channel is not None  # plan() always sets it
    scan = ScanResult.open(dict(job.options)[SCAN_OPTION])
    layer = session.layers[row].name
    crops = top_crops(session.model, scan, layer, channel)
    by = "spatial max" if scan.settings.by == "max" else "spatial mean"
    title = DASH.join((session.name, layer, f"channel {channel}: top {len(crops)} of {scan.scanned} images "
                       f"by {by}"))
    fig = top_images_figure([crop.rgb for crop in crops], [crop.title for crop in crops], title=title,
                            notes=[crop.error for crop in crops])
    meta = {
        "scan": str(scan.folder.expanduser().resolve()),
        "scan_model_sha256": scan.settings.model_sha256,
        "by": scan.settings.by,
        "top_k": scan.settings.top_k,
        "scanned": scan.scanned,
        "top": [{"image": crop.top.image, "score": crop.top.score, "y": crop.top.y, "x": crop.top.x,
                 "box": None if crop.box is None else list(crop.box), "error": crop.error or None}
                for crop in crops],
    }
    scores = np.asarray([crop.top.score for crop in crops], dtype=np.float32)
    return Drawn(fig, figure_filename(session.name, KIND.file_kind, layer, channel), scores, meta)


def add_arguments(group) -> None:
    group.add_argument("--top-images", nargs="+", type=_channel, default=[], metavar="N",
                       help="with --scan: the top images of channel N in the scan, cropped to the receptive "
                       "field of their peaks, in one figure per channel (no IMAGE needed)")
    group.add_argument("--scan", metavar="SCAN_DIR", default=None, help="with --top-images: a folder 'actviz scan' "
                       "wrote (made with this model)")
    group.add_argument("--scan-layer", metavar="NAME_OR_INDEX", default=None,
                       help="with --top-images: the scanned layer (default: the scan's only layer)")


def requests(args) -> list[FigureRequest]:
    if not args.top_images:
        if args.scan is not None or args.scan_layer is not None:
            raise ActvizError("--scan and --scan-layer go with --top-images N")
        return []
    if args.scan is None:
        raise ActvizError("--top-images needs --scan SCAN_DIR")
    options = ((SCAN_OPTION, str(args.scan)),)
    return [FigureRequest(KIND.name, layer=args.scan_layer, channel=channel, options=options)
            for channel in args.top_images]


def _channel(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a channel number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"no channel {value}: channels are numbered from 0")
    return value


KIND = FigureKind(
    name="top",
    file_kind="top-images",
    label="{layer} channel {channel}: its top images in the scan",
    plan=plan,
    draw=draw,
    uses=frozenset({"layer", "channel"}),
    needs_image=False,
    option=CliOption("--top-images", "a channel's top images in a dataset scan", metavar="N",
                     add_arguments=add_arguments, requests=requests),
)
