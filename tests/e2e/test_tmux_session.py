"""End to end: the real ``actviz`` command in a real terminal (tmux)."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.e2e.conftest import SAMPLE_MODEL, actviz_command

UPPER_HALF = "\u2580"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.mark.skipif(not SAMPLE_MODEL.exists(), reason="sample model not built")
def test_sample_model_session_keys_and_clean_quit(tmux):
    term = tmux(actviz_command(), width=120, height=36)
    screen = term.wait_for("ready")
    screen = term.wait_for("channel 0/32")
    assert "conv2d" in screen and "chest_xray_cnn.h5" in screen and "xray_opacity.png" in screen
    term.keys("Right", "Right", "Right")
    term.wait_for("channel 3/32")
    term.keys("Down")
    term.wait_for("max_pooling2d  channel 3/32")
    term.keys("2")
    term.wait_for("channels 0-")
    coloured = term.screen(colours=True)
    assert "\x1b[38;5;" in coloured or "\x1b[38;2;" in coloured  # the heatmap is in colour
    term.keys("q")
    final = term.wait_for("EXIT=0")
    for noise in ("oneDNN", "cuInit", "absl", "Traceback", "WARNING"):
        assert noise not in final


def test_bad_model_path_is_one_line_before_the_ui_opens(tmux):
    term = tmux(actviz_command("no_such_model.h5"), width=100, height=24)
    final = term.wait_for("EXIT=1")
    assert "actviz: error: model file not found: no_such_model.h5" in final
    assert "Traceback" not in final and "\x1b[?1049h" not in final  # the UI never took the screen


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def cell_colours(line: str) -> list[tuple[str, str | None, str | None]]:
    """(character, foreground, background) per cell of a `capture-pane -e` line;
    colours as SGR parameters ("38;5;61", "48;2;1;2;3"), None for the default."""
    cells, fg, bg = [], None, None
    for index, part in enumerate(SGR.split(line)):
        if index % 2:
            fg, bg = _apply_sgr(part, fg, bg)
        else:
            cells.extend((char, fg, bg) for char in part)
    return cells


def _apply_sgr(params: str, fg, bg):
    codes = params.split(";") if params else ["0"]
    i = 0
    while i < len(codes):
        code = codes[i]
        if code in ("38", "48"):
            size = 3 if codes[i + 1] == "5" else 5
            colour = ";".join(codes[i:i + size])
            fg, bg = (colour, bg) if code == "38" else (fg, colour)
            i += size
            continue
        if code == "0":
            fg = bg = None
        elif code == "39":
            fg = None
        elif code == "49":
            bg = None
        i += 1
    return fg, bg


@pytest.mark.skipif(not SAMPLE_MODEL.exists(), reason="sample model not built")
def test_256_colour_terminal_gets_a_dithered_heatmap_and_a_notice(tmux):
    term = tmux(actviz_command(), width=160, height=50)
    screen = term.wait_for("256 colours")
    assert "COLORTERM=truecolor" in screen
    screen = term.wait_for("conv2d  channel 0/32")
    heatmap_left = next(line.index("conv2d  channel") for line in screen.splitlines() if "conv2d  channel" in line)
    indices = set()
    coloured = term.screen(colours=True)
    assert "\x1b[38;2;" not in coloured and "\x1b[48;2;" not in coloured
    for line in coloured.splitlines()[1:30]:  # heatmap rows, above the notice
        for char, fg, bg in cell_colours(line)[heatmap_left:]:
            drawn = (fg, bg) if char == UPPER_HALF else (bg,) if char == " " else ()
            indices.update(colour.split(";")[2] for colour in drawn if colour and colour[3:5] == "5;")
    # Nearest-colour mapping reaches 14 palette colours on all of viridis (and did here);
    # dithering (each colour: its nearest and one partner) uses more on this map.
    assert len(indices) >= 25
    term.keys("q")
    term.wait_for("EXIT=0")
