"""A model output drawn as labelled horizontal bars, the selected unit marked.

When every unit fits, they are listed in order; otherwise the highest ones,
always with the selected unit among them.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.widgets import Static

LABEL_CELLS = 24


class UnitBars(Static):
    DEFAULT_CSS = "UnitBars { height: 1fr; }"

    _shown: tuple | None = None

    def show(self, values: np.ndarray, selected: int, labels: dict[int, str] | None) -> None:
        self._shown = (values, selected, labels)
        self.update(unit_bars_text(values, selected, labels, max(self.size.height, 3), max(self.size.width, 40)))

    def on_resize(self) -> None:  # first laid out (it was hidden) or the terminal changed
        if self._shown is not None:
            self.show(*self._shown)


def shown_units(values: np.ndarray, selected: int, rows: int) -> list[int]:
    """Unit indices to list: all in order if they fit, else the top ones plus ``selected``."""
    if values.size <= rows:
        return list(range(values.size))
    top = [int(i) for i in np.argsort(-values, kind="stable")[: rows - 1]]
    return top if selected in top else top + [selected]


def unit_bars_text(values: np.ndarray, selected: int, labels, rows: int, width: int) -> Text:
    values = np.asarray(values, dtype=np.float64).ravel()
    units = shown_units(values, selected, rows)
    span = max(float(np.max(np.abs(values[units]))), 1e-12)
    bar_cells = max(width - LABEL_CELLS - 20, 5)
    text = Text()
    for index in units:
        name = (labels or {}).get(index) or f"unit {index}"
        marked = index == selected
        text.append("▶ " if marked else "  ", style="bold yellow")
        label = f"{index:>4} {name[:LABEL_CELLS]:<{LABEL_CELLS}} {values[index]:>10.4g} "
        text.append(label, style="bold" if marked else "")
        text.append("█" * max(1, round(bar_cells * abs(values[index]) / span)) + "\n",
                    style="yellow" if marked else ("red" if values[index] < 0 else "cyan"))
    text.rstrip()
    return text
