"""Output bars read as values: probabilities on [0, 1], other values on their own range with 0 marked."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.analysis.predictions import top_classes
from actviz_tui.ui.output_bars import AXIS, FILL, BarScale
from actviz_tui.ui.views.prediction_lines import prediction_lines
from actviz_tui.ui.widgets.unit_bars import unit_bars_text

WIDTH = 84  # 40 bar cells in unit_bars_text


def bar_rows(text: str) -> list[str]:
    return text.splitlines()[1:]  # under the heading


def test_a_flat_softmax_draws_no_full_bars():
    values = np.full(1000, 0.001)
    values[7] = 0.5
    text = unit_bars_text(values, 3, None, 6, WIDTH, "softmax").plain
    assert text.splitlines()[0] == "softmax, 1000 units · bars: probability on [0, 1]"
    rows = bar_rows(text)
    assert rows[0].startswith("     7 unit 7") and rows[0].count(FILL) == 20  # p = 0.5: half of 40 cells
    assert all(row.count(FILL) == 0 for row in rows[1:])  # p = 0.001: nothing, not a full bar
    assert rows[-1].startswith("▶    3 unit 3")


def test_probabilities_keep_their_scale_when_all_are_small():
    values = np.array([0.001, 0.002, 0.997])
    text = unit_bars_text(values, 0, None, 6, WIDTH, "sigmoid").plain
    assert [row.count(FILL) for row in bar_rows(text)] == [0, 0, 40]


def test_logits_share_one_range_with_zero_marked():
    values = np.array([-2.0, 0.0, 4.0, 1.0])
    text = unit_bars_text(values, 0, None, 6, WIDTH, "values").plain
    assert text.splitlines()[0] == f"values, 4 units · bars: value on [-2, 4], {AXIS} = 0"
    rows = bar_rows(text)
    axis = {row.index(AXIS) for row in rows}
    assert len(axis) == 1  # zero at one column in every row
    (column,) = axis
    bars = [row.ljust(column + 27)[column - 13 : column + 27] for row in rows]  # 40 cells: 13 left of 0, 26 right
    assert bars[0] == FILL * 13 + AXIS + " " * 26  # -2: the whole left side
    assert bars[1] == " " * 13 + AXIS + " " * 26  # 0: nothing
    assert bars[2] == " " * 13 + AXIS + FILL * 26  # 4: the whole right side
    assert bars[3] == " " * 13 + AXIS + FILL * 6 + " " * 20  # 1: a quarter of it (26 / 4 = 6.5 -> 6)


def test_all_positive_values_start_at_the_zero_axis():
    scale = BarScale.of_values("values", np.array([2.0, 8.0]))
    assert (scale.low, scale.high) == (0.0, 8.0)
    assert "".join(piece for piece, _ in scale.parts(2.0, 9)) == AXIS + FILL * 2 + " " * 6


def test_predictions_panel_bars_on_the_outputs_scale():
    flat = top_classes(np.full(1000, 0.001), "predictions", "softmax", None)
    logits = top_classes(np.linspace(-3.0, 6.0, 10), "logits", "values", None)
    assert (logits.low, logits.high) == (-3.0, 6.0)
    text = prediction_lines([flat, logits], target=0).plain
    lines = text.splitlines()
    assert lines[0] == "predictions (softmax, 1000 units)  bars: probability on [0, 1]"
    assert all(FILL not in line for line in lines[1:6])  # 0.001 each: no bar
    assert lines[6] == f"logits (values, 10 units)  bars: value on [-3, 6], {AXIS} = 0"
    assert lines[7].startswith("     9 class 9") and lines[7].endswith(AXIS + FILL * 13)  # 6: all right of 0


def test_one_sigmoid_unit_says_it_is_two_classes_on_the_probability_scale():
    text = unit_bars_text(np.array([0.75]), 0, {0: "opacity"}, 4, WIDTH, "sigmoid").plain
    heading, row = text.splitlines()
    assert heading == "sigmoid, 1 unit: p for class 1, 1 - p for class 0 · bars: probability on [0, 1]"
    assert row.startswith("▶    0 opacity") and row.count(FILL) == 30  # p = 0.75 of 40 cells
    p = 0.75
    binary = top_classes(np.array([1 - p, p]), "score", "sigmoid", {0: "negative", 1: "positive"}, units=1)
    assert (binary.low, binary.high, binary.units) == (0.25, 0.75, 1)
    lines = prediction_lines([binary], target=1).plain.splitlines()
    assert lines[0] == "score (sigmoid, 1 unit: p for class 1, 1 - p for class 0)  bars: probability on [0, 1]"
    assert lines[1].startswith("▶    1 positive") and lines[1].count(FILL) == 15  # 0.75 of 20 cells
    assert lines[2].startswith("     0 negative") and lines[2].count(FILL) == 5
