"""Which pixel of a picture a cell shows, with half-blocks and in a pixel tier (the grid's clicks).

The pixel tier is asked for explicitly here (``graphics="sixel"``): textual-image
is imported, but pytest's stdout is no terminal, so it asks nothing.
"""

from __future__ import annotations

import numpy as np
from textual.app import App, ComposeResult

from actviz_tui.ui.explorer_start import ExplorerStart
from actviz_tui.ui.widgets.heatmap_view import HeatmapView
from tests.functional.conftest import ready, wait_until


class OnePicture(App[None]):
    def __init__(self, graphics: str) -> None:
        super().__init__()
        self.graphics = graphics

    def compose(self) -> ComposeResult:
        yield HeatmapView()


async def test_a_half_block_cell_shows_its_top_pixel_of_the_picture_given():
    app = OnePicture("halfblock")
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.query_one(HeatmapView)
        view.show_rgb(np.zeros((20, 30, 3), dtype=np.uint8))  # fitted into 40 x 24 px: grown to 36 x 24
        await pilot.pause()
        assert view.picture_size == (36, 12) and view.picture_offset() == (2, 0)
        assert view.picture_pixel(2 + 18, 6) == (12 * 20 // 24, 18 * 30 // 36)
        assert view.picture_pixel(1, 6) is None and view.picture_pixel(38, 0) is None


async def test_a_pixel_tier_cell_shows_the_middle_of_its_pixels():
    app = OnePicture("sixel")
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.query_one(HeatmapView)
        view.show_rgb(np.zeros((60, 60, 3), dtype=np.uint8))
        await wait_until(pilot, lambda: view.picture_size != (0, 0))
        cell_w, cell_h = view._pixels.cell
        side = 12 * cell_h  # the box is 12 rows high: the square picture fills it
        assert view.picture_size == (-(-side // cell_w), 12)
        assert view.zoom == min(cell_w, cell_h // 2)
        left, top = view.picture_offset()
        top_pad, left_pad = view._pixels.padding
        expected_x = (5 * cell_w + cell_w // 2 - left_pad) * 60 // side
        assert view.picture_pixel(left + 5, top + 3) == ((3 * cell_h + cell_h // 2 - top_pad) * 60 // side, expected_x)


async def test_clicking_a_grid_tile_in_a_pixel_tier_selects_its_channel(make_app):
    app = make_app(start=ExplorerStart("conv_b", 0, "grid"), graphics="sixel")
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        grid, picture = app.explorer.query_one("GridView"), app.explorer.query_one("#grid-picture", HeatmapView)
        await wait_until(pilot, lambda: grid.drawn is not None and picture.picture_size != (0, 0))
        assert grid.drawn.scale == picture.zoom > 1
        y, x = grid.drawn.tile_origin(3)
        cell_w, cell_h = picture._pixels.cell
        top_pad, left_pad = picture._pixels.padding
        left, top = picture.picture_offset()
        column = left + (x + grid.drawn.tile_w // 2 + left_pad) // cell_w
        row = top + (y + grid.drawn.tile_h // 2 + top_pad) // cell_h
        await pilot.click("#grid-picture", offset=(column, row))
        await wait_until(pilot, lambda: app.explorer.state.channel == 3)
