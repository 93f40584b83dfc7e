import io

import numpy as np
import pytest
from rich.console import Console
from rich.panel import Panel
from rich.segment import Segment

from actviz_tui.core.pictures.colormap import lut
from actviz_tui.ui.widgets.halfblock import UPPER_HALF, HalfBlockImage
from actviz_tui.ui.widgets.halfblock import fit_rgb

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)
WHITE, BLACK, GREY = (255, 255, 255), (0, 0, 0), (128, 128, 128)


def make_console(width: int = 80) -> Console:
    return Console(
        file=io.StringIO(), color_system="truecolor", width=width, legacy_windows=False
    )


def image(*rows) -> np.ndarray:
    return np.array(rows, dtype=np.uint8)


def render_lines(img: HalfBlockImage, width: int = 80) -> list[list[Segment]]:
    """The rendered segments split into terminal rows (newlines dropped)."""
    segments = list(make_console(width).render(img))
    return [list(line) for line in Segment.split_lines(segments)]


def cells(line: list[Segment]) -> list[tuple[str, tuple | None, tuple | None]]:
    """Per terminal cell: (character, foreground rgb, background rgb)."""
    out = []
    for segment in line:
        fg = segment.style.color.triplet if segment.style.color else None
        bg = segment.style.bgcolor.triplet if segment.style.bgcolor else None
        out.extend((char, fg and tuple(fg), bg and tuple(bg)) for char in segment.text)
    return out


def print_ansi(img, width: int = 80) -> str:
    console = make_console(width)
    console.print(img)
    return console.file.getvalue()


# --- characters and colours ----------------------------------------------------


def test_2x2_image_is_one_row_of_two_cells():
    img = HalfBlockImage(image([RED, GREEN], [BLUE, WHITE]))
    assert (img.width, img.height) == (2, 1)
    [line] = render_lines(img)
    assert cells(line) == [(UPPER_HALF, RED, BLUE), (UPPER_HALF, GREEN, WHITE)]


def test_4x3_image_gives_two_rows_of_three_cells():
    rgb = image(
        [RED, GREEN, BLUE],
        [BLUE, GREEN, RED],  # middle column: top == bottom -> a space
        [WHITE, WHITE, BLACK],
        [BLACK, WHITE, GREY],
    )
    img = HalfBlockImage(rgb)
    assert (img.width, img.height) == (3, 2)
    first, second = render_lines(img)
    assert cells(first) == [
        (UPPER_HALF, RED, BLUE),
        (" ", None, GREEN),
        (UPPER_HALF, BLUE, RED),
    ]
    assert cells(second) == [
        (UPPER_HALF, WHITE, BLACK),
        (" ", None, WHITE),
        (UPPER_HALF, BLACK, GREY),
    ]


def test_ansi_output_carries_truecolor_codes():
    ansi = print_ansi(HalfBlockImage(image([RED], [BLUE])))
    assert ansi == f"\x1b[38;2;255;0;0;48;2;0;0;255m{UPPER_HALF}\x1b[0m\n"


def test_same_colour_top_and_bottom_writes_a_background_space():
    ansi = print_ansi(HalfBlockImage(image([GREY], [GREY])))
    assert ansi == "\x1b[48;2;128;128;128m \x1b[0m\n"


# --- run merging ------------------------------------------------------------------


def test_uniform_image_gives_one_segment_per_row():
    img = HalfBlockImage(np.full((10, 40, 3), 77, dtype=np.uint8))
    lines = render_lines(img)
    assert len(lines) == 5
    for line in lines:
        assert len(line) == 1
        assert line[0].text == " " * 40
        assert line[0].style.bgcolor.triplet == (77, 77, 77)


def test_striped_image_merges_half_blocks():
    rgb = np.zeros((10, 40, 3), dtype=np.uint8)
    rgb[0::2] = RED
    rgb[1::2] = BLUE
    for line in render_lines(HalfBlockImage(rgb)):
        assert len(line) == 1
        assert cells(line) == [(UPPER_HALF, RED, BLUE)] * 40


def test_runs_break_where_colours_change():
    rgb = np.zeros((2, 6, 3), dtype=np.uint8)
    rgb[:, 2:5] = WHITE
    [line] = render_lines(HalfBlockImage(rgb))
    assert [len(segment.text) for segment in line] == [2, 3, 1]


def test_runs_do_not_cross_rows():
    rgb = np.full((4, 3, 3), 9, dtype=np.uint8)
    lines = render_lines(HalfBlockImage(rgb))
    assert [[segment.text for segment in line] for line in lines] == [["   "], ["   "]]


def test_very_long_runs_are_split_but_complete():
    img = HalfBlockImage(np.zeros((2, 5000, 3), dtype=np.uint8))
    [line] = render_lines(img, width=5000)
    assert sum(len(segment.text) for segment in line) == 5000


def test_equal_colour_pairs_share_one_style_object():
    rgb = image([RED, GREEN, RED], [BLUE, BLUE, BLUE])
    [line] = render_lines(HalfBlockImage(rgb))
    assert line[0].style is line[2].style


# --- odd heights ------------------------------------------------------------------------


def test_odd_height_pads_the_last_row_with_the_background():
    rgb = image([RED, GREEN], [BLUE, BLUE], [WHITE, GREY])
    img = HalfBlockImage(rgb, background=(1, 2, 3))
    assert img.height == 2
    _, last = render_lines(img)
    assert cells(last) == [(UPPER_HALF, WHITE, (1, 2, 3)), (UPPER_HALF, GREY, (1, 2, 3))]


