"""256-colour mode: pictures dithered over the xterm palette, emitted as palette indices.

Pixels are read back from the segments as the terminal gets them
(``emitted_indices``), so the tests see what a person would.
"""

import io

import numpy as np
import pytest
from rich.color import ColorSystem, ColorType
from rich.console import Console

from actviz_tui.core.pictures import colormap
from actviz_tui.core.pictures.colormap import lut
from actviz_tui.ui import palette_dither, xterm_palette
from actviz_tui.ui.widgets.halfblock import HalfBlockImage, HalfBlockRenderer

RAMP_CELLS, RAMP_ROWS = 80, 8  # 8 cell rows = 16 pixel rows, one threshold matrix high
PALETTE = xterm_palette.palette_rgb()
PALETTE_L = xterm_palette.oklab(PALETTE)[:, 0]  # perceptual lightness of each index
LUMA = np.array([0.2126, 0.7152, 0.0722])
ALL_COLORMAPS = colormap.COLORMAP_NAMES + colormap.OVERLAY_COLORMAPS


def ramp_rgb(cmap: str) -> np.ndarray:
    """A horizontal linear ramp through the colormap, RAMP_CELLS wide, 2 * RAMP_ROWS pixels high."""
    table = lut(cmap)
    row = table[np.linspace(0, len(table) - 1, RAMP_CELLS).round().astype(int)]
    return np.repeat(row[None], 2 * RAMP_ROWS, axis=0)


def emitted_indices(image: HalfBlockImage) -> np.ndarray:
    """(2 * rows, W): the palette index of each half-cell as the terminal gets it.

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
    return np.stack([np.array(top), np.array(bottom)], axis=1).reshape(-1, len(top[0]))


def palette_index(color) -> int:
    if color.type is ColorType.TRUECOLOR:
        return color.downgrade(ColorSystem.EIGHT_BIT).number
    return color.number


def distinct_levels(profile: np.ndarray) -> int:
    return len(np.unique(profile.round(6)))


def four_cells_wide(profile: np.ndarray) -> np.ndarray:
    """The profile averaged over 4 neighbouring columns: a patch of 4 x 8 cells."""
    return np.convolve(profile, np.ones(4) / 4, mode="valid")


def nearest_palette_index(rgb) -> int:
    distances = ((xterm_palette.oklab(PALETTE[16:]) - xterm_palette.oklab(np.asarray(rgb, np.uint8))) ** 2).sum(axis=1)
    return 16 + int(distances.argmin())


# --- gradients ---------------------------------------------------------------------------


@pytest.mark.parametrize("cmap", ["viridis", "gray", "magma"])
def test_dithered_ramp_rises_through_many_lightness_levels(cmap):
    """Lightness is OKLab's L, a perceptual scale (Rec. 709 luma of gamma-encoded
    bytes over-weighs green at the dark end of viridis)."""
    profile = PALETTE_L[emitted_indices(HalfBlockImage(ramp_rgb(cmap), colours="256"))].mean(axis=0)
    assert distinct_levels(profile) >= 60
    averaged = four_cells_wide(profile)
    assert np.all(np.diff(averaged) >= 0)  # never steps back
    truth = four_cells_wide(xterm_palette.oklab(ramp_rgb(cmap)[0])[:, 0])
    assert np.abs(averaged - truth).max() < 0.035  # of 1


def test_viridis_ramp_keeps_60_luma_levels_as_the_benchmark_counts_them():
    profile = (PALETTE[emitted_indices(HalfBlockImage(ramp_rgb("viridis"), colours="256"))] @ LUMA).mean(axis=0)
    assert distinct_levels(profile) >= 60
    assert np.all(np.diff(four_cells_wide(profile)) >= -1e-9)


@pytest.mark.parametrize("cmap", ["viridis", "gray"])
def test_undithered_ramp_bands_into_few_levels(cmap):
    """What the truecolor picture becomes on a 256-colour terminal (the measured 'before')."""
    profile = (PALETTE[emitted_indices(HalfBlockImage(ramp_rgb(cmap)))] @ LUMA).mean(axis=0)
    assert distinct_levels(profile) < 30


@pytest.mark.parametrize("cmap", ALL_COLORMAPS)
def test_each_colour_of_a_ramp_is_drawn_with_its_nearest_palette_colour_and_at_most_one_other(cmap):
    """No 4-colour speckle: each column of the ramp is one colour."""
    rgb = ramp_rgb(cmap)
    drawn = emitted_indices(HalfBlockImage(rgb, colours="256"))
    for column, colour in zip(drawn.T, rgb[0]):
        used = set(column.tolist())
        assert len(used) <= 2 and nearest_palette_index(colour) in used, (colour, used)


# --- flat areas --------------------------------------------------------------------------


@pytest.mark.parametrize("cmap", ALL_COLORMAPS)
@pytest.mark.parametrize("value", [0.0, 0.37, 1.0])
def test_a_constant_map_is_one_colour_everywhere(cmap, value):
    """A dead channel (all zeros: viridis' lowest colour) is one flat colour, its nearest."""
    for shape in [(148, 148), (7, 7)]:
        image = HalfBlockImage.from_values(np.full(shape, value), cmap, 0.0, 1.0, 120, 44, colours="256")
        colour = colormap.to_rgb(np.array([[value]]), cmap, 0.0, 1.0)[0, 0]
        assert set(emitted_indices(image).ravel().tolist()) == {nearest_palette_index(colour)}


def test_a_flat_area_inside_a_gradient_is_one_colour():
    values = np.tile(np.linspace(0.0, 1.0, 120), (60, 1))
    values[20:40, 10:50] = 0.3  # a plateau
    drawn = emitted_indices(HalfBlockImage.from_values(values, "viridis", 0.0, 1.0, 120, 30, colours="256"))
    assert len(set(drawn[20:40, 10:50].ravel().tolist())) == 1
    assert len(set(drawn[:10, 10:50].ravel().tolist())) > 2  # the ramp around it is dithered


def test_a_thin_line_of_a_far_colour_is_one_colour():
    """A frame is no part of a gradient: drawn in its nearest colour, not dithered along."""
    rgb = np.repeat(lut("viridis")[np.linspace(0, 255, 40).astype(int)][None], 12, axis=0)
    rgb[5] = (255, 64, 64)  # between palette colours, far from every viridis colour
    drawn = emitted_indices(HalfBlockImage(rgb, colours="256"))
    assert set(drawn[5].tolist()) == {nearest_palette_index((255, 64, 64))}


# --- the palette and the wire ------------------------------------------------------------


def test_256_mode_emits_only_palette_indices_from_16():
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (9, 20, 3), dtype=np.uint8)
    for row in HalfBlockImage(rgb, colours="256").rows():
        for segment in row:
            for color in (segment.style.color, segment.style.bgcolor):
                assert color is None or (color.type is ColorType.EIGHT_BIT and 16 <= color.number <= 255)


