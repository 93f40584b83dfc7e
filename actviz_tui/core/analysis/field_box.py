"""The input pixels one position of a map sees: its receptive field as a box on the input image.

Position (row, col) of a layer's 2-D map (channels_first maps too: the field's axes are the
map's H and W, as drawn) looks at a field centred at ``ReceptiveField.centre((row, col))``,
``size`` pixels tall and wide (pixel centres at integers, as in ``receptive_field``). The box
keeps the same span rule as the scan's crops (``core.scan.crops``): ``size`` whole pixels
around the centre. Padding lets a field reach past the image: the box is then clipped, and
says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from actviz_tui.core.analysis.receptive_field import ReceptiveField

Span = tuple[int, int]  # [start, stop) in input pixels


@dataclass(frozen=True)
class FieldBox:
    """Where a position's field lies on an input of ``image_hw`` pixels: rows and cols [start, stop)."""

    rows: Span  # clipped to the image
    cols: Span
    field_rows: Span  # as the field reaches, past the border too
    field_cols: Span
    size: tuple[float, float]
    stride: tuple[float, float]
    whole: bool = False  # the layer sees the whole input (no spatial axes, or global pooling)
    global_context: bool = False  # a global branch joined: the position sees the whole input too

    @property
    def clipped(self) -> bool:
        return (self.rows, self.cols) != (self.field_rows, self.field_cols)

    @property
    def outline(self) -> tuple[int, int, int, int]:
        """(top, left, bottom, right) of the clipped box, bottom and right exclusive."""
        return self.rows[0], self.cols[0], self.rows[1], self.cols[1]

    def describe(self) -> str:
        """``field rows 2–9, cols 4–11 (size 8×8, stride 2)``; ``field: the whole input``."""
        if self.whole:
            return "field: the whole input"
        size = "×".join(_number(v) for v in self.size)
        stride = _number(self.stride[0]) if self.stride[0] == self.stride[1] else "×".join(map(_number, self.stride))
        notes = [f"size {size}", f"stride {stride}"]
        if self.clipped:
            notes.append("clipped at the image border")
        if self.global_context:
            notes.append("+ whole-input context")
        return (f"field rows {self.rows[0]}–{self.rows[1] - 1}, cols {self.cols[0]}–{self.cols[1] - 1} "
                f"({', '.join(notes)})")


NO_FIELD = "no receptive field here"


def field_box(field: ReceptiveField | None, position: tuple[int, int], image_hw: tuple[int, int]) -> FieldBox | None:
    """The box position (row, col) of a map sees on an ``image_hw`` input; None without a 2-D field."""
    height, width = int(image_hw[0]), int(image_hw[1])
    if field is None or height < 1 or width < 1:
        return None
    if field.whole:
        return FieldBox((0, height), (0, width), (0, height), (0, width), (height, width), (0, 0), whole=True)
    if len(field.size) != 2 or len(field.offset) != 2:
        return None
    centre_y, centre_x = field.centre(position)
    field_rows, field_cols = _span(centre_y, field.size[0]), _span(centre_x, field.size[1])
    rows, cols = _clipped(field_rows, centre_y, height), _clipped(field_cols, centre_x, width)
    return FieldBox(rows, cols, field_rows, field_cols, (field.size[0], field.size[1]), (field.jump[0], field.jump[1]),
                    global_context=field.global_context)


def _span(centre: float, size: float) -> Span:
    """``size`` whole pixels around ``centre`` (pixel k's centre at k): crops' rule, unclipped."""
    pixels = max(1, int(math.floor(size + 0.5)))
    start = int(math.floor(centre + 0.5 - pixels / 2 + 0.5))
    return start, start + pixels


def _clipped(span: Span, centre: float, extent: int) -> Span:
    start, stop = max(span[0], 0), min(span[1], extent)
    if stop <= start:  # the field lies wholly outside (a map larger than the image): its nearest pixel
        start = min(max(int(round(centre)), 0), extent - 1)
        stop = start + 1
    return start, stop


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"
