"""Text that wraps onto more lines instead of being cut, asking for a layout only when its height changes."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class WrappingLine(Static):
    """A heading or a status line: as many lines as its text needs at this width."""

    DEFAULT_CSS = "WrappingLine { height: auto; width: 1fr; text-wrap: wrap; }"

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(text, id=id, markup=False)
        self.text = text
        self._lines: int | None = None

    def show(self, text: str) -> None:
        """Show ``text``; the screen lays out again only if it needs another number of lines."""
        lines = self.lines_for(text, self.content_size.width)
        changed = lines is None or lines != self._lines
        self.text, self._lines = text, lines
        self.update(text, layout=changed)

    def on_resize(self) -> None:
        self._lines = self.lines_for(self.text, self.content_size.width)

    @staticmethod
    def lines_for(text: str, width: int) -> int | None:
        """How many lines ``text`` takes at ``width`` (None before the widget has a width)."""
        return len(Content(text).wrap(width)) if width > 0 else None
