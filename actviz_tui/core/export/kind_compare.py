"""``compare``: one channel of A, of B and B − A (``--compare OTHER``: a second checkpoint on the
same image, or the same model on a second input). The request's options carry OTHER's path.
The sidecar records OTHER, the kind of comparison and the layer's and channel's divergence;
the data is ``[A, B, B - A]``, each the channel's map (a Dense layer: its block of units)."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from actviz_tui.core.errors import ExportError
from actviz_tui.core.export.base import (
    DASH, Activations, CliOption, Drawn, ExportSettings, FigureKind, FigureRequest, Job,
)
from actviz_tui.core.export.names import session_filename
from actviz_tui.core.export.planning import check_channel, require_channel, require_layer
from actviz_tui.core.pictures.colormap import is_diverging
from actviz_tui.core.pictures.display_maps import channel_map
from actviz_tui.core.pictures.value_ranges import finite_range, scaled_range
from actviz_tui.core.seams import FigureSource

if TYPE_CHECKING:
    from actviz_tui.core.session.image_results import ImageResults

DIFFERENCE_CMAP = "coolwarm"
_last_opened: tuple | None = None  # (a weak reference to A's model, OTHER's path, its OtherSide)


def plan(session: FigureSource, request: FigureRequest) -> list[Job]:
    row = require_layer(session, request)
    channel = require_channel(request)
    check_channel(session, row, channel)
    if not dict(request.options).get("other"):
        raise ExportError("a compare figure needs the other checkpoint or image (--compare OTHER)")
    return [Job(request.kind, (row,), channel, options=request.options)]


def draw(job: Job, session: FigureSource, activations: Activations, settings: ExportSettings) -> Drawn:
    from actviz_tui.core.figures.compare_maps import compare_figure

    row, channel = job.rows[0], job.channel
    assert channel is not None  # plan() always sets it
    other_path = dict(job.options)["other"]
    results = cast("ImageResults", session)  # the explorer's and the CLI's figure source
    pair = _other_side(results.model, str(other_path)).pair(results)
    layer = pair.layer(row)
    a, b = channel_map(layer.a, channel), channel_map(layer.b, channel)
    extent = _both(finite_range(layer.a), finite_range(layer.b))
    scale = scaled_range(np.concatenate([a.ravel(), b.ravel()]), settings.scale, extent,
                         symmetric=is_diverging(settings.cmap))
    difference_scale = scaled_range(b - a, settings.scale, finite_range(layer.difference), symmetric=True)
    name = session.layers[row].name
    divergence = layer.divergence
    change = layer.channel_change(channel)
    title = DASH.join((f"{pair.a_name} vs {pair.b_name}", name, f"channel {channel}"))
    if divergence is not None:
        title += f" (layer's relative L2 {divergence.relative_l2:.4g}, channel's {change:.4g})"
    fig = compare_figure(a, b, title=title, headings=(f"A: {pair.a_name}", f"B: {pair.b_name}", "B − A"),
                         cmap=settings.cmap, scale=scale, difference_cmap=DIFFERENCE_CMAP,
                         difference_scale=difference_scale)
    meta = {"other": str(other_path), "compared": pair.kind, "vmin": scale[0], "vmax": scale[1],
            "difference_range": list(difference_scale), "difference_cmap": DIFFERENCE_CMAP,
            "data": "[A, B, B - A]", "channel_relative_l2": _finite(change),
            "divergence": None if divergence is None else divergence.as_json()}
    filename = session_filename(session, KIND.file_kind, name, channel)
    return Drawn(fig, filename, np.stack([a, b, b - a]), meta)


def _other_side(model, path: str):
    """OTHER opened once for a run of figures (many images, many channels): the last one is kept."""
    from actviz_tui.core.compare.pair import OtherSide
    from actviz_tui.core.session.model_session import ModelSession

    global _last_opened
    if _last_opened is not None:
        model_ref, opened_path, other = _last_opened
        if model_ref() is model and opened_path == path:
            return other
    other = OtherSide.open(ModelSession(model), path)
    _last_opened = (weakref.ref(model), path, other)
    return other


def _both(first: tuple, second: tuple) -> tuple:
    lows = [value for value in (first[0], second[0]) if value is not None]
    highs = [value for value in (first[1], second[1]) if value is not None]
    return (min(lows) if lows else None, max(highs) if highs else None)


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None


def describe(session: FigureSource, request: FigureRequest) -> str:
    other = dict(request.options).get("other", "?")
    layer = session.layers[session.find_layer(request.layer)].name if request.layer is not None else "?"
    return f"{layer} channel {request.channel}: A, B and B − A against {other}"


def _add_arguments(group) -> None:
    group.add_argument("--compare", type=Path, default=None, metavar="OTHER",
                       help="with --layer NAME --channel N: also the channel of A, of B and B - A against OTHER, "
                       "a second checkpoint (.keras, .h5: the same image through both) or another image or .npy")


def _requests(args) -> list[FigureRequest]:
    if args.compare is None:
        return []
    options = (("other", str(args.compare)),)
    requests = [FigureRequest(KIND.name, layer=layer, channel=channel, options=options)
                for group in args.layer_groups if group.option == "--layer"
                for layer in group.layers for channel in group.channels]
    if not requests:
        raise ExportError("--compare draws channels: give --layer NAME --channel N as well")
    return requests


KIND = FigureKind(
    name="compare",
    file_kind="compare",
    label="{layer} channel {channel} compared",
    plan=plan,
    draw=draw,
    uses=frozenset({"layer", "channel"}),
    describe_request=describe,
    option=CliOption("--compare", "A, B and B - A of each --layer's --channel", "OTHER", add_arguments=_add_arguments,
                     requests=_requests),
)
