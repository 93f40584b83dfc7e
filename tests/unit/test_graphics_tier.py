"""graphics_tier: the ``auto`` decision and tmux's passthrough, without a terminal."""

from __future__ import annotations

import io
import stat

import pytest

from actviz_tui.ui import graphics_tier
from actviz_tui.ui.graphics_tier import auto_tier, choose_tier, drawable_tier, tmux_passthrough_on


def never_asked() -> bool:
    raise AssertionError("tmux was asked outside tmux, or for a terminal without pixels")


@pytest.mark.parametrize("answer", ["sixel", "kitty"])
def test_auto_takes_the_terminals_answer_outside_tmux(answer):
    assert auto_tier(answer, in_tmux=False, passthrough=never_asked) == answer


def test_auto_falls_back_to_half_blocks_when_the_terminal_does_not_answer():
    assert auto_tier(None, in_tmux=False, passthrough=never_asked) == "halfblock"
    assert auto_tier(None, in_tmux=True, passthrough=never_asked) == "halfblock"


@pytest.mark.parametrize("answer", ["sixel", "kitty"])
def test_auto_inside_tmux_wants_passthrough_on(answer):
    assert auto_tier(answer, in_tmux=True, passthrough=lambda: False) == "halfblock"
    assert auto_tier(answer, in_tmux=True, passthrough=lambda: True) == answer


def test_halfblock_and_a_non_terminal_never_ask(monkeypatch):
    def no_questions():
        raise AssertionError("the terminal was asked")

    monkeypatch.setattr(graphics_tier, "terminal_answer", no_questions)
    assert choose_tier("halfblock") == "halfblock"
    monkeypatch.setattr("sys.stdin", io.StringIO())  # not a terminal: even a forced tier cannot ask it
    assert choose_tier("kitty") == choose_tier("auto") == "halfblock"


def test_an_unknown_tier_is_refused():
    with pytest.raises(ValueError, match="auto, kitty, sixel, halfblock"):
        choose_tier("iterm")


@pytest.mark.parametrize("printed, expected", [("on", True), ("all", True), ("off", False), ("", False)])
def test_passthrough_is_read_from_tmux(tmp_path, monkeypatch, printed, expected):
    tmux = tmp_path / "tmux"
    tmux.write_text(f'#!/bin/sh\necho "$*" > "{tmp_path}/args"\necho {printed}\n')
    tmux.chmod(tmux.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("TMUX_PANE", "%3")
    assert tmux_passthrough_on() is expected
    assert (tmp_path / "args").read_text().split() == ["show-options", "-Apv", "-t", "%3", "allow-passthrough"]


def test_without_a_tmux_program_passthrough_is_off(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tmux there
    assert tmux_passthrough_on() is False


def test_kitty_pictures_need_24_bit_colour_sixel_does_not():
    assert drawable_tier("kitty", "truecolor") == "kitty"
    assert drawable_tier("kitty", "256") == drawable_tier("kitty", "standard") == "halfblock"
    assert drawable_tier("sixel", "256") == "sixel" and drawable_tier("halfblock", "truecolor") == "halfblock"
