"""``channel``: one channel of one layer as a heatmap (a Dense layer: the whole
layer, the unit named in the title)."""

from __future__ import annotations

from actviz_tui.core.seams import FigureSource
from actviz_tui.core import figures
from actviz_tui.core.pictures.colormap import is_diverging
from actviz_tui.core.pictures.display_maps import channel_count, channel_map, channel_value, has_spatial_maps
from actviz_tui.core.export.base import DASH, Activations, Drawn, ExportSettings, FigureKind, FigureRequest, Job
from actviz_tui.core.export.names import session_filename
from actviz_tui.core.pictures.value_ranges import finite_range, scaled_range
from actviz_tui.core.export.planning import check_channel, require_channel, require_layer


def plan(session: FigureSource, request: FigureRequest) -> list[Job]:
    row = require_layer(session, request)
    channel = require_channel(request)
    check_channel(session, row, channel)
    return [Job(request.kind, (row,), channel)]


def draw(job: Job, session: FigureSource, activations: Activations, settings: ExportSettings) -> Drawn:
    row, channel, cmap = job.rows[0], job.channel, settings.cmap
    assert channel is not None  # plan() always sets it
    act = activations[row]
    layer = session.layers[row].name
    filename = session_filename(session, KIND.file_kind, layer, channel)
    if has_spatial_maps(act):
        values = channel_map(act, channel)
        vmin, vmax = scaled_range(values, settings.scale, finite_range(act), symmetric=is_diverging(cmap))
        title = DASH.join((session.name, layer, f"channel {channel} of {channel_count(act)}"))
        if settings.scale == "layer":
            title += " (layer's scale)"
        fig = figures.channel_figure(values, title=title, cmap=cmap, vmin=vmin, vmax=vmax)
        return Drawn(fig, filename, values, {"vmin": vmin, "vmax": vmax})
    # Dense / 1-D: no map per unit; the whole layer, the unit named in the title.
    unit = channel_value(act, channel)
    what = f"unit {channel}" if unit is not None else f"channel {channel}"
    if unit is not None and act.size > figures.UNIT_STRIP_MAX:  # small layers print every value
        what += f" = {unit:.4g}"
    fig = figures.layer_figure(act, title=DASH.join((session.name, layer, what)), cmap=cmap)
    vmin, vmax = figures.display_range(act, cmap)
    return Drawn(fig, filename, act, {"vmin": vmin, "vmax": vmax, "value": unit})


KIND = FigureKind(
    name="channel",
    file_kind="channel",
    label="{layer} channel {channel}",
    plan=plan,
    draw=draw,
    uses=frozenset({"layer", "channel"}),
)
