"""The selected layer in full, under the views: name, type, shape, inputs and receptive field.

The table has room for short names and types only; this line has the rest. It is
as tall as the longest layer's detail needs at this width (up to MOST_LINES), so
moving through the table does not change the layout.
"""

from __future__ import annotations

from typing import Sequence

from textual.content import Content
from textual.widget import Widget

from actviz_tui.core.analysis.receptive_field import ReceptiveField
from actviz_tui.core.model.graph import LayerInfo
from actviz_tui.core.pictures.cell_format import compress_names, format_count, format_shape

SEPARATOR = "  "
PLAIN_INPUTS = 4  # more inputs than this (a chain of x + f(x)) are written compressed: block_{0-8}_identity
MOST_LINES = 3  # the height kept for every layer; a layer that needs more gets it while selected


def detail_parts(layer: LayerInfo, field: ReceptiveField | None) -> list[list[str]]:
    """The detail's parts: name, type, shape, params, inputs, receptive field. A part is a
    list of words that stay on one line if they can (the inputs break between names)."""
    shape, params = format_shape(layer.output_shape[1:]), f"{format_count(layer.params)} params"
    parts = [[layer.name], [layer.type], [shape], [params]]
    if layer.inputs:
        names = compress_names(layer.inputs) if len(layer.inputs) > PLAIN_INPUTS else list(layer.inputs)
        words = [f"{name}," for name in names[:-1]] + [names[-1]]
        parts.append([f"← {words[0]}", *words[1:]])
    elif layer.type != "InputLayer":
        parts.append(["← the model's input"])
    if layer.type != "InputLayer":
        parts.append([field.describe() if field is not None else "RF unknown"])
    return parts


def wrap_parts(parts: Sequence[Sequence[str]], width: int) -> list[str]:
    """Lines of at most ``width`` characters: parts apart by two spaces, their words by one;
    a line breaks between parts if it can, else between words (a word wider than a line is folded)."""
    lines: list[str] = []
    line = ""
    for part in parts:
        whole = " ".join(part)
        if line and len(line) + len(SEPARATOR) + len(whole) > width:
            lines.append(line)
            line = ""
        for position, word in enumerate(part):
            gap = (SEPARATOR if position == 0 else " ") if line else ""
            if line and len(line) + len(gap) + len(word) > width:
                lines.append(line)
                line, gap = "", ""
            line += gap + word
            while width > 0 and len(line) > width:
                lines.append(line[:width])
                line = line[width:]
    return [*lines, line] if line else lines


class LayerDetail(Widget):
    DEFAULT_CSS = "LayerDetail { height: 1; width: 1fr; color: $text; background: $boost; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._parts: list[list[list[str]]] = []
        self.row: int | None = None

    def set_layers(self, layers: Sequence[LayerInfo], fields: Sequence[ReceptiveField | None]) -> None:
        self._parts = [detail_parts(layer, field) for layer, field in zip(layers, fields)]
        self._fit_height()
        self.refresh()

    def show(self, row: int) -> None:
        if row != self.row:
            self.row = row
            self._fit_height()
            self.refresh()

    @property
    def lines(self) -> list[str]:
        if self.row is None or not 0 <= self.row < len(self._parts):
            return []
        return wrap_parts(self._parts[self.row], self.size.width)

    def on_resize(self) -> None:
        self._fit_height()

    def _fit_height(self) -> None:
        width = self.size.width
        if width <= 0 or not self._parts:
            return
        height = min(MOST_LINES, max(len(wrap_parts(parts, width)) for parts in self._parts))
        height = max(height, len(self.lines))
        if self.styles.height is None or self.styles.height.value != height:
            self.styles.height = height

    def render(self) -> Content:
        lines = self.lines
        if not lines:
            return Content("")
        name = self._parts[self.row][0] if self.row is not None else ""
        text = Content("\n".join(lines))
        return text.stylize("bold", 0, min(len(name), len(lines[0])))
