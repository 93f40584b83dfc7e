"""The explorer's dataset scan: opening one (``--scan``, or S), its dead channels, its top images.

A mixin of ExplorerScreen, like ExplorerActions: ``self.scan`` is the scan being
browsed (None before one is opened); view 6 reads its top images, the layer
table and the channel views its dead channels. Reading the scan, and the top
images, runs in workers (``EngineBridge.open_scan``, ``top_crops``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.binding import Binding

from actviz_tui.ui.messages import ScanReady
from actviz_tui.ui.screens.prompt_screen import PromptScreen
from actviz_tui.ui.widgets.notice_line import Notice

if TYPE_CHECKING:
    from textual.screen import Screen

    from actviz_tui.core.scan.report import ScanResult
    from actviz_tui.core.session.model_session import ModelSession
    from actviz_tui.ui.engine_bridge import EngineBridge
    from actviz_tui.ui.explorer_state import ExplorerState
    from actviz_tui.ui.views.top_view import TopView
    from actviz_tui.ui.widgets.status_line import StatusLine

    _Host = Screen[None]
else:
    _Host = object

OPEN_SCAN = Binding("S", "open_scan", "Open scan", show=False, key_display="S",
                    tooltip="open a folder 'actviz scan' wrote: view 6 shows its top images, "
                    "the table's dead column its dead channels")


class ExplorerScan(_Host):
    scan: ScanResult | None = None

    if TYPE_CHECKING:  # what ExplorerScreen, the class this is a part of, provides
        state: ExplorerState
        session: ModelSession | None
        engine: EngineBridge
        image_paths: list[Path]
        status_line: StatusLine

        def load_image(self, index: int) -> None: ...
        def announce(self, notice: Notice) -> None: ...

    def apply_start(self, start) -> None:
        """Where the command line said, then its ``--scan``."""
        super().apply_start(start)  # type: ignore[misc]  # ExplorerActions': after this class in the screen's bases
        if start is not None and start.scan is not None:
            self.open_scan(Path(start.scan).expanduser())

    def action_open_scan(self) -> None:
        def chosen(answer: str | None) -> None:
            if answer:
                self.open_scan(Path(answer).expanduser())

        current = "" if self.scan is None else str(self.scan.folder)
        self.app.push_screen(PromptScreen("Open a scan folder ('actviz scan ... --out SCAN_DIR'):",
                                          "path/to/scan", current), chosen)

    def open_scan(self, folder: Path) -> None:
        if self.session is None:
            self.notify("the model is still loading", timeout=3)
            return
        self.engine.open_scan(folder, self.session.model)

    def on_scan_ready(self, message: ScanReady) -> None:
        from actviz_tui.core.scan.model_fit import scanned_rows
        from actviz_tui.ui.views import ExplorerView
        from actviz_tui.ui.widgets.layer_table import LayerTable

        assert self.session is not None  # a scan is opened once the model is in
        scan = self.scan = message.scan
        rows = scanned_rows(scan, self.session.model)
        dead = {row: (len(scan.dead_channels(name)), scan.layer(name).channels) for row, name in rows.items()}
        self.query_one("#layers", LayerTable).set_scan_dead(dead)
        if message.warnings:
            self.announce(Notice("; ".join(message.warnings), "scan", "warning"))
        self.status_line.stage = (f"scan {scan.folder.name}: {scan.scanned} images, "
                                  f"{len(rows)} of its {len(scan.layer_names)} layers here")
        for view in self.query(ExplorerView):
            view.scan_changed()

    def scan_dead(self, row: int) -> frozenset[int] | None:
        """Channels of table row ``row`` dead on the whole scanned dataset; None: the scan has not that layer."""
        if self.scan is None or self.session is None:
            return None
        name = self.session.layers[row].name
        return frozenset(int(c) for c in self.scan.dead_channels(name)) if self.scan.has_layer(name) else None

    def on_top_view_top_images_wanted(self, message: TopView.TopImagesWanted) -> None:
        if self.session is not None and self.scan is not None:
            self.engine.top_crops(self.session.model, self.scan, message.layer, message.channel, message.request,
                                  reply_to=message.view)

    def on_top_view_image_chosen(self, message: TopView.ImageChosen) -> None:
        """A top image becomes the current input (every view follows), added to the n/p list if new."""
        if self.session is None:
            return
        path = message.path
        known = [str(p) for p in self.image_paths]
        if str(path) not in known:
            self.image_paths.append(path)
        self.load_image(known.index(str(path)) if str(path) in known else len(self.image_paths) - 1)