def test_256_mode_writes_8_bit_codes_and_truecolor_mode_does_not():
    rgb = ramp_rgb("viridis")[:4]

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
    assert np.array_equal(palette_dither.dither_indices(PALETTE[indices]), indices)


def test_a_mix_lands_near_its_colour():
    """viridis' dark end lies between palette colours: its pair's mix is nearer than either."""
    colour = np.array([[68, 1, 84]], dtype=np.uint8)
    first, second, share = xterm_palette.colour_mixes(colour)
    lab = xterm_palette.oklab(colour)[0]
    pair = xterm_palette.oklab(PALETTE[[first[0], second[0]]])
    mix = (1 - share[0]) * pair[0] + share[0] * pair[1]
    assert first[0] == nearest_palette_index(colour[0]) and 0.1 < share[0] < 0.5
    assert np.linalg.norm(mix - lab) < 0.5 * np.linalg.norm(pair[0] - lab)


def test_remembered_mixes_match_fresh_ones():
    colours = np.random.default_rng(3).integers(0, 256, (500, 3), dtype=np.uint8)
    packed = np.unique(xterm_palette.packed(colours))
    memo = xterm_palette.MixMemo(limit=600)
    memo.lookup(packed[:300])
    first, second, share, _lab = memo.lookup(packed)  # 300 known, 200 new: over the limit, starts afresh
    fresh = xterm_palette.colour_mixes(xterm_palette.unpacked(packed))
    for remembered, computed in zip((first, second, share), fresh):
        assert np.array_equal(remembered, computed)


def test_modes_do_not_share_cached_segments():
    rgb = np.full((2, 3, 3), 20, dtype=np.uint8)  # 0x141414 vs index 20 would collide in one cache
    truecolor = HalfBlockImage(rgb).rows()[0][0]
    indexed = HalfBlockImage(rgb, colours="256").rows()[0][0]
    assert truecolor.style.bgcolor.type is ColorType.TRUECOLOR
    assert indexed.style.bgcolor.type is ColorType.EIGHT_BIT


def test_threshold_matrix_columns_hold_one_threshold_per_sixteenth():
    matrix = palette_dither.threshold_matrix()
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
