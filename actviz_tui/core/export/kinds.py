"""Every kind of exported figure, in one table.

The CLI's options, the export dialog's choices, planning, drawing and the
sidecar's ``kind`` all read ``FIGURE_KINDS``. A new kind is one module with
``plan`` and ``draw`` and a ``KIND = FigureKind(...)``, plus one entry here.
The order is the dialog's order and the order ``actviz export`` writes in.
"""

from __future__ import annotations

from actviz_tui.core.export import kind_across, kind_cam, kind_channel, kind_filters, kind_grid, kind_input
from actviz_tui.core.export import kind_compare, kind_patterns, kind_top
from actviz_tui.core.export.base import CliExtra, CliOption, FigureKind

FIGURE_KINDS: dict[str, FigureKind] = {
    kind.name: kind
    for kind in (
        kind_channel.KIND,
        kind_grid.GRID,
        kind_across.KIND,
        kind_grid.ALL_LAYERS,
        kind_input.KIND,
        kind_filters.KIND,
        kind_cam.KIND,
        kind_top.KIND,
        kind_patterns.KIND,
        kind_compare.KIND,
    )
}

__all__ = ["FIGURE_KINDS", "CliExtra", "CliOption", "FigureKind"]
