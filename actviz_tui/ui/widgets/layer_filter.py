"""The layer filter: a box over the table that narrows it by name or type.

Hidden until opened; while hidden its input cannot take the focus, so keys
typed before it opens stay commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input


class LayerFilter(Widget, can_focus_children=True):
    DEFAULT_CSS = """
    LayerFilter { display: none; height: 3; }
    LayerFilter.-shown { display: block; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Clear filter", tooltip="clear the layer filter")]

    @dataclass
    class Changed(Message):
        text: str

    class Dismissed(Message):
        """The filter closed (Esc: cleared; Enter: kept)."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter layers: part of a name or type", id="filter")

    @property
    def text(self) -> str:
        return self.query_one(Input).value

    def open(self) -> None:
        self.add_class("-shown")
        self.query_one(Input).focus()

    @property
    def is_open(self) -> bool:
        return self.has_class("-shown")

    def type_ahead(self, event) -> bool:
        """A key typed before the box took the focus (a paste after "/"): True if it was text."""
        box = self.query_one(Input)
        if event.key == "enter":
            self.post_message(self.Dismissed())
            return True
        if event.is_printable and event.character:
            box.insert_text_at_cursor(event.character)
            return True
        return False

    def allow_focus_children(self) -> bool:
        return self.has_class("-shown")

    def action_dismiss(self) -> None:
        self.query_one(Input).value = ""  # posts Changed(""): every row comes back
        self.remove_class("-shown")
        self.post_message(self.Dismissed())

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Dismissed())
