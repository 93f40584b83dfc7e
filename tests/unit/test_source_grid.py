"""256 colours at the map's own resolution: a map pixel drawn large is one colour.

Maps, grid pages and class-map overlays, drawn as the terminal gets them.
"""

import io

import numpy as np
import pytest
from rich.console import Console

from actviz_tui.core.figures.class_heatmap import OVERLAY_ALPHA
from actviz_tui.core.pictures import colormap
from actviz_tui.ui.grid_layout import plan_grid
from actviz_tui.ui.grid_picture import grid_picture, page_source, patches_source, rgb_grid_picture
from actviz_tui.ui.source_grid import SourceGrid, run_labels
from actviz_tui.ui.tile_labels import label_size
from actviz_tui.ui.widgets.halfblock import HalfBlockImage, fit_rgb

from tests.unit.test_xterm_dither import emitted_indices, nearest_palette_index


def colours_per_source_pixel(drawn: np.ndarray, source: SourceGrid) -> dict[tuple[int, int], set[int]]:
    blocks: dict[tuple[int, int], set[int]] = {}
    for y, row in enumerate(drawn):
        for x, index in enumerate(row.tolist()):
            blocks.setdefault((int(source.rows[y]), int(source.cols[x])), set()).add(index)
    return blocks


def test_run_labels_count_changes():
    assert run_labels(np.array([4, 4, 7, 7, 7, 2, 4])).tolist() == [0, 0, 1, 1, 1, 2, 3]
    assert run_labels(np.array([], dtype=int)).tolist() == []


def test_a_grown_map_repeats_its_source_and_a_shrunk_one_is_its_own():
    grown = SourceGrid.resampled_map(7, 148, 20, 120)
    assert grown.rows.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6]
    assert grown.cols.tolist() == list(range(120))


def test_a_7x7_map_drawn_20x20_cells_keeps_each_map_pixel_one_colour():
    values = np.add.outer(np.linspace(0, 0.5, 7), np.linspace(0, 0.5, 7))  # a smooth ramp: dithered
    image = HalfBlockImage.from_values(values, "viridis", 0.0, 1.0, 20, 20, colours="256")
    drawn = emitted_indices(image)
    source = SourceGrid.resampled_map(7, 7, *drawn.shape)
    blocks = colours_per_source_pixel(drawn, source)
    assert len(blocks) == 49 and all(len(used) == 1 for used in blocks.values())
    rgb = colormap.to_rgb(values, "viridis", 0.0, 1.0)
    partners = sum(blocks[y, x] != {nearest_palette_index(rgb[y, x])} for y in range(7) for x in range(7))
    assert partners > 0  # the dither spreads across map pixels


def test_grid_page_tiles_keep_map_pixels_whole_and_a_dead_tile_flat():
    rng = np.random.default_rng(1)
    stack = np.cumsum(rng.random((7, 7, 12)), axis=1).astype(np.float32)
    stack[..., 5] = 0.0  # a dead channel
    layout = plan_grid(12, 7, 7, 88, 120)
    page = grid_picture(stack, layout, 0, 3, "viridis")
    source = page_source(layout, 7, 7)
    drawn = emitted_indices(HalfBlockImage(page, colours="256", source=source))[: page.shape[0]]
    y, x = layout.tile_origin(1)
    below_label = y + label_size(1)[0]  # the channel number sits in the top-left corner
    tile = slice(below_label, y + layout.tile_h), slice(x, x + layout.tile_w)
    blocks = colours_per_source_pixel(drawn[tile], SourceGrid(source.rows[tile[0]], source.cols[tile[1]]))
    assert len(blocks) >= 35 and all(len(used) == 1 for used in blocks.values())
    y, x = layout.tile_origin(5)
    dead = drawn[y + label_size(5)[0] : y + layout.tile_h, x : x + layout.tile_w]
    assert set(dead.ravel().tolist()) == {nearest_palette_index(colormap.lut("viridis")[0])}


