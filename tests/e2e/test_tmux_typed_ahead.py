"""End to end in tmux: keys sent in one burst (one ``send-keys``) reach the prompt they open."""

from __future__ import annotations

import pytest

import shutil

from tests.e2e.conftest import SAMPLE_MODEL, actviz_command

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.mark.skipif(not SAMPLE_MODEL.exists(), reason="sample model not built")
def test_channel_number_sent_in_one_burst_lands(tmux):
    term = tmux(actviz_command(), width=120, height=36)
    term.wait_for("channel 0/32")
    term.keys("c15", "Enter")  # one send-keys: the terminal delivers c, 1, 5, Enter together
    screen = term.wait_for("channel 15/32", timeout=30)
    assert "conv2d" in screen
    term.keys("q")
    term.wait_for("EXIT=0")
