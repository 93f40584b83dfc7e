"""Across layers on a deep model (a window around the selected layer, PgUp/PgDn,
one line for the skipped layers) and the explorer opening where the command line says."""

from __future__ import annotations

import json

from textual.css.query import NoMatches

from actviz_tui.core.export import spatial_layer_rows
from actviz_tui.ui.explorer_start import ExplorerStart
from tests.functional.conftest import ready, wait_until


def title(app) -> str:
    try:
        return app.explorer.query_one("#title").content
    except NoMatches:  # the screen is still being composed
        return ""


def tile_names(app) -> list[str]:
    return [tile.title_text.split()[0] for tile in app.explorer.query("MapTile")]


async def test_across_layers_on_a_deep_model_shows_the_window_around_the_layer(make_app, deep_model_keras):
    app = make_app(model=deep_model_keras, start=ExplorerStart("conv4_block2_out", 40, "across"))
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: "(channel scale)" in title(app), timeout=120)
        session, explorer = app.explorer.session, app.explorer
        spatial = spatial_layer_rows(session)
        having = [session.layers[row].name for row in spatial if session.layers[row].channels > 40]
        centre = having.index("conv4_block2_out")
        assert tile_names(app) == having[centre - 11 : centre + 13]
        start = centre - 11 + 1
        assert title(app) == f"channel 40 across layers {start}-{start + 23} of {len(having)}  (channel scale)"
        (selected,) = explorer.query("MapTile.-selected")
        assert selected.title_text.startswith("conv4_block2_out ")
        note = str(explorer.query_one("#note").render())
        assert note == f"{len(spatial) - len(having)} layers have fewer than 41 channels; PgUp/PgDn: other layers"

        await pilot.press("pagedown")
        await wait_until(pilot, lambda: tile_names(app)[-1] == having[-1])
        assert tile_names(app) == having[-24:] and explorer.state.layer == session.find_layer("conv4_block2_out")
        assert explorer.state.across_shift == 24  # one page asked; the window stops at the last layer
        await pilot.press("pageup", "pageup")
        await wait_until(pilot, lambda: tile_names(app)[0] == having[0])
        assert tile_names(app) == having[:24]
        await pilot.press("right")  # the arrows still move the channel
        await wait_until(pilot, lambda: "channel 41 across" in title(app) and "(channel scale)" in title(app))
        assert explorer.state.channel == 41 and len(tile_names(app)) == 24


async def test_the_explorer_opens_at_the_layer_channel_and_view_asked_for(make_app):
    app = make_app(start=ExplorerStart("conv_b", 5, "grid"))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        state = app.explorer.state
        assert (state.layer, state.channel, state.view) == (3, 5, "grid")
        assert app.explorer.query_one("#layers").selected_row == 3
        assert "conv_b  channels 0-11 of 12" in title(app) and "selected 5" in title(app)


async def test_an_unknown_start_layer_is_a_message_and_the_app_keeps_running(make_app):
    app = make_app(start=ExplorerStart("conv_z", 2, None))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        notice = app.explorer.query_one("#notices").text  # the notice line, not a toast over the pictures
        assert notice.startswith("--layer: ") and "conv_z" in notice
        assert app.explorer.state.layer == 0


async def test_an_unknown_start_view_names_the_views_and_opens_at_the_layer(make_app):
    app = make_app(start=ExplorerStart("conv_b", None, "heat"))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: ready(app) and app.explorer.state.layer == 3)
        notice = app.explorer.query_one("#notices").text
        assert "--view: no view 'heat': the views are channel, grid, across, filters" in notice
        assert app.explorer.state.view == "channel"


async def test_export_after_paging_the_across_view_writes_the_window_on_screen(make_app, deep_model_keras, tmp_path):
    from actviz_tui.ui.screens.export_dialog import ExportDialog

    app = make_app(model=deep_model_keras, start=ExplorerStart("conv4_block2_out", 40, "across"))
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: "(channel scale)" in title(app), timeout=120)
        session, centred = app.explorer.session, tile_names(app)
        await pilot.press("pageup")
        await wait_until(pilot, lambda: tile_names(app) not in ([], centred) and "(channel scale)" in title(app))
        shown = tile_names(app)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        (across,) = [choice for choice in app.screen.choices if choice.key == "across"]
        assert across.preset and across.requests[0].channel == 40
        app.screen.query_one("#folder").value = str(tmp_path)
        app.screen.query_one("#with-data").value = True
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.explorer.status_line.stage.startswith("exported"), timeout=120)
        (sidecar,) = tmp_path.glob("*across-layers.json")
        written = [session.layers[row].name for row in json.loads(sidecar.read_text())["layer_rows"]]
        assert written == shown and written != centred
