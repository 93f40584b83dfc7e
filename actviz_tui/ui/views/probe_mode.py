"""View 1's probe: a cursor on the map's positions, its value, and its receptive field on the input.

``ProbeCursor`` is where the cursor is (row, col of the channel's 2-D map, as drawn, for
channels_first models too); ``probe_line`` says what is under it; ``PreviewField`` asks the
screen to box the position's field on the input preview (None: the plain picture again).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from textual.message import Message

from actviz_tui.core.analysis.field_box import NO_FIELD, FieldBox, field_box
from actviz_tui.core.pictures.display_maps import describe_picture
from actviz_tui.ui.picture_marks import Outline

HOW_TO = "arrows move (shift: 4), click a position, Esc or v leaves"


@dataclass(frozen=True)
class ProbeCursor:
    row: int
    col: int

    def moved(self, rows: int, cols: int, shape: tuple[int, ...]) -> "ProbeCursor":
        return ProbeCursor(self.row + rows, self.col + cols).clamped(shape)

    def clamped(self, shape: tuple[int, ...]) -> "ProbeCursor":
        """Kept on a map of ``shape`` (H, W, ...): another layer's map may be smaller."""
        return ProbeCursor(min(max(self.row, 0), shape[0] - 1), min(max(self.col, 0), shape[1] - 1))

    @property
    def outline(self) -> Outline:
        """The marker drawn around the cell, black or white against it, so it shows on any colormap."""
        return Outline(self.row, self.col, self.row + 1, self.col + 1, around=True)


@dataclass
class PreviewField(Message):
    """Box this field on the input preview; None: show the plain picture."""

    box: FieldBox | None


def unprobeable(activation: np.ndarray, name: str) -> str | None:
    """Why this layer's activation cannot be probed (no 2-D maps per channel), or None."""
    if activation.ndim == 3:
        return None
    if activation.ndim > 3:
        return f"probe: {name}'s maps are volumes ({'x'.join(map(str, activation.shape))}): only 2-D maps are probed"
    return f"probe: {name} has no 2-D maps ({describe_picture(activation)}): nothing to probe"


def picture_hw(picture: np.ndarray | None) -> tuple[int, int] | None:
    """(H, W) of the input as the preview shows it (channels last, a batch of one or none)."""
    if picture is None:
        return None
    shape = np.shape(picture)[1:] if np.ndim(picture) == 4 else np.shape(picture)
    return (int(shape[0]), int(shape[1])) if len(shape) >= 2 else None


def probed_box(field, cursor: ProbeCursor, picture: np.ndarray | None) -> FieldBox | None:
    image_hw = picture_hw(picture)
    return None if image_hw is None else field_box(field, (cursor.row, cursor.col), image_hw)


def probe_line(values: np.ndarray, cursor: ProbeCursor, box: FieldBox | None) -> str:
    """``probe (3, 5) = 0.1234   field rows 6–13, cols 10–17 (size 8×8, stride 2)   arrows move...``."""
    value = float(values[cursor.row, cursor.col])
    where = NO_FIELD if box is None else box.describe()
    return f"probe ({cursor.row}, {cursor.col}) = {value:.4g}   {where}   ({HOW_TO})"
