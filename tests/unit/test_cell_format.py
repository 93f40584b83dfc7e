"""Layer-table cells: rounded, never cut; and the column plan that fits them."""

from __future__ import annotations

import pytest

from actviz_tui.core.analysis.stats import ActivationStats
from actviz_tui.core.pictures.cell_format import (
    elide_middle, format_count, format_dead, format_number, format_percent, format_shape, short_type,
)
from actviz_tui.commands.summary import stats_cells
from actviz_tui.ui.layer_columns import COLUMNS, GAP, STATISTICS, STRUCTURE, plan_columns


@pytest.mark.parametrize(("value", "text"), [
    (0.229, "0.229"), (0.22949, "0.229"), (0.2296, "0.23"), (-0.046612, "-0.0466"), (123.456, "123"),
    (1234.5, "1.23e3"), (0.0000123456, "1.23e-5"), (0.0, "0"), (-0.0, "0"), (1.0, "1"),
    (float("nan"), "nan"), (float("-inf"), "-inf"),
])
def test_numbers_keep_three_significant_digits_rounded(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(("count", "text"), [
    (0, "0"), (448, "448"), (999, "999"), (1000, "1k"), (18_496, "18.5k"), (3_200_000, "3.2M"),
    (23_587_712, "23.6M"), (999_999, "1M"), (30752, "30.8k"), (4_100_000_000, "4.1G"),
])
def test_counts_shrink_to_a_unit(count, text):
    assert format_count(count) == text


def test_dead_channels_read_dead_of_all_everywhere():
    stats = ActivationStats(0.0, 1.0, 0.5, 0.4, 2, 32)
    assert format_dead(2, 32) == "2/32"
    assert format_dead(30752, 30752) == "30752/30752"  # never cut
    assert format_dead(0, 32) == ""
    assert stats_cells(stats)[-1] == "2/32"  # actviz summary uses the same function


def test_percent_says_when_a_share_only_rounds_to_0_or_100():
    assert [format_percent(f) for f in (0.0, 0.001, 0.455, 0.998, 1.0)] == ["0%", "<1%", "46%", ">99%", "100%"]


def test_type_names_are_abbreviated_from_one_table():
    assert short_type("BatchNormalization") == "BatchNorm"
    assert short_type("MaxPooling2D") == "MaxPool2D"
    assert short_type("GlobalAveragePooling2D") == "GlobalAvgPool2D"
    assert short_type("DepthwiseConv2D") == "DWConv2D"
    assert short_type("ZeroPadding2D") == "ZeroPad2D"
    assert short_type("Conv2D") == "Conv2D"


def test_names_are_elided_in_the_middle():
    assert elide_middle("conv2_block1_1_conv", 30) == "conv2_block1_1_conv"
    short = elide_middle("conv2_block1_1_conv", 12)
    assert len(short) == 12 and short.startswith("conv2") and short.endswith("1_conv") and "…" in short


def test_shapes_read_hxwxc():
    assert format_shape((341, 512, 3)) == "341x512x3"
    assert format_shape((None, None, 3)) == "?x?x3"


NATURAL = {"#": 3, "Layer": 22, "Type": 15, "Output": 9, "Params": 6, "mean": 7, "zero": 5, "dead": 6}


def test_every_column_fits_when_there_is_room():
    plan = plan_columns(NATURAL, 100)
    assert plan.keys == tuple(column.key for column in COLUMNS) and not plan.split
    assert sum(plan.widths) + GAP * (len(plan.widths) - 1) <= 100
    assert plan.width_of("Layer") == 22


def test_short_space_shows_one_group_and_gives_layer_the_rest():
    stats = plan_columns(NATURAL, 60, STATISTICS)
    structure = plan_columns(NATURAL, 60, STRUCTURE)
    assert stats.split and stats.keys == ("#", "Layer", "Type", "mean", "zero", "dead")
    assert structure.keys == ("#", "Layer", "Type", "Output", "Params")
    for plan in (stats, structure):
        assert sum(plan.widths) + GAP * (len(plan.widths) - 1) <= 60
        assert all(plan.width_of(key) == NATURAL[key] for key in plan.keys if key != "Layer")
