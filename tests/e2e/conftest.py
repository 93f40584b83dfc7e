"""The real ``actviz`` in a real terminal: tmux sessions the e2e tests drive."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE_MODEL = REPO / "actviz_tui" / "samples" / "chest_xray_cnn.h5"


class TmuxSession:
    def __init__(self, command: str, width: int = 120, height: int = 36):
        self.name = f"actviz-{uuid.uuid4().hex[:8]}"
        # A tmux server of its own: another server's sessions and options (window-size,
        # a smaller client) must not shrink this window below the size asked for.
        self.tmux = ["tmux", "-L", self.name, "-f", "/dev/null"]
        subprocess.run(
            [*self.tmux, "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height),
             f"cd {REPO} && {command}; echo EXIT=$?; sleep 30"],
            check=True,
        )

    def screen(self, colours: bool = False) -> str:
        args = [*self.tmux, "capture-pane", "-p", "-t", self.name] + (["-e"] if colours else [])
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout

    def keys(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, text: str, timeout: float = 90.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; screen was:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


@pytest.fixture
def tmux():
    sessions = []

    def start(command: str, **size) -> TmuxSession:
        session = TmuxSession(command, **size)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        session.close()


def actviz_command(*args: str) -> str:
    # A 256-colour terminal without truecolor, as in plain tmux over SSH.
    # COLUMNS/LINES from the test process would override the tmux window size the program sees
    return f"env -u COLORTERM -u COLUMNS -u LINES TERM=screen-256color {sys.executable} -m actviz_tui " + " ".join(args)
