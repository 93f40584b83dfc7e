"""Layer-table cells: rounded, never cut; and the column plan that fits them."""

from __future__ import annotations

import pytest

from actviz_tui.core.analysis.stats import ActivationStats
from actviz_tui.core.pictures.cell_format import (
    TYPE_WIDTH, compress_names, elide_middle, elide_name, format_count, format_dead, format_number, format_percent,
    format_shape, index_ranges, short_type,
)
from actviz_tui.commands.summary import stats_cells
from actviz_tui.ui.layer_columns import COLUMNS, GAP, LAYER_MIN, plan_columns


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
    assert short_type("GlobalAveragePooling2D") == "GAvgPool2D"
    assert short_type("DepthwiseConv2D") == "DWConv2D"
    assert short_type("ZeroPadding2D") == "ZeroPad2D"
    assert short_type("Conv2D") == "Conv2D"
    assert short_type("Cropping2D") == "Cropping2D"  # short enough: left whole
    assert short_type("StochasticDepth") == "StochDepth"


@pytest.mark.parametrize("name", [
    "GlobalAveragePooling2D", "GlobalMaxPooling2D", "StochasticDepth", "SpatialDropout2D", "MultiHeadAttention",
    "UpSampling2D", "Conv2DTranspose", "SeparableConv2D", "LayerNormalization", "ActivityRegularization",
    "RandomTranslation", "GaussianDropout", "SpectralNormalization", "AdaptiveAveragePooling2D",
])
def test_type_names_fit_the_type_column(name):
    assert len(short_type(name)) <= TYPE_WIDTH == 10


def test_names_are_elided_in_the_middle():
    assert elide_middle("conv2_block1_1_conv", 30) == "conv2_block1_1_conv"
    short = elide_middle("conv2_block1_1_conv", 12)
    assert len(short) == 12 and short.startswith("conv2") and short.endswith("1_conv") and "…" in short


DENSENET = [  # rows 11-28 of keras.applications.DenseNet121
    "conv2_block1_1_relu", "conv2_block1_2_conv", "conv2_block1_concat", "conv2_block2_0_bn", "conv2_block2_0_relu",
    "conv2_block2_1_conv", "conv2_block2_1_bn", "conv2_block2_1_relu", "conv2_block2_2_conv", "conv2_block2_concat",
    "conv2_block3_0_bn", "conv2_block3_0_relu", "conv2_block3_1_conv", "conv2_block3_1_bn", "conv2_block3_1_relu",
    "conv2_block3_2_conv", "conv2_block3_concat", "conv2_block4_0_bn",
]


def elided_rows(names: list[str], width: int, near: int = 10) -> list[str]:
    return [elide_name(name, width, tuple(names[max(0, i - near):i] + names[i + 1:i + near + 1]))
            for i, name in enumerate(names)]


@pytest.mark.parametrize("width", [14, 17])
def test_long_names_lose_their_shared_prefix_not_what_tells_them_apart(width):
    shown = elided_rows(DENSENET, width)
    assert all(len(text) <= width for text in shown)
    concats = [text for name, text in zip(DENSENET, shown) if name.endswith("concat")]
    assert concats == [f"…{name[-(width - 1):]}" for name in DENSENET if name.endswith("concat")]
    assert [text.split("block")[1][0] for text in concats] == ["1", "2", "3"]  # the block numbers stay
    assert len(set(shown)) == len(shown)  # no two rows read alike (elide_middle made 13/20/27 "conv2_b…_concat")


def test_a_name_that_fits_stays_whole_and_a_tail_like_its_neighbours_shows_where_they_differ():
    assert elide_name("conv2_block1_concat", 19, ("pool1",)) == "conv2_block1_concat"
    convnext = "convnext_tiny_stage_0_block_{}_{}"
    around = ("convnext_tiny_stem_layernorm", convnext.format(0, "layernorm"))
    assert elide_name(convnext.format(0, "depthwise_conv"), 29, around) == "…age_0_block_0_depthwise_conv"
    # the same role one block on: the tails read alike, so the block number stays too
    names = [convnext.format(block, role) for block in range(3) for role in (
        "depthwise_conv", "layernorm", "pointwise_conv_1", "gelu", "pointwise_conv_2", "layer_scale", "identity")]
    shown = elided_rows(names, 14)
    assert shown[:3] == ["…k_0…wise_conv", "…k_0_layernorm", "…k_0…se_conv_1"]
    assert all(len(text) == 14 for text in shown) and len(set(shown)) == len(shown)
    pair = ("separable_conv_1_normal_left1_12", "separable_conv_2_normal_left1_12")
    assert elided_rows(list(pair), 14) == ["…v_1…_left1_12", "…v_2…_left1_12"]


def test_names_differing_in_one_number_are_written_once_and_nothing_is_left_out():
    names = [f"convnext_tiny_stage_2_block_{i}_identity" for i in (8, 7, 6)] + [
        "convnext_tiny_downsampling_block_1", "convnext_tiny_stage_2_block_0_identity"]
    assert compress_names(names) == ["convnext_tiny_stage_2_block_{0,6-8}_identity", "convnext_tiny_downsampling_block_1"]
    assert compress_names(["pool1", "conv2_block1_2_conv"]) == ["pool1", "conv2_block1_2_conv"]
    assert index_ranges([9, 0, 1, 2, 3, 7, 10]) == "0-3, 7, 9-10"


def test_shapes_read_hxwxc():
    assert format_shape((341, 512, 3)) == "341x512x3"
    assert format_shape((None, None, 3)) == "?x?x3"


NATURAL = {"#": 3, "Layer": 22, "Type": 10, "Output": 9, "Params": 6, "mean": 7, "zero": 5, "dead": 6}


def test_every_column_fits_when_there_is_room():
    plan = plan_columns(NATURAL, 100)
    assert plan.keys == tuple(column.key for column in COLUMNS if column.key in NATURAL) and not plan.split
    assert sum(plan.widths) + GAP * (len(plan.widths) - 1) <= 100
    assert plan.width_of("Layer") == 22


def test_short_space_shows_one_group_and_gives_layer_the_rest():
    stats = plan_columns(NATURAL, 55, 0)
    structure = plan_columns(NATURAL, 55, 1)
    assert stats.split and stats.keys == ("#", "Layer", "Type", "mean", "zero", "dead")
    assert structure.keys == ("#", "Layer", "Type", "Output", "Params")
    assert plan_columns(NATURAL, 55, 2) == stats  # t goes round
    for plan in (stats, structure):
        assert sum(plan.widths) + GAP * (len(plan.widths) - 1) <= 55
        assert all(plan.width_of(key) == NATURAL[key] for key in plan.keys if key != "Layer")


def test_a_narrow_table_pages_its_columns_and_keeps_the_names_readable():
    """80x24: the sidebar's table has 39 cells: a page per column, every one reachable with t."""
    natural = {"#": 3, "Layer": 44, "Type": 10, "Output": 8, "Params": 6, "mean": 9, "zero": 5, "dead": 6}
    plans = [plan_columns(natural, 39, page) for page in range(len(plan_columns(natural, 39).pages))]
    assert [plan.keys[3:] for plan in plans] == [("mean",), ("zero",), ("dead",), ("Output",), ("Params",)]
    assert all(plan.width_of("Layer") >= LAYER_MIN and sum(plan.widths) + GAP * (len(plan.widths) - 1) <= 39
               for plan in plans)
