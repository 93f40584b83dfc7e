"""Which slice of a long list of layers to show: a window centred on one layer.

The across-layers view and the across-layers export both show at most a
fixed number of panels; on a deep model that is a window, not the whole list.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class LayerWindow:
    start: int  # first shown position in the list (0-based)
    stop: int  # one past the last shown position
    total: int  # length of the whole list
    shift: int = 0  # how far the window was moved from its centred place (after clamping)

    @property
    def count(self) -> int:
        return self.stop - self.start

    @property
    def is_partial(self) -> bool:
        return self.count < self.total

    def describe(self) -> str:
        """``layers 30-53 of 76`` (1-based and inclusive, as people count)."""
        return f"layers {self.start + 1}-{self.stop} of {self.total}"


def layer_window(rows: Sequence[int], around: int | None, count: int, shift: int = 0) -> LayerWindow:
    """The window of at most ``count`` positions of ``rows`` (sorted table rows)
    centred on table row ``around``, moved by ``shift`` positions and kept inside
    the list. A row that is not in ``rows`` centres on the nearest one after it;
    ``around=None`` starts at the beginning."""
    total, count = len(rows), max(1, count)
    if around is None:
        centred = 0
    else:
        position = min(bisect_left(rows, around), max(total - 1, 0))
        centred = position - (count - 1) // 2
    last_start = max(total - count, 0)
    centred = min(max(centred, 0), last_start)
    start = min(max(centred + shift, 0), last_start)
    return LayerWindow(start, min(start + count, total), total, start - centred)
