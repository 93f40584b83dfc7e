"""Several images in one export: activations computed for a window of images at a
time, one batched pass per input size, then each image's figures drawn from them.

    export_images(model_session, [a, b, c], requests, settings, progress, skip)

The figures that need no image (filters) are written once, after the images'.
Every request is checked against the first readable image before anything is
written. ``skip(path, message)`` passes over an image that cannot be read (with
``skip=None`` the error is raised, as for a single image).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.export.base import ExportSettings, FigureRequest
from actviz_tui.core.export.kinds import FIGURE_KINDS
from actviz_tui.core.export.planning import check_settings
from actviz_tui.core.export.run import Progress, export_figures, needed_rows, plan_jobs
from actviz_tui.core.model.options import default_cache_bytes

MAX_BATCH = 32  # images per pass: past this a bigger batch gains little and costs memory
UNKNOWN_SIDE = 512  # a free dimension, counted at the largest free-size input side

Skip = Callable[[Path, str], None]


def export_images(
    model_session,
    images: list[Path],
    requests: list[FigureRequest],
    settings: ExportSettings = ExportSettings(),
    progress: Progress | None = None,
    skip: Skip | None = None,
) -> list[Path]:
    """Write every request for every image; returns the paths written, in order."""
    per_image = [request for request in requests if FIGURE_KINDS[request.kind].needs_image]
    once = [request for request in requests if not FIGURE_KINDS[request.kind].needs_image]
    check_settings(settings)
    plan_jobs(model_session.no_image, once)  # a bad request fails before any file is written
    readable = _readable(model_session, images, skip)
    counter = _Counter(progress)
    written: list[Path] = []
    first = next(readable, None)
    if first is not None and per_image:
        jobs = plan_jobs(first, per_image)
        rows = sorted(needed_rows(jobs))
        per_job = 3 if settings.with_data else 1
        counter.total = len(jobs) * per_job * len(images) + len(plan_jobs(model_session.no_image, once)) * per_job
        size = window_size(model_session.layers, rows, _budget(model_session))
        window = [first, *_take(readable, size - 1)]
        while window:
            compute_batched(model_session.model, window, rows)
            for results in window:
                written += export_figures(results, per_image, settings, counter)
                results.release()
            window = _take(readable, size)
    else:
        for _ in readable:  # nothing to draw per image: still say which images were unreadable
            pass
    if once:
        written += export_figures(model_session.no_image, once, settings, counter)
    return written


def compute_batched(model, window: list, rows: list[int]) -> None:
    """Activations of ``rows`` for every image of ``window``: one pass per input size;
    each ImageResults keeps its own arrays."""
    groups: dict[tuple, list] = {}
    for results in window:
        groups.setdefault(results.batch.shape, []).append(results)
    for group in groups.values():
        arrays = model.activations_by_row(np.concatenate([results.batch for results in group]), rows)
        for position, results in enumerate(group):
            results.keep({row: batch[position] for row, batch in arrays.items()})


def window_size(layers, rows: list[int], budget: int) -> int:
    """How many images' activations of ``rows`` fit in ``budget`` bytes (1 to MAX_BATCH)."""
    per_image = sum(_bytes(layers[row].output_shape) for row in rows)
    return max(1, min(MAX_BATCH, budget // max(per_image, 1)))


def _bytes(shape: tuple) -> int:
    size = 4  # float32
    for dim in shape[1:]:  # the batch axis first
        size *= UNKNOWN_SIDE if dim is None else int(dim)
    return size


def _budget(model_session) -> int:
    budget = model_session.model.options.cache_bytes
    return default_cache_bytes() if budget is None else int(budget)


def _readable(model_session, images: list[Path], skip: Skip | None) -> Iterator:
    """The ImageResults of each image that can be read, in order (``skip`` told of the others)."""
    for path in images:
        try:
            results = model_session.image(path)
        except ActvizError as error:
            if skip is None:
                raise
            skip(Path(path), str(error))
            continue
        yield results


def _take(readable: Iterator, count: int) -> list:
    window: list = []
    if count < 1:
        return window
    for results in readable:
        window.append(results)
        if len(window) >= count:
            break
    return window


class _Counter:
    """Progress over the whole run: ``progress(done, total, path)`` counting every file."""

    def __init__(self, progress: Progress | None):
        self.progress, self.done, self.total = progress, 0, 0

    def __call__(self, _done: int, total: int, path: Path) -> None:
        self.done += 1
        self.total = max(self.total, self.done, total)
        if self.progress is not None:
            self.progress(self.done, self.total, path)
