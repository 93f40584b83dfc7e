"""A one-line question (a channel number, an image path); returns the text or None."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class PromptScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 70%; max-width: 80; height: auto;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, question: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.value = value
        self.typed = ""  # keys typed before the input could be found
        self.composed_typed = 0  # how many of them ``compose`` put into the input
        self.answered_early = False  # Enter came before the input was there

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question)
            self.composed_typed = len(self.typed)
            # select_on_focus off: a key typed ahead into the input just before it gets the focus
            # would be selected, and the next key would replace it (CI under load: c15 gave 5)
            yield Input(value=self.value + self.typed, placeholder=self.placeholder, id="answer",
                        select_on_focus=False)

    def on_key(self, event: events.Key) -> None:
        self.type_ahead(event)

    def on_mount(self) -> None:
        late = self.typed[self.composed_typed:]  # typed after compose, before the input could be found
        if late and not self.answered_early:
            answer = self.query_one("#answer", Input)
            start = len(self.value) + self.composed_typed
            answer.value = answer.value[:start] + late + answer.value[start:]
            answer.cursor_position = len(answer.value)
        if self.answered_early:
            self.call_after_refresh(self._answer_typed)

    def _answer_typed(self) -> None:
        # not returned: a handler must not await its own dismiss
        self.dismiss((self.value + self.typed).strip() or None)

    def type_ahead(self, event: events.Key) -> None:
        """A key typed before the input had the focus (a paste, one ``tmux send-keys``):
        it goes into the input, Enter answers; before the input exists, into ``value``."""
        answer = next(iter(self.query("#answer").results(Input)), None)
        if event.key == "enter":
            if answer is None:
                self.answered_early = True
            else:
                self.dismiss(answer.value.strip() or None)
        elif event.is_printable and event.character:
            if answer is None:
                self.typed += event.character
            else:
                answer.insert_text_at_cursor(event.character)
        else:
            return
        event.stop()
        event.prevent_default()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
