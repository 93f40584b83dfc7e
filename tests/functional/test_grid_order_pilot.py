"""View 2 ordered (O): index -> mean -> max -> decision; the tiles, their titles, the arrows,
the pages and the export follow the order."""

from __future__ import annotations

import re

import numpy as np

from actviz_tui.core.analysis.channel_ranking import channel_scores, rank_channels
from tests.functional.conftest import ready, wait_until

SIZE = (160, 45)
CONV_B = 3  # ui_tiny_cnn: conv_b, 9x9x12


def title(app) -> str:
    return app.explorer.query_one("#title").content


def tile_titles(app) -> list[tuple[int, int, str]]:
    """(rank, channel, score text) of each title under the grid, in the tiles' order."""
    text = str(app.explorer.query_one("#grid-titles").render())
    return [(int(rank), int(channel), score) for rank, channel, score in re.findall(r"#(\d+) c(\d+) (\S+)", text)]


def expected(scores: np.ndarray) -> list[int]:
    return sorted(range(len(scores)), key=lambda c: (-scores[c], c))


async def _grid_on_conv_b(app, pilot) -> None:
    await wait_until(pilot, lambda: ready(app))
    await pilot.press("down", "down", "down", "2")
    await wait_until(pilot, lambda: app.explorer.state.layer == CONV_B and "channels 0-11 of 12" in title(app))


async def test_O_orders_the_tiles_by_mean_max_and_decision(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _grid_on_conv_b(app, pilot)
        assert tile_titles(app) == []  # index order: no titles line
        activation = app.explorer.activation
        grid = app.explorer.query_one("GridView")
        await pilot.press("O")
        await wait_until(pilot, lambda: "ordered by mean" in title(app))
        means = channel_scores(activation, "mean")
        titles = tile_titles(app)
        assert [channel for _, channel, _ in titles] == expected(means)
        assert [rank for rank, _, _ in titles] == list(range(1, 13))
        assert titles[0][2] == f"{means[titles[0][1]]:.4g}"
        assert "ranks 1-12 of 12" in title(app) and "(mean activation)" in title(app)
        assert grid.ranking.channels == tuple(expected(means))  # what the picture's tiles follow
        # the arrows, [ ] and PgDn move along the displayed order
        order = expected(means)
        app.explorer.set_state(app.explorer.state.with_channel(order[0]))
        await pilot.press("right")
        assert app.explorer.state.channel == order[1]
        await pilot.press("right", "right", "left")
        assert app.explorer.state.channel == order[2]
        assert f"selected {order[2]} (#3, {means[order[2]]:.4g})" in title(app)
        await pilot.press("right_square_bracket")  # a row of tiles further
        assert app.explorer.state.channel == order[min(2 + grid.tiles.cols, 11)]
        await pilot.press("pagedown")  # one page: the last ranked
        assert app.explorer.state.channel == order[-1]
        await pilot.press("O")
        await wait_until(pilot, lambda: "ordered by max" in title(app))
        assert [channel for _, channel, _ in tile_titles(app)] == expected(channel_scores(activation, "max"))
        await pilot.press("O")
        await wait_until(pilot, lambda: "ordered by decision for class 1 'positive'" in title(app))
        found = app.explorer.results.channel_contributions(CONV_B, None)
        decision = rank_channels(found.contributions, "decision")
        assert [channel for _, channel, _ in tile_titles(app)] == list(decision.channels)
        assert "(Grad-CAM weight \u00d7 mean)" in title(app)
        await pilot.press("O")
        await wait_until(pilot, lambda: "channels 0-11 of 12" in title(app))
        assert app.explorer.state.grid_order == "index" and tile_titles(app) == []


async def test_decision_order_follows_the_class_map_class_and_says_why_not(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _grid_on_conv_b(app, pilot)
        await pilot.press("O", "O", "O")
        await wait_until(pilot, lambda: "ordered by decision for class 1" in title(app))
        await pilot.press("5", "C", "0", "enter")
        await wait_until(pilot, lambda: app.explorer.state.cam.class_index == 0)
        await pilot.press("2")
        await wait_until(pilot, lambda: "ordered by decision for class 0 'negative'" in title(app))
        found = app.explorer.results.channel_contributions(CONV_B, 0)
        assert [c for _, c, _ in tile_titles(app)] == list(rank_channels(found.contributions, "decision").channels)
        await pilot.press("up", "up")  # pool_a: fine; flat (no maps) says so
        await wait_until(pilot, lambda: app.explorer.state.layer == 1 and "ordered by decision" in title(app))
        await pilot.press("end")
        await pilot.press("down", "down", "down")
        await wait_until(pilot, lambda: app.explorer.state.layer == 4 and "no maps to order by decision" in title(app))
        assert "Traceback" not in title(app)


async def test_a_new_image_drops_the_decision_order_and_ranks_again(make_app):
    from tests.functional.conftest import RINGS, RINGS_INVERTED

    app = make_app(images=(RINGS, RINGS_INVERTED))
    async with app.run_test(size=SIZE) as pilot:
        await _grid_on_conv_b(app, pilot)
        await pilot.press("O", "O", "O")
        await wait_until(pilot, lambda: "ordered by decision" in title(app))
        await pilot.press("n")
        await wait_until(pilot, lambda: app.explorer.state.image == 1 and "ordered by decision" in title(app)
                         and app.explorer.activation is not None)
        found = app.explorer.results.channel_contributions(CONV_B, None)
        assert app.explorer.results.key.endswith("ui_rings_inverted.png")
        assert [c for _, c, _ in tile_titles(app)] == list(rank_channels(found.contributions, "decision").channels)


async def test_decision_order_in_a_nested_base(make_app, sample_nested_keras, xray_opacity_png):
    app = make_app(model=sample_nested_keras, images=(xray_opacity_png,))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        row = app.explorer.session.find_layer("backbone/bb_relu32")
        app.explorer.query_one("#layers").select_layer(row)
        await pilot.press("2", "O", "O", "O")
        await wait_until(pilot, lambda: app.explorer.state.layer == row and "ordered by decision" in title(app))
        found = app.explorer.results.channel_contributions(row, None)
        ranked = rank_channels(found.contributions, "decision").channels
        assert app.explorer.query_one("GridView").ranking.channels == ranked
        assert [c for _, c, _ in tile_titles(app)] == list(ranked[: len(tile_titles(app))])


async def test_export_of_an_ordered_grid_carries_the_order(make_app):
    from actviz_tui.ui.screens.export_dialog import ExportDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _grid_on_conv_b(app, pilot)
        view = app.explorer.query_one("GridView")
        assert view.export_request(app.explorer.state).options == ()
        await pilot.press("O", "O", "O")
        await wait_until(pilot, lambda: "ordered by decision" in title(app))
        request = view.export_request(app.explorer.state)
        assert request.layer == CONV_B and dict(request.options) == {"order": "decision", "order_class": None}
        await pilot.press("e")  # the dialog's grid choice is this request, and says so
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        (grid,) = [choice for choice in app.screen.choices if choice.key == "grid"]
        assert grid.preset and grid.requests == (request,)
        assert grid.label == "conv_b: every channel (grid, ordered by decision)"