def test_page_sources_match_their_pages():
    layout = plan_grid(40, 7, 7, 30, 40)
    stack = np.zeros((7, 7, 40), dtype=np.float32)
    assert page_source(layout, 7, 7).shape == grid_picture(stack, layout, 0, 0, "viridis").shape[:2]
    patches = np.zeros((16, 3, 3, 3), dtype=np.uint8)
    layout = plan_grid(16, 3, 3, 60, 80)
    assert patches_source(layout, 3, 3).shape == rgb_grid_picture(patches, layout, 0, 2).shape[:2]


def test_rgb_patches_keep_each_patch_pixel_one_colour():
    patches = np.random.default_rng(2).integers(0, 256, (4, 3, 3, 3), dtype=np.uint8)
    layout = plan_grid(4, 3, 3, 60, 80)
    page = rgb_grid_picture(patches, layout, 0, -1)
    source = patches_source(layout, 3, 3)
    drawn = emitted_indices(HalfBlockImage(page, colours="256", source=source))[: page.shape[0]]
    y, x = layout.tile_origin(0)
    tile = slice(y, y + layout.tile_h), slice(x, x + layout.tile_w)
    blocks = colours_per_source_pixel(drawn[tile], SourceGrid(source.rows[tile[0]], source.cols[tile[1]]))
    assert len(blocks) == 9 and all(len(used) == 1 for used in blocks.values())


def class_overlay(size: int = 12) -> np.ndarray:
    """A class heatmap over a grey input, as the class-map view draws it."""
    base = np.repeat(np.linspace(40, 200, size)[None, :, None], size, axis=0).repeat(3, axis=2).astype(np.uint8)
    heat = np.outer(np.hanning(size), np.hanning(size))
    return colormap.overlay_rgb(base, heat, "jet", OVERLAY_ALPHA)


def test_a_class_overlay_grown_to_the_pane_keeps_each_input_pixel_one_colour():
    overlay = class_overlay()
    image = HalfBlockImage.from_rgb(overlay, 60, 30, colours="256")
    drawn = emitted_indices(image)
    source = SourceGrid.pixels(12, 12).resampled(*drawn.shape)
    blocks = colours_per_source_pixel(drawn, source)
    assert len(blocks) == 144 and all(len(used) == 1 for used in blocks.values())


def test_a_flat_class_overlay_is_one_colour():
    base = np.full((12, 12, 3), 90, dtype=np.uint8)
    overlay = colormap.overlay_rgb(base, np.zeros((12, 12)), "jet", OVERLAY_ALPHA)
    drawn = emitted_indices(HalfBlockImage.from_rgb(overlay, 60, 30, colours="256"))
    assert set(drawn.ravel().tolist()) == {nearest_palette_index(overlay[0, 0])}


def test_a_shrunk_class_overlay_draws_each_colour_with_at_most_two():
    overlay = fit_rgb(np.kron(class_overlay(), np.ones((13, 13, 1), dtype=np.uint8)), 60, 60)  # 156 -> 60 px
    drawn = emitted_indices(HalfBlockImage(overlay, colours="256"))
    packed = overlay[..., 0].astype(int) << 16 | overlay[..., 1].astype(int) << 8 | overlay[..., 2]
    for colour in np.unique(packed):
        assert len(set(drawn[packed == colour].tolist())) <= 2


def test_truecolor_ignores_the_source_grid():
    rgb = class_overlay()

    def ansi(image: HalfBlockImage) -> str:
        console = Console(file=io.StringIO(), color_system="truecolor", width=100, legacy_windows=False)
        console.print(image)
        return console.file.getvalue()

    one_source = SourceGrid(np.zeros(12, int), np.zeros(12, int))
    assert ansi(HalfBlockImage(rgb, source=one_source)) == ansi(HalfBlockImage(rgb))


def test_a_source_grid_of_another_size_is_refused():
    with pytest.raises(ValueError, match="source grid"):
        HalfBlockImage(class_overlay(), colours="256", source=SourceGrid.pixels(5, 5))
