"""A saved view without its figure: what the explorer shows, as a sidecar (``NAME.view.json``).

The explorer's W writes it: the request of the view on show, its colours, the
session's model (path, SHA-256), image and options, the fields every sidecar has
(``SidecarRecords.figure_fields``) with ``figure`` null, and the ``view`` object
(``core.saved_view``). Nothing is drawn: ``actviz render`` draws it later, and
``actviz --view-file`` opens the explorer on it again.
"""

from __future__ import annotations

from pathlib import Path

from actviz_tui.core.export import files
from actviz_tui.core.export.base import ExportSettings, FigureRequest, Job
from actviz_tui.core.export.kinds import FIGURE_KINDS
from actviz_tui.core.export.names import session_filename, unique_stem
from actviz_tui.core.export.planning import check_settings
from actviz_tui.core.export.run import plan_jobs
from actviz_tui.core.export.sidecar import SidecarRecords
from actviz_tui.core.saved_view import VIEW_KEY, VIEW_SUFFIX


def write_view_file(source, request: FigureRequest, settings: ExportSettings) -> Path:
    """Write the saved view of ``request`` drawn from ``source`` (an ImageResults) with
    ``settings`` into ``settings.folder``; never replaces a file. Returns its path."""
    check_settings(settings)
    job = plan_jobs(source, [request])[0]  # LayerLookupError and the like: before anything is written
    records = SidecarRecords(source, settings)
    record = records.figure_fields(job, None)
    record[VIEW_KEY] = records.view(job)
    folder = files.ensure_folder(settings.folder)
    stem = unique_stem(folder, view_stem(source, job), (VIEW_SUFFIX,))
    return files.write_sidecar(folder / f"{stem}{VIEW_SUFFIX}", record)


def view_stem(source, job: Job) -> str:
    """The stem the export gives such a figure: model, image, layer, channel, kind."""
    rows = job.rows or tuple(row for name, row in job.options if name == "layer_row" and row is not None)
    layer = source.layers[rows[0]].name if len(rows) == 1 else None
    return Path(session_filename(source, FIGURE_KINDS[job.kind].file_kind, layer, job.channel)).stem
