"""What the explorer shows is true and whole: dead channels (d / D, hatched tiles),
all-zero filters and their real weight scale, a flat 1000-way softmax's bars."""

from __future__ import annotations

import pytest

from actviz_tui.ui.screens.help_screen import HelpScreen, help_markdown
from tests.functional.conftest import RINGS, wait_until, ready

import models_factory as mf

SIZE = (120, 36)
CONV_G, CONV_D, CLASSES = 1, 2, 4  # table rows of mf.dead_units_cnn


@pytest.fixture(scope="module")
def dead_units_keras(tmp_path_factory):
    path = tmp_path_factory.mktemp("dead") / "dead_units.keras"
    mf.dead_units_cnn().save(path)
    return path


def title(app) -> str:
    return app.explorer.query_one("#title").content


async def on_layer(pilot, app, row: int) -> None:
    await pilot.press(*["down"] * (row - app.explorer.state.layer))
    await wait_until(pilot, lambda: app.explorer.state.layer == row and app.explorer.activation is not None)
    await pilot.pause()


async def test_d_jumps_to_the_next_dead_channel_and_the_grid_hatches_them(make_app, dead_units_keras):
    app = make_app(dead_units_keras, [RINGS])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("d")  # the input layer (one live channel): nothing to jump to
        await pilot.pause()
        assert app.explorer.state.channel == 0
        assert any("no dead channel in gray" in str(note.message) for note in app._notifications)
        await on_layer(pilot, app, CONV_G)  # channels 2 and 5 dead
        channels = []
        for key in ("d", "d", "d", "D"):
            await pilot.press(key)
            await pilot.pause()
            channels.append(app.explorer.state.channel)
        assert channels == [2, 5, 2, 5]  # on, around, and back
        assert "channel 5/8" in title(app) and title(app).endswith("dead: all zeros")
        assert app.explorer.status_line.stage == "dead channel 5: 2 of 2 in conv_g"
        await pilot.press("2")
        await pilot.pause()
        assert "selected 5 (dead)  2 dead hatched" in title(app)
        await pilot.press("left")
        await pilot.pause()
        assert "selected 4  2 dead hatched" in title(app)


def test_the_dead_channel_keys_are_in_the_help():
    from actviz_tui.ui import explorer_actions
    from actviz_tui.ui.views import VIEWS

    text = help_markdown(explorer_actions.as_bindings(explorer_actions.bindings(VIEWS)))
    assert "| d | the layer's next dead channel" in text and "| D | the layer's previous dead channel |" in text


async def test_f1_lists_the_dead_channel_key(make_app, dead_units_keras):
    app = make_app(dead_units_keras, [RINGS])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "next dead channel" in app.screen.query_one("Markdown").source


async def test_a_flat_softmax_draws_no_full_bars(make_app, dead_units_keras):
    app = make_app(dead_units_keras, [RINGS])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("G")
        await wait_until(pilot, lambda: app.explorer.state.layer == CLASSES and app.explorer.activation is not None)
        await pilot.pause()
        lines = str(app.explorer.query_one("#unit-bars").render()).splitlines()
        assert lines[0] == "softmax, 1000 units · bars: probability on [0, 1]"
        assert lines[1].startswith("▶    0 tench") and "0.001" in lines[1]
        assert len(lines) > 10 and not any("█" in line for line in lines)  # every class at 0.001


async def test_filters_view_marks_zero_filters_with_a_real_weight_legend(make_app, dead_units_keras):
    app = make_app(dead_units_keras, [RINGS])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await on_layer(pilot, app, CONV_G)
        await pilot.press("4")
        await pilot.pause()
        assert title(app) == "conv_g  8 filters 3x3x1 over one input, filter 0 framed"  # all 8 as tiles
        view = app.explorer.query_one("FiltersView")
        assert view.tiles is not None and view.tiles.per_page >= 8  # one page of 8 tiles, not one kernel
        legend = app.explorer.query_one("#filters-legend")
        kernel = app.explorer.results.keras_layer(CONV_G).get_weights()[0]
        most = float(abs(kernel).max())
        assert legend.display and (legend.vmin, legend.vmax) == pytest.approx((-most, most))
        await pilot.press("right", "right")
        await pilot.pause()
        assert title(app).endswith("filter 2 framed  ALL ZERO (a dead filter)")
        await pilot.press("down")
        await wait_until(pilot, lambda: app.explorer.state.layer == CONV_D)
        await pilot.press("home", "right")  # conv_d, filter 1: +-2e-34
        await pilot.pause()
        assert title(app).startswith("conv_d  filter 1/6  ALL ZERO (a dead filter): its kernels 3x3x8")
        kernel = app.explorer.results.keras_layer(CONV_D).get_weights()[0]
        assert legend.vmax == pytest.approx(float(abs(kernel).max())) and legend.vmax > 0.01  # the layer's, not 2e-34
        assert "all-zero: 1" in app.explorer.query_one("#filter-norms").content
