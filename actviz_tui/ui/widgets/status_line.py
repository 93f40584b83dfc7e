"""The explorer's status line: model, image, device, colormap, and the stage or the error."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

SEPARATOR = "  |  "


class StatusLine(Widget):
    """One line the screen fills field by field; it repaints itself, never asking for a layout."""

    DEFAULT_CSS = """
    StatusLine { height: 1; width: 1fr; background: $panel; color: $text; text-wrap: nowrap; text-overflow: ellipsis; }
    StatusLine.-error { background: $error; }
    """

    model: reactive[str] = reactive("")
    """The model file's name."""
    image: reactive[str] = reactive("")
    """The image on show (its file name); empty: no image given."""
    image_number: reactive[int] = reactive(1)
    """Which of the images it is, from 1."""
    image_count: reactive[int] = reactive(0)
    """How many images there are to go through (n / p)."""
    device: reactive[str] = reactive("")
    """Where the model runs ("CPU", "GPU:0 ..."), or that the backend is still loading."""
    cmap: reactive[str] = reactive("")
    """The colormap of the activations."""
    stage: reactive[str] = reactive("starting")
    """What the engine is doing ("computing conv2d_3", "ready", "exported 3 file(s)")."""
    error: reactive[str] = reactive("")
    """The last error, shown instead of the stage until the next success."""

    def watch_error(self, error: str) -> None:
        self.set_class(bool(error), "-error")

    @property
    def image_text(self) -> str:
        """``rings.png``, ``rings.png (2/3)`` among several images, or ``no image``."""
        if not self.image:
            return "no image"
        return f"{self.image} ({self.image_number}/{self.image_count})" if self.image_count > 1 else self.image

    @property
    def text(self) -> str:
        return SEPARATOR.join((self.model, self.image_text, self.device, self.cmap, self.error or self.stage))

    def render(self) -> Content:
        return Content(self.text)  # plain text: a file name with [brackets] is not markup
