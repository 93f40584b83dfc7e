"""``actviz [MODEL] [IMAGE ...]`` before and around the UI: wrong files, pipes,
--verbose, and where the explorer opens."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from actviz_tui.commands.explore import build_parser

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "ui_tiny_cnn.keras"
RINGS = REPO / "tests" / "data" / "ui_rings.png"


def actviz(*args, timeout: float = 120, code: str | None = None, env_changes: dict | None = None):
    env = dict(os.environ, PYTHONPATH=str(REPO), **(env_changes or {}))
    command = [sys.executable, "-c", code, *map(str, args)] if code else [sys.executable, "-m", "actviz_tui", *map(str, args)]
    try:
        return subprocess.run(command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired as expired:  # today's explorer started into the pipe and hung
        return subprocess.CompletedProcess(command, None, expired.stdout or "", expired.stderr or "")


@pytest.mark.slow
@pytest.mark.parametrize("model", [RINGS, REPO / "README.md", REPO / "no-such-model.keras", REPO / "tests"])
def test_a_model_path_that_is_not_a_model_is_one_error_line(model):
    done = actviz(model, RINGS, timeout=60)
    assert done.returncode == 1, done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("actviz: error: ") and str(model.name) in line
    assert done.stdout == ""  # the UI never opened


@pytest.mark.slow
def test_swapped_arguments_say_the_model_comes_first():
    done = actviz(RINGS, TINY, timeout=60)
    assert "the model comes first" in done.stderr


@pytest.mark.slow
def test_without_a_terminal_the_explorer_exits_2_with_a_hint():
    done = actviz(TINY, RINGS, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "actviz summary" in done.stderr and "actviz export" in done.stderr
    assert done.stdout == ""


# The UI replaced by a stand-in that writes to fd 2 as TensorFlow's C++ runtime does.
FAKE_UI = textwrap.dedent("""
    import os, sys
    from actviz_tui.commands import explore
    from actviz_tui.ui.app import ActvizApp
    explore.stdout_is_terminal = lambda: True
    def run(self):
        os.write(2, b"I0000 fake-tensorflow-line while the UI runs\\n")
    ActvizApp.run = run
    from actviz_tui.cli import main
    sys.exit(main(sys.argv[1:]))
""")


@pytest.mark.slow
def test_verbose_keeps_backend_lines_off_the_running_ui_and_prints_them_after(tmp_path):
    log = tmp_path / "backend.log"
    done = actviz(TINY, RINGS, "--verbose", "--log", log, code=FAKE_UI)
    assert done.returncode == 0, done.stderr
    assert "fake-tensorflow-line" in log.read_text()  # fd 2 went to the log while the UI ran
    lines = done.stderr.splitlines()
    assert lines[0] == "I0000 fake-tensorflow-line while the UI runs"  # shown after the UI closed
    assert lines[-1] == f"actviz: backend log (1 new lines): {log}"


def test_start_options_are_parsed_and_reach_the_app(monkeypatch):
    from actviz_tui.commands import explore
    from actviz_tui.ui.app import ActvizApp
    from actviz_tui.ui.explorer_start import ExplorerStart

    args = build_parser().parse_args([str(TINY), str(RINGS), "--layer", "conv_b", "--channel", "5", "--view", "grid"])
    seen = []
    monkeypatch.setattr(explore, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(ActvizApp, "run", lambda self: seen.append(self.start))
    assert explore.run(args) == 0
    assert seen == [ExplorerStart("conv_b", 5, "grid")]
