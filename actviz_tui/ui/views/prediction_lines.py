"""The predictions panel's text: each output's top classes with scores and bars."""

from __future__ import annotations

from rich.text import Text

from actviz_tui.core.analysis.class_names import is_binary

BAR_CELLS = 20


def prediction_lines(predictions: list, target: int | None) -> Text:
    """One heading per output, then its top classes; the class heatmap's target marked ▶."""
    text = Text()
    for position, prediction in enumerate(predictions):
        units = f"{prediction.units} unit{'' if prediction.units == 1 else 's'}"
        if is_binary(prediction.kind, prediction.units):
            units += ": p for class 1, 1 - p for class 0"
        text.append(f"{prediction.output} ({prediction.kind}, {units})\n", style="bold")
        highest = max((abs(entry.score) for entry in prediction.top), default=1.0) or 1.0
        for entry in prediction.top:
            marked = position == 0 and entry.index == target
            name = entry.label or f"class {entry.index}"
            bar = "█" * max(1, round(BAR_CELLS * abs(entry.score) / highest))
            text.append("▶ " if marked else "  ", style="bold yellow")
            text.append(f"{entry.index:>4} {name[:28]:<28} {entry.score:>9.4g} ", style="bold" if marked else "")
            text.append(f"{bar}\n", style="yellow" if marked else "cyan")
    text.rstrip()
    return text
