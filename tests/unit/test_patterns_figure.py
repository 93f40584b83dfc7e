"""The filter patterns figure (core/figures/patterns.py): the book's grid, each tile titled,
the PNG exactly ``figure_size`` x dpi, the patterns drawn as they are (no rescaling)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from actviz_tui.core.figures import render_png_bytes
from actviz_tui.core.figures.patterns import figure_size, layout, patterns_figure


def _patterns(count: int, height: int = 12, width: int = 12, colours: int = 3) -> np.ndarray:
    return np.random.default_rng(count).random((count, height, width, colours), dtype=np.float32)


@pytest.mark.parametrize(("count", "rows", "cols"), [(1, 1, 1), (4, 2, 2), (32, 4, 8), (64, 8, 8), (200, 14, 15)])
def test_up_to_64_patterns_are_at_most_8_wide_more_a_square_block(count, rows, cols):
    assert layout(count, 12, 12)[:2] == (rows, cols)
    tile = layout(count, 12, 12)[2]
    assert tile == (1.25 if cols <= 8 else pytest.approx(1.25 * 8 / cols))  # wider grids, smaller tiles


@pytest.mark.parametrize(("count", "height", "width", "colours"), [(3, 12, 12, 1), (10, 20, 30, 3)])
def test_the_png_is_figure_size_times_dpi_and_every_tile_is_titled(count, height, width, colours):
    labels = [f"c{index}" for index in range(count)]
    fig = patterns_figure(_patterns(count, height, width, colours), labels, title="model \u2014 layer",
                          subtitle="8 steps")
    png = Image.open(io.BytesIO(render_png_bytes(fig, dpi=50)))
    fig_w, fig_h = figure_size(count, height, width)
    assert png.size == (int(fig_w * 50), int(fig_h * 50))  # Agg truncates the size in pixels
    texts = [text.get_text() for text in fig.axes[0].texts]
    assert texts == labels
    assert [text.get_text() for text in fig.texts] == ["model \u2014 layer", "8 steps"]


def test_tiles_hold_the_patterns_as_they_are_in_order():
    patterns = _patterns(5, 6, 6, 3)
    fig = patterns_figure(patterns, list("abcde"), title="t")
    sheet = np.asarray(fig.axes[0].images[0].get_array())
    tops = sorted({round(text.get_position()[1] + 1.5) for text in fig.axes[0].texts})
    lefts = sorted({round(text.get_position()[0] + 0.5 - 3) for text in fig.axes[0].texts})
    cols = len(lefts)
    for index in range(5):
        row, col = divmod(index, cols)
        tile = sheet[tops[row]:tops[row] + 6, lefts[col]:lefts[col] + 6]
        np.testing.assert_allclose(tile, patterns[index])


def test_grey_patterns_are_drawn_grey_and_other_channel_counts_say_what_is_drawn():
    grey = patterns_figure(_patterns(2, colours=1), ["0", "1"], title="t")
    sheet = np.asarray(grey.axes[0].images[0].get_array())
    assert np.array_equal(sheet[..., 0], sheet[..., 1]) and np.array_equal(sheet[..., 0], sheet[..., 2])
    four = patterns_figure(_patterns(2, colours=4), ["0", "1"], title="t", subtitle="s")
    assert four.texts[1].get_text() == "s (each the mean of its 4 input channels)"


def test_long_class_names_are_shortened_to_the_tile():
    fig = patterns_figure(_patterns(2), ["a" * 200, "cat"], title="t")
    first, second = (text.get_text() for text in fig.axes[0].texts)
    assert first.endswith("\u2026") and len(first) < 40 and second == "cat"


def test_a_title_per_tile_is_required():
    with pytest.raises(ValueError, match="expected 3 tile titles, got 2"):
        patterns_figure(_patterns(3), ["0", "1"], title="t")
