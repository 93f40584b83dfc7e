"""Fixtures for the explorer's pilot and snapshot tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

DATA = Path(__file__).resolve().parents[1] / "data"
TINY_MODEL = DATA / "ui_tiny_cnn.keras"
RINGS = DATA / "ui_rings.png"
RINGS_INVERTED = DATA / "ui_rings_inverted.png"


async def wait_until(pilot, condition, timeout: float = 30.0) -> None:
    """Let the app's workers run until ``condition()`` holds."""
    waited = 0.0
    while not _holds(condition):
        if waited > timeout:
            raise AssertionError("the app did not reach the expected state in time")
        await pilot.pause(0.05)
        waited += 0.05
    await pilot.pause()


def _holds(condition) -> bool:
    from textual.css.query import NoMatches

    try:
        return bool(condition())
    except (AttributeError, NoMatches):  # the explorer screen, or the widget asked for, is not mounted yet
        return False


def ready(app) -> bool:
    explorer = app.explorer
    return explorer is not None and explorer.activation is not None and bool(explorer.query_one("#layers").stats)


@pytest.fixture(autouse=True)
def truecolor_terminal(monkeypatch):
    """Pictures are drawn for the terminal's colours: pin them, whatever TERM the tests run under."""
    import textual.constants

    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "truecolor")


@pytest.fixture
def make_app():
    from actviz_tui.ui.app import ActvizApp

    def factory(model=TINY_MODEL, images=(RINGS,), **kwargs):
        return ActvizApp(Path(model), [Path(p) for p in images], **kwargs)

    return factory
