"""256-colour mode: pictures dithered over the xterm palette, emitted as palette indices."""

import io

import numpy as np
import pytest
from rich.color import ColorSystem, ColorType
from rich.console import Console

from actviz_tui.core.pictures.colormap import lut
from actviz_tui.ui import xterm_palette
from actviz_tui.ui.widgets.halfblock import HalfBlockImage, HalfBlockRenderer

RAMP_CELLS, RAMP_ROWS = 80, 8  # 8 cell rows = 16 pixel rows, one threshold matrix high
PALETTE = xterm_palette.palette_rgb()


def ramp_rgb(cmap: str) -> np.ndarray:
    """A horizontal linear ramp through the colormap, RAMP_CELLS wide, 2 * RAMP_ROWS pixels high."""
    table = lut(cmap)
    row = table[np.linspace(0, len(table) - 1, RAMP_CELLS).round().astype(int)]
    return np.repeat(row[None], 2 * RAMP_ROWS, axis=0)


def emitted_palette_pixels(image: HalfBlockImage) -> np.ndarray:
    """(2 * rows, W, 3): the palette colour of each half-cell as the terminal gets it.

    Truecolor styles are reduced to 256 colours as Rich does for such a
    terminal (the undithered behaviour); palette indices are taken as they are.
    """
    top, bottom = [], []
    for row in image.rows():
        top.append([]), bottom.append([])
        for segment in row:
            fg, bg = segment.style.color, segment.style.bgcolor
            bg_index = palette_index(bg)
            fg_index = bg_index if segment.text[0] == " " else palette_index(fg)
            top[-1].extend([fg_index] * len(segment.text))
            bottom[-1].extend([bg_index] * len(segment.text))
    indices = np.stack([np.array(top), np.array(bottom)], axis=1).reshape(-1, len(top[0]))
    return PALETTE[indices]


def palette_index(color) -> int:
    if color.type is ColorType.TRUECOLOR:
        return color.downgrade(ColorSystem.EIGHT_BIT).number
    return color.number


def column_luminance(pixels: np.ndarray) -> np.ndarray:
    """Mean Rec. 709 luma of each cell column (top and bottom pixels of every row)."""
    return (pixels.astype(float) @ np.array([0.2126, 0.7152, 0.0722])).mean(axis=0)


def distinct_levels(profile: np.ndarray) -> int:
    return len(np.unique(profile.round(6)))


def four_cells_wide(profile: np.ndarray) -> np.ndarray:
    """The profile averaged over 4 neighbouring columns: a patch of 4 x 8 cells."""
    return np.convolve(profile, np.ones(4) / 4, mode="valid")


@pytest.mark.parametrize("cmap", ["viridis", "gray", "magma"])
def test_dithered_ramp_rises_through_many_levels(cmap):
    profile = column_luminance(emitted_palette_pixels(HalfBlockImage(ramp_rgb(cmap), colours="256")))
    assert distinct_levels(profile) >= 30
    averaged = four_cells_wide(profile)
    assert np.all(np.diff(averaged) >= -1e-9)  # never steps back
    truth = four_cells_wide(column_luminance(ramp_rgb(cmap)))
    assert np.abs(averaged - truth).max() < 4.0  # of 255


@pytest.mark.parametrize("cmap", ["viridis", "gray"])
def test_undithered_ramp_bands_into_few_levels(cmap):
    """What the truecolor picture becomes on a 256-colour terminal (the measured 'before')."""
    profile = column_luminance(emitted_palette_pixels(HalfBlockImage(ramp_rgb(cmap))))
    assert distinct_levels(profile) < 30
    truth = four_cells_wide(column_luminance(ramp_rgb(cmap)))
    assert np.abs(four_cells_wide(profile) - truth).max() > 8.0


def test_256_mode_emits_only_palette_indices_from_16():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (9, 20, 3), dtype=np.uint8)
    for row in HalfBlockImage(rgb, colours="256").rows():
        for segment in row:
            for color in (segment.style.color, segment.style.bgcolor):
                assert color is None or (color.type is ColorType.EIGHT_BIT and 16 <= color.number <= 255)


def test_256_mode_writes_8_bit_codes_and_truecolor_mode_does_not():
    rgb = np.repeat(ramp_rgb("viridis")[:4], 1, axis=0)

    def ansi(colours: str, system: str) -> str:
        console = Console(file=io.StringIO(), color_system=system, width=100, legacy_windows=False)
        console.print(HalfBlockImage(rgb, colours=colours))
        return console.file.getvalue()

    dithered = ansi("256", "256")
    assert "38;5;" in dithered and "48;5;" in dithered and "38;2;" not in dithered
    assert "48;2;" in ansi("truecolor", "truecolor")


def test_palette_colours_are_kept_exactly():
    """A picture made of palette colours only comes back as the same colours."""
    indices = np.arange(16, 256).reshape(10, 24)
    assert np.array_equal(xterm_palette.dither_indices(PALETTE[indices]), indices)


def test_flat_colour_averages_to_itself():
    rgb = np.full((32, 32, 3), (68, 1, 84), dtype=np.uint8)  # viridis' dark end, between palette levels
    mean = PALETTE[xterm_palette.dither_indices(rgb)].reshape(-1, 3).mean(axis=0)
    assert np.allclose(mean, (68, 1, 84), atol=2.0)


def test_modes_do_not_share_cached_segments():
    rgb = np.full((2, 3, 3), 20, dtype=np.uint8)  # 0x141414 vs index 20 would collide in one cache
    truecolor = HalfBlockImage(rgb).rows()[0][0]
    indexed = HalfBlockImage(rgb, colours="256").rows()[0][0]
    assert truecolor.style.bgcolor.type is ColorType.TRUECOLOR
    assert indexed.style.bgcolor.type is ColorType.EIGHT_BIT


def test_threshold_matrix_columns_hold_one_threshold_per_sixteenth():
    matrix = xterm_palette.threshold_matrix()
    assert sorted((matrix * 256 - 0.5).round().astype(int).ravel()) == list(range(256))
    for column in matrix.T:
        assert sorted((column * 16).astype(int)) == list(range(16))


def test_unknown_colour_mode_is_refused():
    with pytest.raises(ValueError):
        HalfBlockRenderer(colours="16")


def test_notice_only_for_terminals_short_of_truecolor():
    from actviz_tui.ui.colour_notice import colour_notice

    assert "256 colours" in colour_notice("256") and "COLORTERM=truecolor" in colour_notice("256")
    assert "terminal-features ',*:RGB'" in colour_notice("256") and "',*:Tc'" in colour_notice("256")
    assert "16 colours" in colour_notice("standard")
    assert colour_notice("truecolor") is None and colour_notice(None) is None
