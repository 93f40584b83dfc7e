"""Outlines drawn over a fitted picture: the probe's cursor on a map, a receptive field on the preview."""

from __future__ import annotations

import numpy as np

from actviz_tui.ui.picture_marks import FIELD_COLOUR, Outline, draw_outlines, fitted_box


def test_a_box_of_source_pixels_lands_on_the_fitted_pixels_that_show_them():
    assert fitted_box(Outline(12, 10, 20, 18), (24, 24), (48, 48)) == (24, 20, 40, 36)  # grown x2
    assert fitted_box(Outline(12, 10, 20, 18), (24, 24), (12, 12)) == (6, 5, 10, 9)  # shrunk /2
    assert fitted_box(Outline(4, 4, 5, 5), (150, 150), (40, 40)) == (1, 1, 2, 2)  # at least one pixel
    assert fitted_box(Outline(0, 8, 1, 9), (9, 9), (45, 45), grow=1) == (0, 39, 6, 45)  # grown, clipped


def test_a_field_is_drawn_on_its_edge_in_its_colour():
    rgb = np.full((8, 8, 3), 100, dtype=np.uint8)
    drawn = draw_outlines(rgb, (4, 4), (Outline(1, 1, 3, 4, colour=FIELD_COLOUR),))
    ring = np.all(drawn == FIELD_COLOUR, axis=2)
    expected = np.zeros((8, 8), dtype=bool)
    expected[2:6, 2:8] = True
    expected[3:5, 3:7] = False
    assert np.array_equal(ring, expected)
    assert np.all(rgb == 100)  # the picture given stays as it was


def test_the_cursor_rings_its_cell_in_black_or_white_against_what_is_under_it():
    rgb = np.zeros((6, 6, 3), dtype=np.uint8)
    rgb[:, 3:] = 230  # dark left half, light right half
    drawn = draw_outlines(rgb, (3, 3), (Outline(1, 1, 2, 2, around=True),))
    assert np.all(drawn[1, 1] == 255) and np.all(drawn[1, 3] == 0)  # white on dark, black on light
    assert np.array_equal(drawn[2:4, 2:4], rgb[2:4, 2:4])  # the cell itself keeps its colours
    assert np.all(draw_outlines(rgb, (3, 3), ()) == rgb)
