"""A model output drawn as labelled horizontal bars, the selected unit marked.

When every unit fits, they are listed in order; otherwise the highest ones,
always with the selected unit among them. The bars share the output's scale
(``ui.output_bars``): probabilities on [0, 1], other values on their own range
with zero marked; the first line says which (and, for one sigmoid unit, that
it is p for class 1 and 1 - p for class 0).
"""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.widgets import Static

from actviz_tui.core.analysis.class_names import is_binary
from actviz_tui.ui.output_bars import BarScale

LABEL_CELLS = 24


class UnitBars(Static):
    DEFAULT_CSS = "UnitBars { height: 1fr; }"

    _shown: tuple | None = None

    def show(self, values: np.ndarray, selected: int, labels: dict[int, str] | None, kind: str = "values") -> None:
        self._shown = (values, selected, labels, kind)
        rows, width = max(self.size.height, 3), max(self.size.width, 40)
        self.update(unit_bars_text(values, selected, labels, rows, width, kind))

    def on_resize(self) -> None:  # first laid out (it was hidden) or the terminal changed
        if self._shown is not None:
            self.show(*self._shown)


def shown_units(values: np.ndarray, selected: int, rows: int) -> list[int]:
    """Unit indices to list: all in order if they fit, else the top ones plus ``selected``."""
    if values.size <= rows:
        return list(range(values.size))
    top = [int(i) for i in np.argsort(-values, kind="stable")[: rows - 1]]
    return top if selected in top else top + [selected]


def unit_bars_text(values: np.ndarray, selected: int, labels, rows: int, width: int, kind: str = "values") -> Text:
    """A heading naming the scale, then one line per shown unit (``rows`` lines in all)."""
    values = np.asarray(values, dtype=np.float64).ravel()
    scale = BarScale.of_values(kind, values)
    shown = shown_units(values, selected, max(rows - 1, 1))
    bar_cells = max(width - LABEL_CELLS - 20, 5)
    units = f"{values.size} unit{'' if values.size == 1 else 's'}"
    if is_binary(kind, values.size):
        units += ": p for class 1, 1 - p for class 0"
    text = Text(f"{kind}, {units} · {scale.describe()}\n", style="dim")
    for index in shown:
        name = (labels or {}).get(index) or f"unit {index}"
        marked = index == selected
        text.append("▶ " if marked else "  ", style="bold yellow")
        label = f"{index:>4} {name[:LABEL_CELLS]:<{LABEL_CELLS}} {values[index]:>10.4g} "
        text.append(label, style="bold" if marked else "")
        scale.append_bar(text, values[index], bar_cells, "yellow" if marked else "cyan",
                         "yellow" if marked else "red")
        text.append("\n")
    text.rstrip()
    return text
