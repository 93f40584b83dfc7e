"""Where a top image is cropped (the receptive field of the peak), view 6's tile plan and titles."""

import pytest

from actviz_tui.core.analysis.receptive_field import WHOLE_INPUT, ReceptiveField
from actviz_tui.core.scan.crops import crop_box
from actviz_tui.core.scan.report import TopImage
from actviz_tui.core.scan.top_images import tile_title
from actviz_tui.ui.top_tiles import MIN_TILE_H, fit_title, plan_tiles

FIELD_3 = ReceptiveField((3.0, 3.0), (1.0, 1.0))  # no offset: the map is stretched over the image
VALID_3 = ReceptiveField((3.0, 3.0), (1.0, 1.0), (1.0, 1.0))  # a 3x3 valid convolution: position i at pixel i + 1
SAMPLE_CONV2D_3 = ReceptiveField((38.0, 38.0), (8.0, 8.0), (18.5, 18.5))  # the sample's conv2d_3


@pytest.mark.parametrize(
    ("image_hw", "map_hw", "y", "x", "field", "box"),
    [
        # centre (10.5 * 24/22, 5.5 * 24/22) = (11.45, 6.0): 3 pixels round it
        ((24, 24), (22, 22), 10, 5, FIELD_3, (10, 5, 13, 8)),
        ((24, 24), (22, 22), 0, 0, FIELD_3, (0, 0, 2, 2)),  # clipped at the top-left corner
        ((24, 24), (22, 22), 21, 21, FIELD_3, (22, 22, 24, 24)),  # and at the bottom-right one
        ((150, 150), (15, 15), 4, 10, ReceptiveField((38.0, 38.0), (8.0, 8.0)), (26, 86, 64, 124)),
        ((150, 150), (15, 15), 0, 14, ReceptiveField((38.0, 38.0), (8.0, 8.0)), (0, 126, 24, 150)),
        ((40, 60), (4, 6), 1, 2, ReceptiveField((7.0, 5.0), (10.0, 10.0)), (12, 23, 19, 28)),  # not square
        ((24, 24), (2, 2), 1, 1, ReceptiveField((100.0, 100.0), (12.0, 12.0)), (0, 0, 24, 24)),  # larger than it
        ((24, 24), (22, 22), 10, 5, VALID_3, (10, 5, 13, 8)),  # pixels 10-12 and 5-7: centred on 11 and 6
        ((24, 24), (22, 22), 21, 0, VALID_3, (21, 0, 24, 3)),
        # conv2d_3 of the sample: position 4 at 18.5 + 32 = 50.5, 38 px: pixels 32-69; position 14 at 130.5: 112-149
        ((150, 150), (15, 15), 4, 14, SAMPLE_CONV2D_3, (32, 112, 70, 150)),
        ((24, 24), (22, 22), 3, 3, None, (0, 0, 24, 24)),  # field unknown: the whole image
        ((24, 24), (22, 22), 3, 3, WHOLE_INPUT, (0, 0, 24, 24)),  # the field is the whole input
        ((24, 24), None, 3, 3, FIELD_3, (0, 0, 24, 24)),  # a free map size
        ((24, 24), (22, 22), None, None, FIELD_3, (0, 0, 24, 24)),  # no position kept (no maps)
    ],
)
def test_crop_box(image_hw, map_hw, y, x, field, box):
    assert crop_box(image_hw, map_hw, y, x, field) == box


def test_crop_box_keeps_the_field_size_inside_the_image():
    field = ReceptiveField((8.0, 8.0), (2.0, 2.0))
    for y in range(1, 8):
        top, left, bottom, right = crop_box((24, 24), (9, 9), y, y, field)
        assert (bottom - top, right - left) == (8, 8)


def test_tile_titles_round_the_score_and_never_cut_it():
    top = TopImage("data/cats/cat_0123_long_name.jpg", 4, 12.3456, 1, 2)
    assert tile_title(top) == "cat_0123_long_name.jpg 12.3"
    assert tile_title(top._replace(score=0.00012345)) == "cat_0123_long_name.jpg 0.000123"
    assert fit_title("cat_0123_long_name.jpg", "12.3", 16) == "cat_0…e.jpg 12.3"  # 16 cells
    assert fit_title("a.png", "12.3", 30) == "a.png 12.3"


def test_tile_plan_shows_the_crops_largest():
    plan = plan_tiles(9, 38, 38, 59, 31)  # a 3 x 3 grid of square tiles
    assert (plan.cols, plan.tile_h) == (3, 10)
    wide = plan_tiles(4, 10, 40, 60, 40)  # wide crops stack in one column
    assert wide.cols == 1 and wide.tile_h == 10
    tiny = plan_tiles(9, 30, 30, 20, 12)  # too small a pane: tiles keep a minimum height, and scroll
    assert (tiny.cols, tiny.tile_h) == (2, MIN_TILE_H)
