"""The actviz app: a light shell that paints at once, then opens the explorer.

The explorer screen pulls in numpy, Pillow and the engine; importing it only
after the first frame keeps the first paint close to a bare Textual app's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

if TYPE_CHECKING:
    from actviz_tui.ui.screens.explorer_screen import ExplorerScreen


class ActvizApp(App[None]):
    TITLE = "actviz"
    CSS_PATH = "actviz.tcss"
    BINDINGS = [Binding("q", "quit", "Quit")]

    def __init__(
        self, model_path: Path, image_paths: list[Path], options=None, *, session=None, start=None,
        graphics: str = "halfblock",
    ) -> None:
        super().__init__()
        self.model_path = Path(model_path)
        self.image_paths = [Path(p) for p in image_paths]
        self.options = options
        self.injected_session = session
        self.start = start  # an ExplorerStart: where to open (--layer, --channel, --view)
        self.graphics = graphics  # how pictures are drawn: graphics_tier.choose_tier's answer
        self.explorer: ExplorerScreen | None = None  # once open

    def compose(self) -> ComposeResult:
        yield Static(f"actviz  {self.model_path.name}  starting…", id="splash")
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self.open_explorer)

    def open_explorer(self) -> None:
        from actviz_tui.core.model.options import ModelOptions
        from actviz_tui.ui.screens.explorer_screen import ExplorerScreen

        options = self.options or ModelOptions()
        self.explorer = ExplorerScreen(
            self.model_path, self.image_paths, options, session=self.injected_session, start=self.start
        )
        self.push_screen(self.explorer)
