"""Export requests -> PNG files (plus optional ``.npy`` + ``.json`` data).

The one export API shared by ``actviz export`` and the explorer::

    export_figures(session, [FigureRequest("grid", layer=4)], ExportSettings(folder=out))

Every request is checked before anything is written, so a bad request in a
batch leaves the folder untouched. Files are written atomically and never
replace an existing file unless ``overwrite`` is set (see ``files``). No
terminal libraries here: progress is a plain callback, cancellation a
``should_stop`` callable. The figure kinds are one table, ``FIGURE_KINDS``.
"""

from actviz_tui.core.export.base import (
    DEFAULT_DPI,
    MAX_DPI,
    MIN_DPI,
    ExportCancelled,
    ExportSettings,
    FigureKind,
    FigureRequest,
)
from actviz_tui.core.export.kind_across import MAX_ACROSS_PANELS, AcrossSelection, select_layers
from actviz_tui.core.export.kinds import FIGURE_KINDS
from actviz_tui.core.export.planning import spatial_layer_rows
from actviz_tui.core.export.run import export_figures

__all__ = [
    "DEFAULT_DPI",
    "FIGURE_KINDS",
    "MAX_ACROSS_PANELS",
    "AcrossSelection",
    "MAX_DPI",
    "MIN_DPI",
    "ExportCancelled",
    "ExportSettings",
    "FigureKind",
    "FigureRequest",
    "export_figures",
    "select_layers",
    "spatial_layer_rows",
]
