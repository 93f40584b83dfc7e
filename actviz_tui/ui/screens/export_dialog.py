"""The export dialog: which figures, how they look, where they go.

Returns an ExportPlan (requests + settings) or None; the writing itself is
``core.export.export_figures``, run by the explorer in a worker. The dialog
stays open, saying what is wrong, until its choices and folder can work.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from actviz_tui.core.pictures.colormap import COLORMAP_NAMES
from actviz_tui.core.errors import ExportError
from actviz_tui.core.export import MAX_DPI, MIN_DPI, ExportSettings, FigureRequest
from actviz_tui.core.export.files import writable_folder
from actviz_tui.core.pictures.value_ranges import SCALES


@dataclass(frozen=True)
class ExportChoice:
    """One figure the dialog offers, with its checkbox label."""

    key: str
    label: str
    requests: tuple[FigureRequest, ...]
    preset: bool


@dataclass(frozen=True)
class ExportPlan:
    requests: list[FigureRequest]
    settings: ExportSettings


class ExportDialog(ModalScreen[ExportPlan | None]):
    AUTO_FOCUS = "#export"  # Enter exports the preset at once; Tab reaches the options
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical {
        width: 84%; max-width: 90; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    ExportDialog #choices { height: auto; }
    ExportDialog Checkbox { border: none; padding: 0 1; height: 1; }
    /* Textual's focus border needs 3 rows: in 1 it would hide the label and the tick. */
    ExportDialog Checkbox:focus { border: none; }
    ExportDialog Checkbox:focus > .toggle--label { text-style: bold underline; }
    ExportDialog .row { height: auto; }
    ExportDialog .row > Label { width: 12; padding: 1 0 0 0; }
    ExportDialog Select { width: 1fr; }
    ExportDialog #dpi { width: 12; }
    ExportDialog #folder { width: 1fr; }
    ExportDialog #buttons { height: auto; align-horizontal: right; }
    ExportDialog #problem { color: $error; height: auto; }
    """

    def __init__(self, choices: list[ExportChoice], settings: ExportSettings) -> None:
        super().__init__()
        self.choices = choices
        self.settings = settings

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("[b]Export figures[/b] (PNG, matplotlib)")
            with Vertical(id="choices"):  # not a scroll view: it would take the focus from Export
                for choice in self.choices:
                    yield Checkbox(choice.label, choice.preset, id=f"choice-{choice.key}")
            with Horizontal(classes="row"):
                yield Label("colormap")
                cmaps = [(name, name) for name in COLORMAP_NAMES]
                yield Select(cmaps, value=self.settings.cmap, allow_blank=False, id="cmap")
                yield Label("scale")
                scales = [(f"per {scale}", scale) for scale in SCALES]
                yield Select(scales, value=self.settings.scale, allow_blank=False, id="scale")
            with Horizontal(classes="row"):
                yield Label("folder")
                yield Input(str(self.settings.folder), id="folder")
                yield Label("dpi")
                yield Input(str(self.settings.dpi), id="dpi", type="integer")
            yield Checkbox(
                "also write the raw data (.npy) and a .json sidecar", self.settings.with_data, id="with-data"
            )
            yield Label("", id="problem")
            with Horizontal(id="buttons"):
                yield Button("Export", variant="primary", id="export")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self.submit()

    def on_input_submitted(self) -> None:
        self.submit()

    def submit(self) -> None:
        requests = [
            request
            for choice in self.choices
            if self.query_one(f"#choice-{choice.key}", Checkbox).value
            for request in choice.requests
        ]
        dpi_text = self.query_one("#dpi", Input).value.strip()
        folder = self.query_one("#folder", Input).value.strip()
        problem = self._problem(requests, dpi_text, folder)
        if problem:
            self.query_one("#problem", Label).update(problem)
            return
        settings = ExportSettings(
            folder=Path(folder).expanduser(),
            cmap=cast(str, self.query_one("#cmap", Select).value),  # allow_blank=False: never Select.BLANK
            scale=cast(str, self.query_one("#scale", Select).value),
            dpi=int(dpi_text),
            with_data=self.query_one("#with-data", Checkbox).value,
        )
        self.dismiss(ExportPlan(requests, settings))

    @staticmethod
    def _problem(requests: list[FigureRequest], dpi_text: str, folder: str) -> str:
        if not requests:
            return "tick at least one figure"
        if not dpi_text.isdigit() or not MIN_DPI <= int(dpi_text) <= MAX_DPI:
            return f"dpi must be a whole number from {MIN_DPI} to {MAX_DPI}"
        if not folder:
            return "give a folder to write to"
        try:
            writable_folder(folder)
        except ExportError as error:
            return str(error)
        return ""

    def action_cancel(self) -> None:
        self.dismiss(None)
