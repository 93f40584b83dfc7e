"""The explorer's W: what is on show saved as a view file, without drawing its figure.

A mixin of ExplorerScreen, as ``explorer_export`` is: the view on show gives its
request (``export_request``, as the export dialog's preset), the state its colours;
``core.export.view_save`` writes ``NAME.view.json`` into the export folder in a
worker (the model's SHA-256 reads the whole file), and a notice gives its path.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.message import Message

from actviz_tui.core.export import ExportSettings

if TYPE_CHECKING:
    from textual.screen import Screen

    from actviz_tui.core.session.image_results import ImageResults
    from actviz_tui.ui.engine_bridge import EngineBridge
    from actviz_tui.ui.explorer_state import ExplorerState
    from actviz_tui.ui.views import ExplorerView
    from actviz_tui.ui.widgets.status_line import StatusLine

    _Host = Screen[None]
else:
    _Host = object

SAVE_VIEW = Binding("W", "save_view", "Save view", show=False, key_display="W",
                    tooltip="save what is on show as a view file (NAME.view.json in the export folder, no figure "
                    "drawn): 'actviz --view-file' opens it again, 'actviz render' draws its figure")


@dataclass
class ViewSaved(Message):
    path: Path


class ExplorerSaveView(_Host):
    if TYPE_CHECKING:  # what ExplorerScreen, the class this is a part of, provides
        state: ExplorerState
        results: ImageResults | None
        engine: EngineBridge
        status_line: StatusLine
        export_folder: Path

        @property
        def current_view(self) -> ExplorerView: ...

    def action_save_view(self) -> None:
        from actviz_tui.core.export.view_save import write_view_file

        results = self.results
        if results is None:
            self.notify("the model is still loading", timeout=3)
            return
        request = self.current_view.export_request(self.state)
        if request.channel is None:  # the grid's selected tile too: --view-file opens on it (the figure ignores it)
            request = replace(request, channel=self.state.channel)
        settings = ExportSettings(folder=self.export_folder, cmap=self.state.cmap, scale=self.state.scale)

        def job(worker) -> None:
            self.engine.reply(None, ViewSaved(write_view_file(results, request, settings)))

        self.engine.run_job(job, group="save-view", failure="cannot save the view")

    def on_view_saved(self, message: ViewSaved) -> None:
        self.status_line.stage = f"view saved: {message.path.name}"
        self.notify(f"{message.path}\nactviz --view-file opens it; actviz render draws it", title="view saved",
                    timeout=8)
