"""The explorer's export: the dialog preset to what is on show, the run, its progress.

A mixin of ExplorerScreen, like ExplorerActions (message handlers go by name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from actviz_tui.core.export import ExportSettings
from actviz_tui.ui.export_choices import export_choices
from actviz_tui.ui.messages import ExportDone, ExportProgress
from actviz_tui.ui.screens.export_dialog import ExportDialog, ExportPlan

if TYPE_CHECKING:
    import numpy as np
    from textual.screen import Screen

    from actviz_tui.core.scan.report import ScanResult
    from actviz_tui.core.session.image_results import ImageResults
    from actviz_tui.ui.engine_bridge import EngineBridge
    from actviz_tui.ui.explorer_state import ExplorerState
    from actviz_tui.ui.views import ExplorerView
    from actviz_tui.ui.widgets.status_line import StatusLine

    _Host = Screen[None]
else:
    _Host = object


class ExplorerExport(_Host):
    if TYPE_CHECKING:  # what ExplorerScreen, the class this is a part of, provides
        state: ExplorerState
        results: ImageResults | None
        engine: EngineBridge
        status_line: StatusLine
        scan: ScanResult | None

        @property
        def activation(self) -> np.ndarray | None: ...
        @property
        def current_view(self) -> ExplorerView: ...

    def can_export(self) -> bool:
        """Figures of activations need them computed; the filters view needs only the
        model, the class map only the image."""
        if self.results is None:
            return False
        needs = self.current_view.NEEDS
        return (self.activation is not None or needs == "weights" or (needs == "image" and self.results.has_image)
                or (needs == "scan" and self.scan is not None))

    def action_export(self) -> None:
        if not self.can_export():
            return
        choices = export_choices(self.results, self.state, self.current_view.export_request(self.state))
        settings = ExportSettings(folder=self.export_folder, cmap=self.state.cmap, scale=self.state.scale)
        self.app.push_screen(ExportDialog(choices, settings), self._start_export)

    export_folder = ExportSettings.folder  # the dialog opens on the folder last exported to

    def _start_export(self, plan: ExportPlan | None) -> None:
        if plan is not None and self.results is not None:
            self.export_folder = plan.settings.folder
            self.engine.export(self.results, plan.requests, plan.settings)

    def on_export_progress(self, message: ExportProgress) -> None:
        self.status_line.stage = f"exporting: {message.done}/{message.total} files (Esc cancels)"

    def on_export_done(self, message: ExportDone) -> None:
        count = len(message.paths)
        done = f"export cancelled after {count} file(s)" if message.cancelled else f"exported {count} file(s)"
        self.status_line.error, self.status_line.stage = "", done
        names = "\n".join(str(path) for path in message.paths[:8])
        more = f"\n… and {count - 8} more" if count > 8 else ""
        self.notify(f"{done}:\n{names}{more}", title="export", timeout=8)
