"""The one way the explorer runs model work: thread workers, cancellation, errors.

Every job runs in a Textual thread worker (exclusive within its group, so a
newer request cancels an older one), reports with messages, and fails in one
place: ``_run`` turns any exception into a one-line ``EngineFailed``. Jobs work
on one image's ``ImageResults``, named by the request; jobs overtaken while
they waited drop themselves (a held-down arrow key must not compute every
layer it passed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from textual.widget import Widget
from textual.worker import Worker, get_current_worker

from actviz_tui.core.model.backend_env import backend_device_label, backend_name, import_backend
from actviz_tui.core.errors import ActvizError, one_line
from actviz_tui.core.export import ExportCancelled, export_figures
from actviz_tui.core.model.options import ModelOptions
from actviz_tui.core.session.image_results import ImageResults
from actviz_tui.core.session.model_session import ModelSession
from actviz_tui.ui.messages import (
    ActivationReady, ClassHeatmapReady, EngineFailed, ExportDone, ExportProgress, ImageReady, LayersReady,
    PredictionsReady, SessionReady, StageChanged, StatsReady,
)


class EngineBridge:
    def __init__(self, screen: Widget) -> None:
        self.screen = screen

    def _run(
        self, job: Callable[[Worker], None], *, group: str, failure: str, fatal: bool = False,
        says_what_failed: bool = False,
    ) -> Worker:
        """``failure`` prefixes every error, unless ``says_what_failed``: then the
        user-facing errors (ActvizError: missing file, not an image...) show alone."""

        def run() -> None:
            try:
                job(get_current_worker())
            except ActvizError as error:
                self.screen.post_message(EngineFailed(str(error) if says_what_failed else f"{failure}: {error}", fatal))
            except Exception as error:  # a bug or a backend failure: one line, the app stays up
                self.screen.post_message(EngineFailed(f"{failure}: {type(error).__name__}: {one_line(error)}", fatal))

        return self.screen.run_worker(
            run, thread=True, exclusive=True, group=group, exit_on_error=False, description=failure
        )

    def _stage(self, text: str) -> None:
        self.screen.post_message(StageChanged(text))

    def load_model(self, path: Path, options: ModelOptions) -> Worker:
        def job(worker: Worker) -> None:
            self._stage(f"importing {backend_name()}")
            import_backend()
            device = backend_device_label()
            self._stage(f"loading model {path.name}")
            session = ModelSession.open(path, options)
            self.screen.post_message(SessionReady(session, device))

        return self._run(job, group="model", failure="cannot open the model", fatal=True, says_what_failed=True)

    def load_image(self, session: ModelSession, index: int, path: Path) -> Worker:
        def job(worker: Worker) -> None:
            self._stage(f"reading {path.name}")
            if worker.is_cancelled:  # another image was asked for
                return
            results = session.image(path)
            self.screen.post_message(ImageReady(index, results))

        return self._run(job, group="image", failure=f"cannot use image {path.name}", says_what_failed=True)

    def compute_activation(self, results: ImageResults, row: int, still_wanted: Callable[[int], bool]) -> Worker:
        name = results.layers[row].name

        def job(worker: Worker) -> None:
            if not still_wanted(row):  # a newer selection won while we waited
                return
            self._stage(f"computing {name}")
            activation = results.activation(row)
            self.screen.post_message(ActivationReady(row, activation))

        return self._run(job, group="activation", failure=f"cannot compute {name}")

    def compute_stats(self, results: ImageResults) -> Worker:
        def job(worker: Worker) -> None:
            if worker.is_cancelled:  # the image changed again
                return
            self._stage("computing statistics of every layer")
            stats = results.all_stats()
            self.screen.post_message(StatsReady(stats))

        return self._run(job, group="stats", failure="cannot compute statistics")

    def compute_layers(self, results: ImageResults, rows: list[int], request: object, reply_to: Widget) -> Worker:
        """Several layers in one graph pass, answered to ``reply_to`` with ``LayersReady(request, ...)``."""

        def job(worker: Worker) -> None:
            if worker.is_cancelled:
                return
            self._stage(f"computing {len(rows)} layers")
            arrays = results.activations(rows)
            if not worker.is_cancelled:
                reply_to.post_message(LayersReady(request, arrays))
                self._stage("ready")

        return self._run(job, group=f"layers-{reply_to.id}", failure="cannot compute the layers")

    def predict(self, results: ImageResults, image_index: int, reply_to: Widget) -> Worker:
        def job(worker: Worker) -> None:
            if worker.is_cancelled:
                return
            predictions = results.predictions()
            reply_to.post_message(PredictionsReady(image_index, predictions))

        return self._run(job, group="predictions", failure="cannot compute the predictions")

    def class_heatmap(self, results: ImageResults, request: dict, reply_to: Widget) -> Worker:
        """``request``: class_heatmap's keyword arguments; Score-CAM and occlusion report progress."""

        def job(worker: Worker) -> None:
            from actviz_tui.core.explain import CamCancelled

            def progress(done: int, total: int) -> None:
                self._stage(f"class heatmap: {done}/{total} batches of masked inputs")

            self._stage("computing the class heatmap")
            try:
                result = results.class_heatmap(progress=progress, should_stop=lambda: worker.is_cancelled, **request)
            except CamCancelled:
                self._stage("class heatmap cancelled")
                return
            except ActvizError as error:
                reply_to.post_message(ClassHeatmapReady(request, None, str(error)))  # the view shows why
                raise
            if not worker.is_cancelled:
                self._stage("ready")
                reply_to.post_message(ClassHeatmapReady(request, result))

        return self._run(job, group="class-heatmap", failure="cannot compute the class heatmap")

    def export(self, results: ImageResults, requests: list, settings) -> Worker:
        """Computes and draws figure by figure in a worker; Esc cancels."""

        def job(worker: Worker) -> None:
            self._stage(f"exporting to {settings.folder}")

            def progress(done: int, total: int, path: Path) -> None:
                self.screen.post_message(ExportProgress(done, total))

            try:
                paths = export_figures(
                    results, requests, settings, progress=progress, should_stop=lambda: worker.is_cancelled
                )
            except ExportCancelled as stopped:
                self.screen.post_message(ExportDone(stopped.paths, cancelled=True))
                return
            self.screen.post_message(ExportDone(paths))

        return self._run(job, group="export", failure="export failed")

    def cancel_export(self) -> bool:
        """Stop a running export after its current figure; False if none runs."""
        running = [w for w in self.screen.workers if w.group == "export" and w.is_running]
        for worker in running:
            worker.cancel()
        return bool(running)
