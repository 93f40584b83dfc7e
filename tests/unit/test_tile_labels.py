"""Grid tiles carry their channel number when they are large enough."""

from __future__ import annotations

import numpy as np

from actviz_tui.ui.grid_layout import GridLayout
from actviz_tui.ui.grid_picture import grid_picture
from actviz_tui.ui.tile_labels import GLYPHS, INK_RGB, MARGIN, label_size, stamp_number


def ink(rgb: np.ndarray) -> np.ndarray:
    return (rgb == INK_RGB).all(axis=2)


def test_a_stamped_number_reads_back_digit_by_digit():
    rgb = np.zeros((20, 30, 3), dtype=np.uint8)
    stamp_number(rgb, 2, 3, 15)
    drawn = ink(rgb)
    assert (drawn[2 + MARGIN : 7 + MARGIN, 3 + MARGIN : 6 + MARGIN] == GLYPHS["1"]).all()
    assert (drawn[2 + MARGIN : 7 + MARGIN, 7 + MARGIN : 10 + MARGIN] == GLYPHS["5"]).all()
    assert drawn.sum() == GLYPHS["1"].sum() + GLYPHS["5"].sum()
    assert label_size(15) == (7, 9)


def test_large_tiles_are_numbered_and_small_ones_are_not():
    stack = np.random.default_rng(0).random((8, 8, 12)).astype(np.float32) * 0.5  # viridis never reaches white
    big = GridLayout(cols=4, rows=3, tile_w=24, tile_h=24)
    picture = grid_picture(stack, big, 0, selected=-1, cmap="viridis", scale="channel")
    for slot in range(12):
        y, x = big.tile_origin(slot)
        tile_ink = ink(picture[y : y + 24, x : x + 24])
        height, width = label_size(slot)
        assert tile_ink.any() and not tile_ink[height:, :].any() and not tile_ink[:, width:].any()
    small = GridLayout(cols=4, rows=3, tile_w=8, tile_h=8)
    assert not ink(grid_picture(stack, small, 0, selected=-1, cmap="viridis", scale="channel")).any()
