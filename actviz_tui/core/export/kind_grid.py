"""``grid``: every channel of one layer in one figure; ``all-layers``: a grid
per layer with 2-D maps (a Dense layer's grid is the whole layer)."""

from __future__ import annotations

import math

from actviz_tui.core.analysis.stats import dead_channels
from actviz_tui.core.seams import FigureSource
from actviz_tui.core import figures
from actviz_tui.core.pictures.display_maps import channel_stack, has_spatial_maps
from actviz_tui.core.errors import LayerLookupError
from actviz_tui.core.export.base import DASH, Activations, CliExtra, CliOption, Drawn, ExportSettings
from actviz_tui.core.export.base import FigureKind, FigureRequest, Job
from actviz_tui.core.export.grid_ranking import describe_grid, grid_ranking, ranking_record, tile_labels
from actviz_tui.core.export.names import session_filename
from actviz_tui.core.export.planning import no_spatial_layers, require_layer, spatial_layer_rows
from actviz_tui.core.pictures.value_ranges import finite_ranges


def plan_grid(session: FigureSource, request: FigureRequest) -> list[Job]:
    return [Job(request.kind, (require_layer(session, request),), options=request.options)]


def plan_all_layers(session: FigureSource, request: FigureRequest) -> list[Job]:
    if request.max_layers is not None and request.max_layers < 1:
        raise LayerLookupError(f"need at least one layer, got max_layers={request.max_layers}")
    rows = spatial_layer_rows(session)
    if not rows:
        raise no_spatial_layers(session)
    return [Job(request.kind, (row,)) for row in rows[: request.max_layers]]


def draw(job: Job, session: FigureSource, activations: Activations, settings: ExportSettings) -> Drawn:
    row, cmap = job.rows[0], settings.cmap
    act = activations[row]
    layer = session.layers[row].name
    # all-layers writes grids too, numbered: ls lists them in the table's order
    numbered = row if job.kind == ALL_LAYERS.name else None
    filename = session_filename(session, GRID.file_kind, layer, numbered_row=numbered)
    title = DASH.join((session.name, layer))
    if not has_spatial_maps(act):  # Dense / 1-D: the whole layer, one colour scale
        fig = figures.layer_figure(act, title=title, cmap=cmap)
        vmin, vmax = figures.display_range(act, cmap)
        return Drawn(fig, filename, act, {"vmin": vmin, "vmax": vmax})
    maps = channel_stack(act)
    dead = dead_channels(maps)
    ranking = grid_ranking(session, row, maps, dict(job.options))
    fig = figures.layer_grid_figure(
        maps, title=title, cmap=cmap, scale=settings.scale, dead=dead,
        order=None if ranking is None else ranking.channels, labels=None if ranking is None else tile_labels(ranking),
        order_note="" if ranking is None else ranking.description,
    )
    ordered = {} if ranking is None else {"channel_order": ranking_record(ranking)}
    if settings.scale == "layer":
        vmin, vmax = figures.display_range(maps, cmap)
        return Drawn(fig, filename, act, {"vmin": vmin, "vmax": vmax, "dead_channels": list(dead), **ordered})
    # Each tile coloured from its own min (bottom colour) to its own max (top).
    meta = {"vmin": None, "vmax": None, "panel_ranges": _channel_ranges(maps), "dead_channels": list(dead)}
    return Drawn(fig, filename, act, {**meta, **ordered})


def _channel_ranges(maps) -> list[list[float | None]]:
    lows, highs = finite_ranges(maps, axis=(0, 1))
    return [[None, None] if math.isnan(low) else [float(low), float(high)] for low, high in zip(lows, highs)]


GRID = FigureKind(
    name="grid",
    file_kind="grid",
    label="{layer}: every channel (grid)",
    plan=plan_grid,
    draw=draw,
    uses=frozenset({"layer"}),
    describe_request=describe_grid,
)

ALL_LAYERS = FigureKind(
    name="all-layers",
    file_kind="grid",  # one grid file per layer
    label="all layers: one grid per layer",
    plan=plan_all_layers,
    draw=draw,
    uses=frozenset({"max_layers"}),
    numbered=True,
    option=CliOption(
        "--all-layers",
        "a grid of every layer with feature maps (file names start with the layer's table row)",
        extras=(
            CliExtra("--first", "max_layers", "with --all-layers: only the first N such layers (the notebook's 8)"),
        ),
    ),
)
