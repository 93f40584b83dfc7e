"""A saved view drawn again: its model and image opened with its options, its one figure
planned, drawn and written as the export writes it (so the PNG is the same, pixel for pixel).

``actviz render`` and its ``--watch`` use it; ``core.saved_view`` reads the file.
"""

from __future__ import annotations

from pathlib import Path

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.export import files
from actviz_tui.core.export.base import ExportSettings, Job
from actviz_tui.core.export.kinds import FIGURE_KINDS
from actviz_tui.core.export.names import unique_stem
from actviz_tui.core.export.planning import check_settings
from actviz_tui.core.export.run import needed_rows, plan_jobs
from actviz_tui.core.export.sidecar import SidecarRecords
from actviz_tui.core.file_hash import file_sha256
from actviz_tui.core.saved_view import SavedView

DATA_SUFFIXES = (".png", ".npy", ".json")


def view_files(view: SavedView, model: Path | None = None, image: Path | None = None) -> tuple[Path, Path | None]:
    """The model and image to draw the view from: those given, else the view's; ActvizError when one is not there."""
    model_path = Path(model).expanduser() if model is not None else view.model
    if model_path is None:
        raise ActvizError("the saved view names no model file: give one with --model PATH")
    if not model_path.is_file():
        given = "--model" if model is not None else "the saved view's model"
        raise ActvizError(f"{given} {model_path} is not there (moved? --model PATH names where it is now)")
    image_path = Path(image).expanduser() if image is not None else view.image
    if image_path is not None and not image_path.is_file():
        given = "--image" if image is not None else "the saved view's image"
        raise ActvizError(f"{given} {image_path} is not there (moved? --image PATH names where it is now)")
    return model_path, image_path


def changed_model_warning(view: SavedView, model_path: Path) -> str:
    """One line when the model file is not the one the view was saved from (by SHA-256), else ""."""
    if view.model_sha256 is None:
        return ""
    now = file_sha256(model_path)
    if now == view.model_sha256:
        return ""
    return (f"actviz: warning: {model_path.name} is not the model file the view was saved from "
            f"(SHA-256 {view.model_sha256[:12]}… then, {now[:12]}… now); drawing it as it is now")


def open_source(view: SavedView, model_path: Path, image_path: Path | None, cache_bytes: int | None = None):
    """The view's model opened with its options; the results of its image (or of none)."""
    from actviz_tui.core.session.model_session import ModelSession

    session = ModelSession.open(model_path, view.model_options(cache_bytes))
    return session.no_image if image_path is None else session.image(image_path)


def render_view(source, view: SavedView, settings: ExportSettings, suffix: str = "") -> list[Path]:
    """Draw the view's figure from ``source`` (an ImageResults) into ``settings.folder``: its
    PNG, and with ``with_data`` its ``.npy`` and sidecar (a saved view again). ``suffix`` goes
    after the figure's own name (``--watch``: one file per model version)."""
    try:
        check_settings(settings)
    except ValueError as error:
        raise ActvizError(f"the saved view's settings: {error}") from None
    job = _the_job(source, view, plan_jobs(source, [view.to_request()]))
    rows = needed_rows([job])
    # As export_figures reads them: one graph pass for several rows (the same numbers, the same pixels).
    arrays = source.activations(sorted(rows)) if len(rows) > 1 else {}
    activations = _Rows(source, arrays)
    drawn = FIGURE_KINDS[job.kind].draw(job, source, activations, settings)
    folder = files.ensure_folder(settings.folder)
    stem = Path(drawn.filename).stem + suffix
    if settings.with_data and not settings.overwrite:
        stem = unique_stem(folder, stem, DATA_SUFFIXES)
    png = files.write_figure(drawn.fig, folder, f"{stem}.png", dpi=settings.dpi, overwrite=settings.overwrite)
    drawn.fig.clear()
    if not settings.with_data:
        return [png]
    record = SidecarRecords(source, settings).record(job, drawn, png)
    npy, sidecar = files.write_data(folder, png.stem, drawn.data, record, overwrite=settings.overwrite)
    return [png, npy, sidecar]


def _the_job(source, view: SavedView, jobs: list[Job]) -> Job:
    """The one figure the view is of: an all-layers request plans a grid per layer, the view is one of them."""
    if len(jobs) == 1:
        return jobs[0]
    for job in jobs:
        if tuple(source.layers[row].name for row in job.rows) == view.layers:
            return job
    layers = ", ".join(view.layers) or "no layer"
    raise ActvizError(f"the saved view's figure (of {layers}) is not among the {view.kind} figures of this model")


class _Rows:
    def __init__(self, source, arrays: dict):
        self.source, self.arrays = source, arrays

    def __getitem__(self, row: int):
        return self.arrays[row] if row in self.arrays else self.source.activation(row)
