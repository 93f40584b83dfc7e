"""The one way the explorer runs model work: thread workers, cancellation, errors.

Every job runs in a Textual thread worker and fails in one place: ``run_job``
turns any exception into a one-line ``EngineFailed``. Every request carries a
``Ticket`` (what it is for: the kind of work, the image, the layer, the view's
options); the bridge keeps the newest ticket of each kind, and ``_deliver``
(on the UI thread) drops any answer whose ticket is no longer the newest. A
job whose ticket was overtaken while it waited does not run (a held-down
arrow key must not compute every layer it passed); Score-CAM and occlusion
stop before their next batch (about 2 s of work each) once their ticket is
overtaken or their worker cancelled (the app quitting cancels every worker,
and then waits for the threads: a running Score-CAM must not hold it up).
"""

from __future__ import annotations

from pathlib import Path
import threading
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Hashable

from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker, get_current_worker

from actviz_tui.core.model.backend_env import backend_device_label, backend_name, import_backend
from actviz_tui.core.errors import ActvizError, one_line
from actviz_tui.core.export import ExportCancelled, export_figures
from actviz_tui.core.model.options import ModelOptions
from actviz_tui.core.session.image_results import ImageResults
from actviz_tui.core.session.model_session import ModelSession
from actviz_tui.ui.faithfulness_job import FaithfulnessDone, FaithfulnessKey, FaithfulnessProgress, faithfulness_job
from actviz_tui.ui.pattern_jobs import ChannelOrder, PatternsKey, patterns_job
from actviz_tui.ui.messages import (
    ActivationReady, ClassHeatmapProgress, ClassHeatmapReady, EngineFailed, ExportDone, ExportProgress, ImageFailed,
    ImageReady, LayersReady, PredictionsReady, ScanReady, SessionReady, StageChanged, StatsReady, TopCropsReady,
)


@dataclass(frozen=True)
class Ticket:
    """What a request is for; answers are delivered only while it is the newest of its kind."""

    kind: str  # the kind of work: "activation", "stats", "layers-<view>", "predictions", "class-heatmap"
    image: str | None  # the image's key (its path)
    layer: int | None = None
    options: Hashable = ()  # the view's options that shape the answer


