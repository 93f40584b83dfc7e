"""actviz evaluate's progress bar: on a terminal's stderr only, one bar per method."""

from __future__ import annotations

import io

from actviz_tui.commands.evaluate_report import progress_bar


class TerminalStream(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_draws_on_a_terminal_and_stays_silent_on_a_pipe(monkeypatch):
    terminal = TerminalStream()
    monkeypatch.setattr("sys.stderr", terminal)
    with progress_bar() as report:
        report("gradcam", 0, 40)
        report("gradcam", 40, 40)
        report("occlusion (explaining)", 3, 9)
    assert "gradcam" in terminal.getvalue() and "occlusion (explaining)" in terminal.getvalue()
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    with progress_bar() as report:
        report("gradcam", 1, 2)
    assert pipe.getvalue() == ""
