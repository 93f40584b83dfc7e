"""A map position's receptive field as a box of input pixels (the probe's box on the preview),
worked out by hand layer by layer: a k x k conv at stride 1 widens the span by k - 1 input
pixels times the jump, a 2x2/2 pool by one jump and doubles the jump; ``same`` padding
starts the span (k - 1) / 2 positions before."""

from __future__ import annotations

from actviz_tui.core.analysis.field_box import NO_FIELD, field_box
from actviz_tui.core.analysis.receptive_field import WHOLE_INPUT, ReceptiveField
from actviz_tui.core.model.engine import Model
from tests.functional.conftest import TINY_MODEL


def fields(path) -> dict:
    model = Model.open(path)
    return {info.name: field for info, field in zip(model.layers, model.receptive_fields)}


def spans(box) -> tuple:
    return box.rows, box.cols, box.field_rows, box.field_cols


def test_a_plain_chain_of_two_valid_convs_and_a_pool():
    tiny = fields(TINY_MODEL)  # 24x24 -> conv_a 3x3 -> pool_a 2x2/2 -> conv_b 3x3
    # conv_a: r sees r..r+2; pool_a: q sees conv_a 2q..2q+1, so input 2q..2q+3; conv_b: pool r..r+2 -> 2r..2r+7
    assert spans(field_box(tiny["conv_a"], (20, 21), (24, 24))) == ((20, 23), (21, 24), (20, 23), (21, 24))
    assert spans(field_box(tiny["pool_a"], (3, 10), (24, 24))) == ((6, 10), (20, 24), (6, 10), (20, 24))
    box = field_box(tiny["conv_b"], (1, 2), (24, 24))
    assert spans(box) == ((2, 10), (4, 12), (2, 10), (4, 12)) and not box.clipped
    assert box.outline == (2, 4, 10, 12)
    assert box.describe() == "field rows 2–9, cols 4–11 (size 8×8, stride 2)"
    assert field_box(tiny["conv_b"], (8, 8), (24, 24)).rows == (16, 24)  # the last position, to the border
    assert field_box(tiny["image"], (5, 6), (24, 24)).describe() == "field rows 5–5, cols 6–6 (size 1×1, stride 1)"


def test_a_nested_base_with_same_padding_is_clipped_at_the_border(sample_nested_keras):
    nested = fields(sample_nested_keras)  # backbone: 3x3 same, 2x2/2 pool, 3x3 same (64x64 input)
    # bb_conv32 position r: pool r-1..r+1, each pool q the conv 2q..2q+1 seeing 2q-1..2q+2: input 2r-3..2r+4
    box = field_box(nested["backbone/bb_conv32"], (5, 7), (64, 64))
    assert spans(box) == ((7, 15), (11, 19), (7, 15), (11, 19))
    corner = field_box(nested["backbone/bb_conv32"], (0, 31), (64, 64))
    assert spans(corner) == ((0, 5), (59, 64), (-3, 5), (59, 67)) and corner.clipped
    assert corner.describe() == "field rows 0–4, cols 59–63 (size 8×8, stride 2, clipped at the image border)"


def test_a_channels_first_model_boxes_rows_and_cols_of_its_maps(channels_first_keras):
    chw = fields(channels_first_keras)  # (3, 16, 16): conv_a 3x3 same, bn, pool 2x2/2, conv_b 3x3 same
    box = field_box(chw["conv_b"], (3, 6), (16, 16))  # input 2r-3..2r+4 as above
    assert spans(box) == ((3, 11), (9, 16), (3, 11), (9, 17))
    assert box.describe() == "field rows 3–10, cols 9–15 (size 8×8, stride 2, clipped at the image border)"
    assert field_box(chw["gap"], (0, 0), (16, 16)).describe() == "field: the whole input"


def test_whole_unknown_and_odd_fields():
    whole = field_box(WHOLE_INPUT, (0, 0), (30, 40))
    assert whole.whole and whole.outline == (0, 0, 30, 40) and whole.describe() == "field: the whole input"
    assert field_box(None, (1, 1), (30, 40)) is None and NO_FIELD == "no receptive field here"
    wide = ReceptiveField((7, 3), (2, 1), (3, 1), global_context=True)
    assert wide.centre((1, 4)) == (5, 5)
    assert field_box(wide, (1, 4), (30, 40)).describe() == (
        "field rows 2–8, cols 4–6 (size 7×3, stride 2×1, + whole-input context)")
    far = field_box(ReceptiveField((3, 3), (4, 4), (1, 1)), (20, 0), (30, 40))  # beyond the image: its nearest pixel
    assert far.rows == (29, 30) and far.clipped
