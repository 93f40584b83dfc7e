"""The class map's faithfulness panel: each method's deletion and insertion AUC on this image.

Beside the heatmap, hidden until `f` (quick methods) or `F` (every method) asks for a
run. While the run goes on, its header counts methods and masked inputs; then a table
lists the methods best (lowest deletion) first, the random floor among them, the
heatmap's method marked. The table takes the focus (unless the view is not on show
or a text box has it): ↑/↓ and Enter (or a click) show that row's method; Esc closes
the panel. A stale panel (another image, class or layer) says so, without its table.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from actviz_tui.ui.faithfulness_job import FaithfulnessDone, FaithfulnessKey, FaithfulnessProgress, FaithfulnessRow

MARK = "▶"
HOW_TO_USE = "↑↓ Enter: show that method · Esc closes"


class FaithfulnessTable(DataTable):
    BINDINGS = [Binding("escape", "close", "Close", show=False, tooltip="close the faithfulness panel")]

    def action_close(self) -> None:
        if isinstance(self.parent, FaithfulnessPanel):
            self.parent.close()


class FaithfulnessPanel(Vertical):
    DEFAULT_CSS = """
    FaithfulnessPanel { width: 48; height: auto; max-height: 100%; display: none; padding: 0 0 0 1; }
    FaithfulnessPanel.-open { display: block; }
    FaithfulnessPanel #faithfulness-header { height: auto; color: $text; }
    FaithfulnessPanel FaithfulnessTable { height: auto; display: none; }
    FaithfulnessPanel FaithfulnessTable.-shown { display: block; }
    """

    @dataclass
    class MethodPicked(Message):
        """Enter (or a click) on a row: show this method's heatmap."""

        method: str

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.key: FaithfulnessKey | None = None  # the run on show (running or done); None: closed
        self.rows: list[FaithfulnessRow] = []
        self.running = False
        self.every = False  # every method, the slow ones too

    def compose(self) -> ComposeResult:
        yield Static("", id="faithfulness-header")
        yield FaithfulnessTable(cursor_type="row", zebra_stripes=True, id="faithfulness-table")

    @property
    def is_open(self) -> bool:
        return self.key is not None

    @property
    def header(self) -> str:
        return str(self.query_one("#faithfulness-header", Static).content)

    def _title(self) -> str:
        which = "every method" if self.every else "quick methods"
        assert self.key is not None
        return (f"Faithfulness on this image, {which}\n{self.key.steps} steps (fast; `actviz evaluate`: 20)\n"
                "AUC: deletion ↓ better, insertion ↑ better")

    def _say(self, text: str, table: bool = False) -> None:
        self.query_one("#faithfulness-header", Static).update(text)
        self.query_one(FaithfulnessTable).set_class(table, "-shown")

    def start(self, key: FaithfulnessKey, every: bool) -> None:
        self.key, self.rows, self.running, self.every = key, [], True, every
        self.add_class("-open")
        self._give_back_focus()
        self._say(f"{self._title()}\nfaithfulness: starting… (Esc cancels)")

    def progress(self, message: FaithfulnessProgress) -> None:
        if self.running and message.key == self.key:
            self._say(f"{self._title()}\n{message.text}… (Esc cancels)")

    def done(self, message: FaithfulnessDone, current: str | None, take_focus: bool = True) -> None:
        if message.key != self.key:
            return
        self.running = False
        if message.cancelled or message.error:
            self.key = None  # f measures again
        if message.cancelled:
            self._say("faithfulness: cancelled (f measures again)")
        elif message.error:
            self._say(f"faithfulness: {message.error}")
        else:
            self.rows = message.rows
            self._say(f"{self._title()}\n{HOW_TO_USE}", table=True)
            self._fill(current)
            if take_focus:
                self.query_one(FaithfulnessTable).focus()

    def stale(self, why: str) -> None:
        """The image, class or layer changed: the run (stopped by the view) or its table no longer holds."""
        if self.is_open:
            self.key, self.rows, self.running = None, [], False
            self._give_back_focus()
            self._say(f"faithfulness: {why} (f measures again)")

    def close(self) -> None:
        self.key, self.rows, self.running = None, [], False
        self._give_back_focus()
        self.remove_class("-open")

    def mark(self, current: str | None) -> None:
        """Mark the row of the method the heatmap shows now."""
        table = self.query_one(FaithfulnessTable)
        for row in self.rows:
            table.update_cell(row.method, "mark", MARK if row.method == current else "")

    def _fill(self, current: str | None) -> None:
        table = self.query_one(FaithfulnessTable)
        table.clear(columns=True)
        table.add_column("", key="mark", width=1)
        table.add_column("method", key="method")
        table.add_column("deletion", key="deletion")
        table.add_column("insertion", key="insertion")
        for row in self.rows:
            table.add_row(MARK if row.method == current else "", row.title, f"{row.deletion:.3f}",
                          f"{row.insertion:.3f}", key=row.method)
        table.move_cursor(row=0)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.MethodPicked(event.row_key.value))

    def _give_back_focus(self) -> None:
        """The table had the focus: back to the screen's own (the layer table)."""
        if self.query_one(FaithfulnessTable).has_focus and self.screen.AUTO_FOCUS:
            for widget in self.screen.query(self.screen.AUTO_FOCUS):
                widget.focus()
                return