def test_odd_height_defaults_to_black_padding():
    _, last = render_lines(HalfBlockImage(image([RED], [RED], [WHITE])))
    assert cells(last) == [(UPPER_HALF, WHITE, BLACK)]


def test_odd_height_with_no_background_leaves_the_terminal_default():
    img = HalfBlockImage(image([WHITE, WHITE]), background=None)
    [line] = render_lines(img)
    assert cells(line) == [(UPPER_HALF, WHITE, None)] * 2
    assert print_ansi(img) == f"\x1b[38;2;255;255;255m{UPPER_HALF * 2}\x1b[0m\n"


def test_black_pixels_are_not_confused_with_the_default_background():
    img = HalfBlockImage(image([WHITE], [BLACK], [WHITE]), background=None)
    first, last = render_lines(img)
    assert cells(first) == [(UPPER_HALF, WHITE, BLACK)]
    assert cells(last) == [(UPPER_HALF, WHITE, None)]


# --- measuring and composing -----------------------------------------------------------


def test_measure_is_the_image_width():
    console = make_console()
    img = HalfBlockImage(np.zeros((6, 17, 3), dtype=np.uint8))
    measurement = console.measure(img)
    assert (measurement.minimum, measurement.maximum) == (17, 17)


def test_renders_inside_a_panel():
    img = HalfBlockImage(np.full((4, 5, 3), 200, dtype=np.uint8))
    lines = make_console(40).render_lines(Panel(img, expand=False), pad=False)
    assert len(lines) == 2 + img.height
    assert sum(segment.cell_length for segment in lines[1]) == 5 + 4  # borders, padding


def test_repeated_renders_are_identical():
    rgb = np.random.default_rng(0).integers(0, 256, (9, 7, 3), dtype=np.uint8)
    img = HalfBlockImage(rgb)
    assert print_ansi(img) == print_ansi(img)


def test_random_image_round_trips_pixel_by_pixel():
    rgb = np.random.default_rng(1).integers(0, 4, (8, 12, 3), dtype=np.uint8) * 80
    lines = render_lines(HalfBlockImage(rgb))
    for row, line in enumerate(lines):
        for col, (char, fg, bg) in enumerate(cells(line)):
            top, bottom = tuple(rgb[2 * row, col]), tuple(rgb[2 * row + 1, col])
            assert bg == bottom
            assert fg == (top if char == UPPER_HALF else None)
            if char == " ":
                assert top == bottom


def test_rejects_bad_arrays():
    with pytest.raises(ValueError):
        HalfBlockImage(np.zeros((4, 4), dtype=np.uint8))
    with pytest.raises(TypeError):
        HalfBlockImage(np.zeros((4, 4, 3), dtype=np.float32))


# --- from_values -----------------------------------------------------------------------


def test_from_values_fills_the_box_keeping_aspect():
    values = np.random.default_rng(2).random((148, 148)).astype(np.float32)
    img = HalfBlockImage.from_values(values, "viridis", 0.0, 1.0, cells_w=80, cells_h=40)
    # pixels fit in (80 high, 80 wide) -> 80 x 80 -> 80 cells by 40 rows
    assert (img.width, img.height) == (80, 40)


def test_from_values_wide_map_is_limited_by_width():
    values = np.zeros((10, 40), dtype=np.float32)
    img = HalfBlockImage.from_values(values, "gray", 0.0, 1.0, cells_w=80, cells_h=40)
    assert (img.width, img.height) == (80, 10)


def test_from_values_scales_a_small_map_up():
    values = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)
    img = HalfBlockImage.from_values(values, "gray", 0.0, 1.0, cells_w=8, cells_h=20)
    assert (img.width, img.height) == (8, 4)
    first, *_ = render_lines(img)
    black, white = tuple(lut("gray")[0]), tuple(lut("gray")[255])
    assert cells(first) == [(" ", None, black)] * 4 + [(" ", None, white)] * 4


def test_from_values_uses_the_colormap():
    values = np.full((2, 2), 1.0)
    img = HalfBlockImage.from_values(values, "viridis", 0.0, 1.0, cells_w=2, cells_h=1)
    [line] = render_lines(img)
    assert cells(line) == [(" ", None, tuple(lut("viridis")[255]))] * 2


def test_fit_rgb_averages_exact_areas_at_non_integer_ratios():
    checker = np.repeat((np.indices((150, 150)).sum(axis=0) % 2 * 255).astype(np.uint8)[..., None], 3, axis=2)
    small = fit_rgb(checker, 80, 80)  # 1.875 pixels a bin: fractional edges count
    assert small.shape == (80, 80, 3) and small.dtype == np.uint8
    assert small.min() >= 126 and small.max() <= 129  # an even grey, no moire


def test_fit_rgb_grows_by_nearest_pixel():
    big = fit_rgb(image([RED, GREEN], [BLUE, WHITE]), 4, 4)
    assert big.shape == (4, 4, 3)
    for (top, left), colour in {(0, 0): RED, (0, 2): GREEN, (2, 0): BLUE, (2, 2): WHITE}.items():
        assert (big[top : top + 2, left : left + 2] == colour).all()
