"""The predictions panel's text: each output's top classes with scores and bars.

The bars share their output's scale (``ui.output_bars``): probabilities on
[0, 1], logits and regression values on the output's own range, zero marked.
"""

from __future__ import annotations

from rich.text import Text

from actviz_tui.core.analysis.class_names import is_binary
from actviz_tui.ui.output_bars import BarScale

BAR_CELLS = 20


def prediction_lines(predictions: list, target: int | None) -> Text:
    """One heading per output, then its top classes; the class heatmap's target marked ▶."""
    text = Text()
    for position, prediction in enumerate(predictions):
        units = f"{prediction.units} unit{'' if prediction.units == 1 else 's'}"
        if is_binary(prediction.kind, prediction.units):
            units += ": p for class 1, 1 - p for class 0"
        scale = BarScale.for_output(prediction.kind, prediction.low, prediction.high)
        text.append(f"{prediction.output} ({prediction.kind}, {units})", style="bold")
        text.append(f"  {scale.describe()}\n", style="dim")
        for entry in prediction.top:
            marked = position == 0 and entry.index == target
            name = entry.label or f"class {entry.index}"
            text.append("▶ " if marked else "  ", style="bold yellow")
            text.append(f"{entry.index:>4} {name[:28]:<28} {entry.score:>9.4g} ", style="bold" if marked else "")
            scale.append_bar(text, entry.score, BAR_CELLS, "yellow" if marked else "cyan")
            text.append("\n")
    text.rstrip()
    return text
