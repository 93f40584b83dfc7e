"""``--graphics``: what each tier writes to a terminal, and what ``auto`` picks.

Each case runs a HeatmapView app (picture_app.py) in a pty whose pretend
terminal may answer textual-image's questions (pty_terminal.py), and reads
the bytes the app wrote: Kitty graphics (``ESC _ G``), Sixel (``ESC P ... q``)
or half-blocks ("▀").
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from tests.functional.pty_terminal import CELL_H, CELL_W, run_in_pty

REPO = Path(__file__).resolve().parents[2]
PICTURE_APP = Path(__file__).with_name("picture_app.py")
KITTY_IMAGE = re.compile(rb"\x1b_Gi=(\d+),[^;\x1b]*f=100[^;\x1b]*;")  # a chunk of a PNG sent
KITTY_PLACEMENT = re.compile(rb"\x1b_Ga=p,i=\d+,c=(\d+),r=(\d+),U=1")  # shown through placeholder cells
SIXEL_IMAGE = re.compile(rb'\x1bP[0-9;]*q"1;1;(\d+);(\d+)')  # a Sixel picture, its size in pixels
HALF_BLOCK = "▀".encode()
PLACEHOLDER = chr(0x10EEEE).encode()


def draw(tier: str, terminal: str = "silent", env: dict | None = None) -> tuple[str, bytes]:
    """(the tier the app chose, what it wrote) for ``--graphics tier`` on that terminal."""
    python_path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {"PYTHONPATH": python_path, "TERM": "xterm-256color",
           "COLORTERM": "truecolor", "TMUX": "", **(env or {})}
    output = run_in_pty([str(PICTURE_APP), tier], terminal, env)
    chosen = re.search(rb"tier=(\w+)", output)
    assert chosen, output[-2000:].decode("utf-8", "replace")
    assert b"Traceback" not in output, output[-3000:].decode("utf-8", "replace")
    return chosen.group(1).decode(), output


def test_halfblock_writes_half_blocks_and_no_image_escapes():
    chosen, output = draw("halfblock", terminal="kitty")  # a terminal that could, never asked
    assert chosen == "halfblock"
    assert output.count(HALF_BLOCK) > 100
    assert b"\x1b_G" not in output and not SIXEL_IMAGE.search(output)
    assert b"\x1b[c" not in output  # textual-image was not even imported: nothing asked


def test_kitty_sends_the_picture_once_and_places_it_in_cells():
    chosen, output = draw("kitty", terminal="kitty")
    assert chosen == "kitty"
    assert len(set(KITTY_IMAGE.findall(output))) == 1  # one image, sent in chunks
    (columns, rows), = {m.groups() for m in KITTY_PLACEMENT.finditer(output)}
    # a 16 x 16 map in an 80 x 24 box of 10 x 20 px cells: 480 x 480 px, 48 x 24 cells
    assert (int(columns), int(rows)) == (480 // CELL_W, 480 // CELL_H)
    drawn = output.count(PLACEHOLDER)  # the placement's cells, once per frame that drew them
    assert drawn > 0 and drawn % (48 * 24) == 0
    assert not SIXEL_IMAGE.search(output) and HALF_BLOCK not in output


def test_sixel_sends_the_picture_at_the_terminals_pixel_size():
    chosen, output = draw("sixel", terminal="sixel")
    assert chosen == "sixel"
    assert {m.groups() for m in SIXEL_IMAGE.finditer(output)} == {(b"480", b"480")}
    assert not KITTY_IMAGE.search(output) and HALF_BLOCK not in output


@pytest.mark.parametrize("terminal", ["sixel", "kitty"])
def test_auto_takes_the_protocol_the_terminal_answers_for(terminal):
    chosen, output = draw("auto", terminal=terminal)
    assert chosen == terminal
    assert (KITTY_IMAGE if terminal == "kitty" else SIXEL_IMAGE).search(output)
    assert HALF_BLOCK not in output


def test_auto_on_a_terminal_that_does_not_answer_draws_half_blocks():
    chosen, output = draw("auto", terminal="silent")
    assert chosen == "halfblock"
    assert output.count(HALF_BLOCK) > 100
    assert not KITTY_IMAGE.search(output) and not SIXEL_IMAGE.search(output)


@pytest.mark.parametrize("passthrough, expected", [("off", "halfblock"), ("on", "sixel"), ("all", "sixel")])
def test_auto_inside_tmux_needs_passthrough(tmp_path, passthrough, expected):
    fake_tmux = tmp_path / "tmux"  # answers `tmux show-options -Apv allow-passthrough`
    fake_tmux.write_text(f"#!/bin/sh\necho {passthrough}\n")
    fake_tmux.chmod(fake_tmux.stat().st_mode | stat.S_IEXEC)
    env = {"TMUX": "/tmp/tmux-0/default,1,0", "TMUX_PANE": "%0", "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    chosen, output = draw("auto", terminal="sixel", env=env)
    assert chosen == expected
    assert bool(SIXEL_IMAGE.search(output)) == (expected == "sixel")


def test_kitty_without_24_bit_colour_draws_half_blocks():
    chosen, output = draw("kitty", terminal="kitty", env={"COLORTERM": ""})  # 256 colours: ids would garble
    assert chosen == "kitty"
    assert not KITTY_IMAGE.search(output) and output.count(HALF_BLOCK) > 100
