"""``filters``: a layer's learned weights and per-filter L2 norms (no image needed).

The ``.npy`` is the layer's kernel exactly as stored (``layer.get_weights()[0]``).
"""

from __future__ import annotations

from actviz_tui.core.seams import FigureSource
from actviz_tui.core import figures
from actviz_tui.core.export.base import DASH, Activations, CliOption, Drawn, ExportSettings, FigureKind
from actviz_tui.core.export.base import FigureRequest, Job
from actviz_tui.core.export.names import figure_filename
from actviz_tui.core.export.planning import require_layer
from actviz_tui.core.errors import LayerLookupError


def plan(session: FigureSource, request: FigureRequest) -> list[Job]:
    row = require_layer(session, request)
    filters = session.filters(row)  # LayerLookupError for a layer without weights
    index = 0 if request.channel is None else int(request.channel)
    if not 0 <= index < filters.count:
        raise LayerLookupError(
            f"layer {filters.name} has {filters.count} filters (0-{filters.count - 1}); no filter {index}"
        )
    return [Job(request.kind, (row,), index)]


def draw(job: Job, session: FigureSource, activations: Activations, settings: ExportSettings) -> Drawn:
    row, index = job.rows[0], job.channel
    assert index is not None  # plan() always sets it
    filters = session.filters(row)
    title = DASH.join((session.name, filters.name, f"{filters.layer_type} weights"))
    fig = figures.filters_figure(filters, index, title=title)
    channel = index if filters.stack is not None and not filters.filters_as_tiles else None
    meta = {
        "kernel_shape": list(filters.kernel.shape),
        "norms": [float(n) for n in filters.norms],
        "zero_filters": filters.zero_filters,
    }
    return Drawn(fig, figure_filename(session.name, KIND.file_kind, filters.name, channel), filters.kernel, meta)


KIND = FigureKind(
    name="filters",
    file_kind="filters",
    label="{layer}: its learned filters and their norms",
    plan=plan,
    draw=draw,
    uses=frozenset({"layer", "channel"}),
    needs_image=False,
    option=CliOption(
        "--filters", "the learned filters of each layer named, with their L2 norms (no IMAGE needed)",
        metavar="NAME_OR_INDEX", takes="layers",
    ),
)
