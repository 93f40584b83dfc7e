"""Pictures for real-pixel terminals: padded to whole cells; grids zoomed with their labels and frames."""

from __future__ import annotations

import numpy as np

from actviz_tui.ui.grid_layout import GridLayout
from actviz_tui.ui.grid_picture import HIGHLIGHT_RGB, grid_picture
from actviz_tui.ui.tile_labels import INK_RGB
from actviz_tui.ui.widgets.pixel_picture import pad_to_cells


def test_a_picture_is_centred_on_whole_cells_of_background():
    rgb = np.full((33, 45, 3), 200, dtype=np.uint8)
    padded, (top, left) = pad_to_cells(rgb, (10, 20), background=(1, 2, 3))
    assert padded.shape == (40, 50, 3) and (top, left) == (3, 2)
    assert (padded[3:36, 2:47] == 200).all()
    assert (padded[:3] == (1, 2, 3)).all() and (padded[36:] == (1, 2, 3)).all()
    assert (padded[:, :2] == (1, 2, 3)).all() and (padded[:, 47:] == (1, 2, 3)).all()


def test_a_picture_of_whole_cells_is_left_as_it_is():
    rgb = np.zeros((40, 30, 3), dtype=np.uint8)
    padded, offset = pad_to_cells(rgb, (10, 20), background=(9, 9, 9))
    assert padded is rgb and offset == (0, 0)


def test_a_zoomed_layout_keeps_its_pages_and_scales_its_pixels():
    layout = GridLayout(cols=4, rows=3, tile_w=12, tile_h=10)
    zoomed = layout.zoomed(3)
    assert (zoomed.cols, zoomed.rows, zoomed.per_page) == (4, 3, 12)
    assert (zoomed.tile_w, zoomed.tile_h, zoomed.gap, zoomed.scale) == (36, 30, 3, 3)
    assert zoomed.pixel_size == (layout.pixel_size[0] * 3, layout.pixel_size[1] * 3)
    assert zoomed.slot_at(*zoomed.tile_origin(7)) == 7


def test_labels_and_frames_grow_with_the_zoom():
    stack = np.random.default_rng(0).random((8, 8, 12)).astype(np.float32) * 0.5  # viridis never reaches white
    layout = GridLayout(cols=4, rows=3, tile_w=24, tile_h=20)
    marks = dict(page=0, selected=5, cmap="viridis", scale="channel")
    small, large = grid_picture(stack, layout, **marks), grid_picture(stack, layout.zoomed(3), **marks)
    block = np.ones((3, 3), dtype=bool)
    for colour in (INK_RGB, HIGHLIGHT_RGB):  # the channel numbers; the selected tile's frame
        drawn_small, drawn_large = (small == colour).all(axis=2), (large == colour).all(axis=2)
        assert drawn_small.any()
        assert (drawn_large == np.kron(drawn_small, block)).all()
