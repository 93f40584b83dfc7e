"""F1: every key, in one page."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP_TEXT = """\
# actviz keys

| Key | Action |
|---|---|
| ↑ / ↓ | previous / next layer (in the table) |
| ← / → | previous / next channel (grid: move the selection) |
| [ / ] | channel −10 / +10 (grid: a row up / down) |
| Home / End | first / last channel |
| c | type a channel number |
| 1 / 2 / 3 | view: single channel / all channels (grid) / one channel across layers |
| PgUp / PgDn | grid: previous / next page of channels |
| m | next colormap (viridis, magma, gray, coolwarm) |
| s | normalisation: per channel / per layer |
| n / p | next / previous image (when several were given) |
| o | open another image by path |
| / | filter the layer table (part of a name or type, e.g. `conv`); Esc clears |
| x | mark / unmark the current channel for export |
| e | export figures (PNG) |
| Ctrl+P | command palette: every action by name |
| F1 | this help |
| q | quit |

Mouse: click a table row to pick a layer, click a grid tile to pick a channel.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80%; max-width: 90; height: 80%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(HELP_TEXT)
