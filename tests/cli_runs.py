"""Run several ``actviz`` subprocesses at once (each pays a TensorFlow import), or
``cli.main`` in this process (``in_process_cli``)."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def user_environment(**changes) -> dict:
    """This process's environment less what the test run set for itself (TensorFlow's
    log level, oneDNN): the program sets those as it does for a user."""
    env = dict(os.environ, PYTHONPATH=str(REPO), **changes)
    for name in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS"):
        env.pop(name, None)
    return env


class CliRuns:
    """``python -m actviz_tui SUBCOMMAND ...`` runs started together, collected on demand."""

    def __init__(self, subcommand: str, env: dict, timeout: float):
        self.subcommand = subcommand
        self.env = env
        self.timeout = timeout
        self.started: dict[str, subprocess.Popen] = {}
        self.done: dict[str, subprocess.CompletedProcess] = {}

    def start(self, key: str, *args) -> None:
        command = [sys.executable, "-m", "actviz_tui", self.subcommand, *map(str, args)]
        self.started[key] = subprocess.Popen(
            command, cwd=REPO, env=self.env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    def __getitem__(self, key: str) -> subprocess.CompletedProcess:
        if key not in self.done:
            process = self.started[key]
            try:
                out, err = process.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                out, err = process.communicate()
            self.done[key] = subprocess.CompletedProcess(process.args, process.returncode, out, err)
        return self.done[key]

    def close(self) -> None:
        for process in self.started.values():
            if process.poll() is None:
                process.kill()
                process.wait()


@contextmanager
def in_process_cli():
    """``cli.main`` without its process-wide steps (the backend's environment, fd 2 to a log)."""
    from actviz_tui import cli

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "prepare_environment", lambda channels_first=False, gradients=True: None)
        patch.setattr(cli, "divert_native_stderr", lambda log_path=None: None)
        yield cli.main
