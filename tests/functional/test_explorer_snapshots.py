"""SVG snapshots of the explorer's screens (pytest-textual-snapshot).

Update after an intended change: python -m pytest tests/functional/test_explorer_snapshots.py --snapshot-update
"""

from __future__ import annotations

from pathlib import Path

from tests.functional.conftest import ready, wait_until

SIZE = (110, 32)


def wait_for(condition):
    async def run_before(pilot) -> None:
        await wait_until(pilot, lambda: condition(pilot.app))

    return run_before


def layer_shown(row: int):
    return lambda app: ready(app) and app.explorer.state.layer == row and app.explorer.activation is not None


async def _go_to_conv_b(pilot) -> None:
    await wait_until(pilot, lambda: ready(pilot.app))
    await pilot.press("down", "down", "down")
    await wait_until(pilot, lambda: layer_shown(3)(pilot.app))


def test_main_screen(snap_compare, make_app):
    async def run_before(pilot):
        await _go_to_conv_b(pilot)
        await pilot.press("right", "right")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_grid_view(snap_compare, make_app):
    async def run_before(pilot):
        await _go_to_conv_b(pilot)
        await pilot.press("2", "right", "right", "right")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_across_layers_view(snap_compare, make_app):
    async def run_before(pilot):
        await _go_to_conv_b(pilot)
        await pilot.press("right", "3")
        await wait_until(pilot, lambda: len(pilot.app.explorer.query("MapTile")) == 3)
        await pilot.pause(0.2)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare, make_app):
    async def run_before(pilot):
        await wait_until(pilot, lambda: ready(pilot.app))
        await pilot.press("f1")
        await pilot.pause(0.2)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_error_state(snap_compare, make_app):
    app = make_app(images=(Path("tests/data/no_such_image.png"),))
    assert snap_compare(app, terminal_size=SIZE, run_before=wait_for(lambda app: app.explorer.status_line.error != ""))
