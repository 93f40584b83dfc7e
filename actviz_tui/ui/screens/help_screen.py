"""F1: every key, in one page, written from the screen's own bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from actviz_tui.ui.layer_columns import COLUMNS

TABLE_KEYS = "| ↑ / ↓ | previous / next layer (in the table) |\n"
KEY_RULE = "Layers move with ↑ ↓ g G (first/last layer); channels with ← → [ ] Home End (first/last channel) and c.\n"
FOOTNOTE = """
Under the views, the selected layer in full: name, Keras type, output shape, parameters, the rows
that feed it (← a merge's branches) and its receptive field (RF: how many input pixels one position
of its maps sees; jump: input pixels between neighbouring positions; "whole input" after Flatten or
global pooling). Notices (preprocessing, colours, errors) show above the status line; Esc hides them.

Mouse: click a table row to pick a layer, click a grid tile to pick a channel, click a map position
(view 1) to probe it (v: probe mode; arrows move its cursor, Esc leaves).
Ctrl+P opens the command palette: every action by name.
"""


def help_markdown(bindings: list[Binding]) -> str:
    rows = [TABLE_KEYS]
    for binding in bindings:
        keys = " / ".join(_key_name(key) for key in binding.key.split(","))
        if binding.key_display:
            keys = binding.key_display
        rows.append(f"| {keys} | {binding.tooltip or binding.description} |\n")
    keys = "# actviz keys\n\n" + KEY_RULE + "\n| Key | Action |\n|---|---|\n" + "".join(rows)
    return keys + FOOTNOTE + columns_markdown()


def columns_markdown() -> str:
    """What each layer-table column means, from the table's own column list."""
    rows = "".join(f"| {column.header} | {column.help} |\n" for column in COLUMNS)
    return "\n# Layer table columns\n\n| Column | Meaning |\n|---|---|\n" + rows


def _key_name(key: str) -> str:
    names = {"question_mark": "?", "pageup": "PgUp", "pagedown": "PgDn", "escape": "Esc"}
    if key.startswith("f") and key[1:].isdigit():
        return names.get(key, key.upper())
    return names.get(key, key.capitalize() if len(key) > 1 else key)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80%; max-width: 90; height: 80%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.text = help_markdown(bindings)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.text)
