"""Requests -> files: plan everything, then draw and write figure by figure."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np

from actviz_tui.core.seams import FigureSource
from actviz_tui.core.errors import ExportError
from actviz_tui.core.export import files
from actviz_tui.core.export.base import ExportCancelled, ExportSettings, FigureRequest, Job
from actviz_tui.core.export.kinds import FIGURE_KINDS
from actviz_tui.core.export.names import unique_stem
from actviz_tui.core.export.planning import check_settings
from actviz_tui.core.export.sidecar import SidecarRecords

MAX_FIGURE_PIXELS = 120_000_000  # a 11000 x 11000 PNG; past this, ask for a lower dpi
_DATA_SUFFIXES = (".png", ".npy", ".json")

Progress = Callable[[int, int, Path], None]


def plan_jobs(session: FigureSource, requests: list[FigureRequest]) -> list[Job]:
    """Every request checked and expanded into jobs; raises before anything is drawn."""
    jobs: list[Job] = []
    for request in requests:
        kind = FIGURE_KINDS.get(request.kind)
        if kind is None:
            raise ValueError(f"unknown figure kind {request.kind!r}; expected one of {', '.join(FIGURE_KINDS)}")
        if kind.needs_image and not session.has_image:
            raise ExportError(f"no input image was given, and the {request.kind} figure needs one")
        jobs.extend(replace(job, request=request) for job in kind.plan(session, request))
    return _without_repeats(jobs)


def needed_rows(jobs: list[Job]) -> set[int]:
    """The rows whose activations the jobs draw."""
    return {row for job in jobs if FIGURE_KINDS[job.kind].needs_image for row in job.rows}


def _without_repeats(jobs: list[Job]) -> list[Job]:
    """Each figure once: ``--layer conv2d_2`` and ``--all-layers`` both ask for
    conv2d_2's grid (two kinds, one drawing), which must not come out twice."""
    seen: dict[tuple, int] = {}  # figure -> its position in ``unique``
    unique: list[Job] = []
    for job in jobs:
        kind = FIGURE_KINDS[job.kind]
        figure = (kind.draw, kind.file_kind, job.rows, job.channel, job.note, job.options)
        if figure not in seen:
            seen[figure] = len(unique)
            unique.append(job)
        elif kind.numbered:  # its numbered name wins: --all-layers' files all sort in table order
            unique[seen[figure]] = job
    return unique


def export_figures(
    session,
    requests: list[FigureRequest],
    settings: ExportSettings = ExportSettings(),
    progress: Progress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Path]:
    """Draw and write every request; returns the paths written, in order.

    All requests are checked first (nothing is written if one is bad). Then
    each figure is written as a PNG, with ``with_data`` followed by its
    ``.npy`` (exactly the values drawn) and ``.json`` sidecar under the same
    name. ``progress(done, total, path)`` is called after each file.
    ``should_stop()`` is asked before each figure; when it says yes the export
    stops with ExportCancelled, whose ``paths`` lists the complete files
    written so far (files are written whole or not at all).

    Arrays come only from ``session.activation``/``session.activations``: no
    lock is taken here, the session guards its own engine.
    """
    check_settings(settings)
    jobs = plan_jobs(session, requests)
    folder = files.ensure_folder(settings.folder)
    per_job = len(_DATA_SUFFIXES) if settings.with_data else 1
    total = len(jobs) * per_job
    activations = _Activations(session, needed_rows(jobs))
    sidecars = SidecarRecords(session, settings)
    written: list[Path] = []

    def wrote(path: Path) -> None:
        written.append(path)
        if progress is not None:
            progress(len(written), total, path)

    for job in jobs:
        if should_stop is not None and should_stop():
            raise ExportCancelled(written)
        drawn = FIGURE_KINDS[job.kind].draw(job, session, activations, settings)
        _check_figure_size(drawn.fig, settings.dpi, drawn.filename)
        stem = Path(drawn.filename).stem
        if settings.with_data and not settings.overwrite:
            stem = unique_stem(folder, stem, _DATA_SUFFIXES)
        png = files.write_figure(drawn.fig, folder, f"{stem}.png", dpi=settings.dpi, overwrite=settings.overwrite)
        drawn.fig.clear()
        wrote(png)
        if settings.with_data:
            # The PNG's final name wins (another program may have taken ours meanwhile).
            npy, sidecar = files.write_data(
                folder, png.stem, drawn.data, sidecars.record(job, drawn, png), overwrite=settings.overwrite
            )
            wrote(npy)
            wrote(sidecar)
    return written


class _Activations:
    """The rows an export needs: from the session's cache, or one graph pass
    for all of them when several are missing (far faster than one probe each)."""

    def __init__(self, session, rows: set[int]):
        self.session = session
        self.arrays: dict[int, np.ndarray] = session.activations(sorted(rows)) if len(rows) > 1 else {}

    def __getitem__(self, row: int) -> np.ndarray:
        if row in self.arrays:
            return self.arrays[row]
        return self.session.activation(row)


def _check_figure_size(fig, dpi: int, filename: str) -> None:
    width, height = fig.get_size_inches()
    pixels = width * dpi * height * dpi
    if pixels > MAX_FIGURE_PIXELS:
        fits = int((MAX_FIGURE_PIXELS / (width * height)) ** 0.5)
        raise ExportError(
            f"{filename} would be {round(width * dpi)}x{round(height * dpi)} pixels at {dpi} dpi; "
            f"use a dpi of {fits} or less"
        )