class EngineBridge:
    def __init__(self, screen: Widget) -> None:
        self.screen = screen
        self._newest: dict[str, Ticket] = {}
        self._faithfulness_runs = 0
        self._image: str | None = None  # answers about any other image are stale
        self._queues: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)  # one job of a kind at a time

    # ----- tickets: the one place stale answers are dropped ---------------------------
    def want(self, ticket: Ticket) -> None:
        """Make ``ticket`` the newest of its kind (a selection moved, even if nothing is computed)."""
        self._newest[ticket.kind] = ticket

    def want_image(self, key: str | None) -> None:
        """The explorer shows this image now."""
        self._image = key

    def is_wanted(self, ticket: Ticket) -> bool:
        current_image = ticket.image is None or ticket.image == self._image
        return current_image and self._newest.get(ticket.kind) == ticket

    def answer(self, ticket: Ticket, message: Message, reply_to: Widget) -> None:
        """Deliver an answer already at hand (a cached array) as the newest of its kind."""
        self.want(ticket)
        self._deliver(ticket, message, reply_to)

    def _deliver(self, ticket: Ticket | None, message: Message, reply_to: Widget) -> None:
        if ticket is None or self.is_wanted(ticket):
            reply_to.post_message(message)

    def reply(self, ticket: Ticket | None, message: Message, reply_to: Widget | None = None) -> None:
        """From a worker thread: deliver on the UI thread, where tickets change."""
        self.screen.app.call_from_thread(self._deliver, ticket, message, reply_to or self.screen)

    # ----- running jobs -----------------------------------------------------------------
    def run_job(
        self, job: Callable[[Worker], None], *, group: str, failure: str, fatal: bool = False,
        says_what_failed: bool = False, ticket: Ticket | None = None,
    ) -> Worker:
        """Run ``job(worker)`` in a thread worker; a job may live in a module of its own.
        ``failure`` prefixes every error, unless ``says_what_failed``: then the
        user-facing errors (ActvizError: missing file, not an image...) show alone.
        With a ``ticket``, the job is skipped once overtaken, and so are its errors."""
        if ticket is not None:
            self.want(ticket)

        def run() -> None:
            with self._queues[group]:
                if ticket is not None and not self.is_wanted(ticket):
                    return  # overtaken while it waited
                _run_reporting(job)

        def _run_reporting(job) -> None:
            try:
                job(get_current_worker())
            except ActvizError as error:
                text = str(error) if says_what_failed else f"{failure}: {error}"
                self.reply(ticket, EngineFailed(text, fatal))
            except Exception as error:  # a bug or a backend failure: one line, the app stays up
                self.reply(ticket, EngineFailed(f"{failure}: {type(error).__name__}: {one_line(error)}", fatal))

        return self.screen.run_worker(
            run, thread=True, group=group, exit_on_error=False, description=failure
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

        return self.run_job(job, group="model", failure="cannot open the model", fatal=True, says_what_failed=True)

    def load_image(self, session: ModelSession, index: int, path: Path) -> Worker:
        ticket = Ticket("image", None, options=(index, str(path)))

        def job(worker: Worker) -> None:
            self._stage(f"reading {path.name}")
            try:
                results = session.image(path)
            except ActvizError as error:  # the screen decides: skip to the next image, or say why
                self.reply(ticket, ImageFailed(index, path, str(error)))
                return
            self.reply(ticket, ImageReady(index, results))

        return self.run_job(job, group="image", failure=f"cannot use image {path.name}", says_what_failed=True,
                         ticket=ticket)

    def compute_activation(self, results: ImageResults, row: int) -> Worker:
        name = results.layers[row].name
        ticket = Ticket("activation", results.key, row)

        def job(worker: Worker) -> None:
            self._stage(f"computing {name}")
            self.reply(ticket, ActivationReady(row, results.activation(row)))

        return self.run_job(job, group="activation", failure=f"cannot compute {name}", ticket=ticket)

    def compute_stats(self, results: ImageResults) -> Worker:
        ticket = Ticket("stats", results.key)

        def job(worker: Worker) -> None:
            self._stage("computing statistics of every layer")
            self.reply(ticket, StatsReady(results.all_stats()))

        return self.run_job(job, group="stats", failure="cannot compute statistics", ticket=ticket)

    def compute_layers(self, results: ImageResults, rows: list[int], request: Hashable, reply_to: Widget) -> Worker:
        """Several layers in one graph pass, answered to ``reply_to`` with ``LayersReady``."""
        ticket = Ticket(f"layers-{reply_to.id}", results.key, None, request)

        def job(worker: Worker) -> None:
            self._stage(f"computing {len(rows)} layers")
            self.reply(ticket, LayersReady(request, results.activations(rows)), reply_to)
            self._stage("ready")

        return self.run_job(job, group=ticket.kind, failure="cannot compute the layers", ticket=ticket)

    def predict(self, results: ImageResults, reply_to: Widget) -> Worker:
        ticket = Ticket("predictions", results.key)

        def job(worker: Worker) -> None:
            self.reply(ticket, PredictionsReady(results.predictions()), reply_to)

        return self.run_job(job, group="predictions", failure="cannot compute the predictions", ticket=ticket)

    def class_heatmap(self, results: ImageResults, request: dict, reply_to: Widget) -> Worker:
        """``request``: class_heatmap's keyword arguments (and the method's options); Score-CAM and
        occlusion report progress, and stop when the ticket is overtaken or the worker cancelled."""
        ticket = Ticket("class-heatmap", results.key, request.get("layer"), tuple(sorted(request.items())))

        def job(worker: Worker) -> None:
            from actviz_tui.core.explain import CamCancelled

            def progress(done: int, total: int) -> None:
                self._stage(f"class heatmap: {done}/{total} masked inputs")
                if self.is_wanted(ticket):  # the view's caption too: the status line may be cut
                    reply_to.post_message(ClassHeatmapProgress(done, total))

            def should_stop() -> bool:
                return worker.is_cancelled or not self.is_wanted(ticket)

            self._stage("class heatmap: forward pass")
            try:
                result = results.class_heatmap(progress=progress, should_stop=should_stop, **request)
            except CamCancelled:
                self._stage("class heatmap cancelled")
                return
            except Exception as error:  # the view shows why (else its title would say "computing…" for ever)
                why = str(error) if isinstance(error, ActvizError) else f"{type(error).__name__}: {one_line(error)}"
                self.reply(ticket, ClassHeatmapReady(None, why), reply_to)
                raise
            self._stage("ready")
            self.reply(ticket, ClassHeatmapReady(result), reply_to)

        return self.run_job(job, group="class-heatmap", failure="cannot compute the class heatmap", ticket=ticket)

    def patterns(self, model, key: PatternsKey, order: ChannelOrder, reply_to: Widget) -> Worker:
        """A layer's filter patterns, batch by batch (``pattern_jobs``); Esc, or asking for
        another key (``stop``), stops it after the current optimisation step."""
        ticket = Ticket("patterns", None, key.layer, key)

        def job(worker: Worker) -> None:
            def reply(message: Message) -> None:
                self.reply(ticket, message, reply_to)

            def should_stop() -> bool:
                return worker.is_cancelled or not self.is_wanted(ticket)

            patterns_job(model, key, order, reply, should_stop)()

        return self.run_job(job, group="patterns", failure="cannot compute the patterns", ticket=ticket)

    def faithfulness(self, results: ImageResults, key: FaithfulnessKey, reply_to: Widget) -> Worker:
        """Each method's deletion and insertion on the shown image (``faithfulness_job``); Esc, or another
        image, class or layer (``stop("faithfulness")``), stops it before its next batch."""
        self._faithfulness_runs += 1  # each run its own ticket: a stopped one never revives
        ticket = Ticket("faithfulness", results.key, key.layer, (key, self._faithfulness_runs))

        def job(worker: Worker) -> None:
            def reply(message: Message) -> None:
                if isinstance(message, (FaithfulnessProgress, FaithfulnessDone)) and self.is_wanted(ticket):
                    self._stage(message.text)
                self.reply(ticket, message, reply_to)

            faithfulness_job(results, key, reply, lambda: worker.is_cancelled or not self.is_wanted(ticket))()

        return self.run_job(job, group="faithfulness", failure="cannot measure the faithfulness", ticket=ticket)

    def stop(self, kind: str) -> None:
        """No job of this kind is wanted now: a running one stops at its next check."""
        self.want(Ticket(kind, None))

    def cancel(self, group: str) -> bool:
        """Esc: stop the group's running job (its answer still comes: cancelled); False if none runs."""
        running = [w for w in self.screen.workers if w.group == group and w.is_running]
        for worker in running:
            worker.cancel()
        return bool(running)

    def open_scan(self, folder: Path, model) -> Worker:
        """Read a scan folder and check it against the model (its file's SHA-256, its layers)."""

        def job(worker: Worker) -> None:
            from actviz_tui.core.file_hash import file_sha256
            from actviz_tui.core.scan.model_fit import scan_warnings
            from actviz_tui.core.scan.report import ScanResult

            self._stage(f"reading scan {folder.name}")
            scan = ScanResult.open(folder)
            sha256 = file_sha256(model.path) if model.path is not None else None
            self.screen.post_message(ScanReady(scan, scan_warnings(scan, model, sha256)))
            self._stage("ready")

        return self.run_job(job, group="scan", failure=f"cannot open scan {folder}", says_what_failed=True)

    def top_crops(self, model, scan, layer: str, channel: int, request: Hashable, reply_to: Widget) -> Worker:
        """A channel's top images read and cropped, answered to ``reply_to`` with ``TopCropsReady``."""
        ticket = Ticket("top-crops", None, None, request)

        def job(worker: Worker) -> None:
            from actviz_tui.core.scan.top_images import top_crops

            self._stage(f"reading the top images of {layer} channel {channel}")
            self.reply(ticket, TopCropsReady(request, top_crops(model, scan, layer, channel)), reply_to)
            self._stage("ready")

        return self.run_job(job, group="top-crops", failure="cannot read the top images", ticket=ticket)

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

        return self.run_job(job, group="export", failure="export failed")
