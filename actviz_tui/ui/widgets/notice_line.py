"""Notices in whole lines above the status line, until Esc hides them: no toast over the pictures.

The preprocessing hint, the terminal's colours and errors are told here.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

HIDE_HINT = "  (Esc hides)"
TITLE_STYLES = {"information": "bold", "warning": "bold yellow", "error": "bold red"}


@dataclass
class Notice(Message):
    """Something to tell the user once; any widget may post it, the explorer shows it in its NoticeLine."""

    text: str
    title: str
    severity: str = "information"  # "information", "warning" or "error"


class NoticeLine(Static):
    DEFAULT_CSS = """
    NoticeLine { height: auto; width: 1fr; display: none; background: $panel-lighten-1; color: $text; }
    NoticeLine.-shown { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.notices: dict[str, Notice] = {}  # by title: a newer notice of one kind replaces the older

    @property
    def text(self) -> str:
        """What the line says, as plain text."""
        return self.render_text().plain

    def add(self, notice: Notice) -> None:
        self.notices.pop(notice.title, None)
        self.notices[notice.title] = notice
        self._show()

    def hide(self) -> bool:
        """Hide every notice; False when there was none."""
        if not self.notices:
            return False
        self.notices.clear()
        self._show()
        return True

    def render_text(self) -> Text:
        text = Text()
        for position, notice in enumerate(self.notices.values()):
            if position:
                text.append("\n")
            text.append(f"{notice.title}: ", style=TITLE_STYLES.get(notice.severity, "bold"))
            text.append(notice.text)
        if self.notices:
            text.append(HIDE_HINT, style="dim")
        return text

    def _show(self) -> None:
        self.set_class(bool(self.notices), "-shown")
        self.update(self.render_text())
