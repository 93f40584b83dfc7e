"""Drive the explorer with key presses and check its state and rendered text."""

from __future__ import annotations

from pathlib import Path

from actviz_tui.ui.screens.help_screen import HelpScreen
from tests.functional.conftest import RINGS_INVERTED, wait_until, ready

SIZE = (120, 36)


def title(app) -> str:
    return app.explorer.query_one("#title").content


def status(app) -> str:
    return app.explorer.query_one("#status").text


async def test_opens_with_layer_table_and_first_channel(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        table = app.explorer.query_one("#layers")
        assert table.row_count == 7  # image, conv_a, pool_a, conv_b, flat, dense_a, score
        assert app.explorer.state.layer == 0 and app.explorer.state.channel == 0
        assert title(app).startswith("image  channel 0/3")
        assert "ui_tiny_cnn.keras" in status(app) and "CPU" in status(app)


async def test_channel_keys_step_jump_and_clamp(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("down")  # conv_a: 6 channels
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 1)
        await pilot.press("right", "right")
        assert app.explorer.state.channel == 2
        assert "conv_a  channel 2/6" in title(app)
        await pilot.press("right_square_bracket")
        assert app.explorer.state.channel == 5  # clamped at the last channel
        await pilot.press("home")
        assert app.explorer.state.channel == 0
        await pilot.press("end")
        assert app.explorer.state.channel == 5
        await pilot.press("left")
        assert app.explorer.state.channel == 4


async def test_typed_channel_number(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("down", "down", "down")  # conv_b: 12 channels
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 3)
        await pilot.press("c", "9", "enter")
        await pilot.pause()
        assert app.explorer.state.channel == 9
        assert "conv_b  channel 9/12" in title(app)


async def test_hundreds_of_rapid_presses_end_on_the_final_channel(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("down", "down", "down")
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 3)
        await pilot.press(*["right"] * 150, *["left"] * 147)
        await pilot.pause()
        assert app.explorer.state.channel == 0  # 150 right clamp at 11, then 147 left clamp at 0
        await pilot.press(*["right"] * 7)
        await pilot.pause()
        assert app.explorer.state.channel == 7
        assert "channel 7/12" in title(app)
        heatmap = app.explorer.query_one("#heatmap")
        assert (heatmap._values == app.explorer.activation[:, :, 7]).all()  # the picture follows the last key


async def test_layer_switch_with_held_down_key_lands_on_final_layer(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press(*["down"] * 40, *["up"] * 2)
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 4)
        assert title(app).startswith("flat")
        assert app.explorer.activation.shape == (9 * 9 * 12,)


async def test_views_grid_and_across_layers(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("down")
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 1)
        await pilot.press("2")
        await pilot.pause()
        assert app.explorer.state.view == "grid"
        assert "channels 0-5 of 6" in title(app)
        await pilot.press("right")
        assert "selected 1" in title(app)
        await pilot.press("down", "down")  # conv_b: 12 channels
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 3)
        await pilot.press("3")
        await wait_until(pilot, lambda: "across" in title(app) and "layers" in title(app))
        await wait_until(pilot, lambda: len(app.explorer.query("MapTile")) > 0)
        tiles = [tile.title_text for tile in app.explorer.query("MapTile")]
        assert [t.split()[0] for t in tiles] == ["conv_a", "pool_a", "conv_b"]  # the same panels as the export
        await pilot.press("right_square_bracket")  # channel 11: only conv_b has it
        await wait_until(pilot, lambda: len(app.explorer.query("MapTile")) == 1)
        assert str(app.explorer.query_one("#note").render()) == "2 layers have fewer than 12 channels"


async def test_dense_layer_shows_units(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("down", "down", "down", "down", "down")  # dense_a
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 5)
        await pilot.press("right")
        assert "dense_a  unit 1/10 = " in title(app)
        assert app.explorer.query_one("#heatmap").picture_size[0] > 0


async def test_colormap_and_scale_keys(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("m")
        assert app.explorer.state.cmap == "magma" and "magma" in status(app)
        await pilot.press("m", "m")
        assert app.explorer.state.cmap == "coolwarm"
        legend = app.explorer.query_one("#legend")
        assert legend.vmin == -legend.vmax  # a diverging colour scale is centred on zero
        await pilot.press("s")
        assert app.explorer.state.scale == "layer" and "layer scale" in title(app)


async def test_filter_narrows_the_table(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("down", "down", "down")  # conv_b
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 3)
        await pilot.press(*["right"] * 7)
        await pilot.press("slash", *"cnv", "left", "left", "o")  # arrows edit the filter text
        assert app.explorer.query_one("#filter").value == "conv"
        assert app.explorer.state.channel == 7
        table = app.explorer.query_one("#layers")
        assert table.row_count == 2
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 7
        assert (app.explorer.state.layer, app.explorer.state.channel) == (3, 7)  # the filter kept the selection


async def test_next_image_and_stats_in_table(make_app):
    app = make_app(images=(Path("tests/data/ui_rings.png"), RINGS_INVERTED))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        first = app.explorer.activation.copy()
        await pilot.press("n")
        await wait_until(pilot, lambda: app.explorer.state.image == 1 and app.explorer.activation is not None)
        assert "  |  ui_rings_inverted.png (2/2)  |  " in status(app)
        assert not (app.explorer.activation == first).all()


async def test_n_and_p_skip_an_unreadable_image_with_a_message(make_app, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png at all")
    app = make_app(images=(Path("tests/data/ui_rings.png"), broken, RINGS_INVERTED))

    def skipped() -> int:
        return sum("skipped broken.png: not an image Pillow can read" in str(n.message) for n in app._notifications)

    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        assert "  |  ui_rings.png (1/3)  |  " in status(app)
        await pilot.press("n")  # image 2 cannot be read: on to image 3
        await wait_until(pilot, lambda: app.explorer.state.image == 2 and app.explorer.activation is not None)
        assert "  |  ui_rings_inverted.png (3/3)  |  " in status(app) and app.explorer.status_line.error == ""
        assert skipped() == 1
        await pilot.press("p")  # back past it the other way
        await wait_until(pilot, lambda: app.explorer.state.image == 0 and app.explorer.activation is not None)
        assert "  |  ui_rings.png (1/3)  |  " in status(app) and skipped() == 2


async def test_an_unreadable_first_image_is_skipped_and_when_none_can_be_read_it_says_why(make_app, tmp_path):
    broken, empty = tmp_path / "broken.png", tmp_path / "empty.png"
    broken.write_bytes(b"not a png at all")
    empty.write_bytes(b"")
    app = make_app(images=(broken, RINGS_INVERTED))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.explorer.state.image == 1 and app.explorer.activation is not None)
        assert "  |  ui_rings_inverted.png (2/2)  |  " in status(app)
    app = make_app(images=(broken, empty))
    async with app.run_test(size=SIZE) as pilot:  # once round, then the last reason in the status line
        await wait_until(pilot, lambda: app.explorer.status_line.error != "")
        assert "image file is empty" in status(app) and "  |  broken.png (1/2)  |  " in status(app)
        await pilot.press("n")  # tries again, skips, and stops where it began
        await wait_until(pilot, lambda: "not an image Pillow can read" in app.explorer.status_line.error)
        assert app.explorer.query_one("#layers").row_count == 7  # still usable


async def test_bad_image_shows_message_and_app_stays_usable(make_app, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png at all")
    app = make_app(images=(broken,))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.explorer.status_line.error != "")
        assert "not an image Pillow can read" in status(app) and "broken.png" in status(app)
        assert app.explorer.query_one("#layers").row_count == 7  # the table is still there
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_bad_model_shows_message(make_app, tmp_path):
    bogus = tmp_path / "model.h5"
    bogus.write_text("hello")
    app = make_app(model=bogus)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.explorer.status_line.error != "")
        assert "not a Keras model file" in status(app)
        assert "press q to quit" in app.explorer.query_one("#heatmap").placeholder


async def test_tiny_terminal_asks_to_enlarge(make_app):
    app = make_app()
    async with app.run_test(size=(50, 12)) as pilot:
        await pilot.pause()
        await wait_until(pilot, lambda: app.explorer is not None)
        assert app.explorer.has_class("-too-small")
        assert app.explorer.query_one("#too-small").display


async def test_every_binding_is_in_the_command_palette_by_human_name(make_app):
    from actviz_tui.ui.explorer_commands import ExplorerCommands

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        provider = ExplorerCommands(app.explorer)
        titles = [hit.text for hit in [hit async for hit in provider.discover()]]
        for binding in app.explorer.BINDINGS:
            if binding.action != "app.quit" and not binding.action.startswith("view_key"):
                assert binding.description in titles
        assert "Page up" not in titles  # a view's own key is listed only where it does something
        await pilot.press("2")
        titles = [hit.text for hit in [hit async for hit in provider.discover()]]
        assert "Page up" in titles
        assert "Channel +10" in titles and not any("square_bracket" in t for t in titles)


async def test_mark_and_export_from_the_explorer(make_app, tmp_path):
    from PIL import Image

    from actviz_tui.ui.screens.export_dialog import ExportDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("down")  # conv_a
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 1)
        await pilot.press("right", "x", "right", "right", "x")
        assert app.explorer.marks == {(1, 1), (1, 3)}
        assert "* marked" in title(app)
        assert "conv_a*" in str(app.explorer.query_one("#layers").get_row("1")[1])
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        assert dialog.query_one("#choice-marked").value is True
        assert dialog.query_one("#choice-channel").value is False  # marks win over what is on screen
        dialog.query_one("#folder").value = str(tmp_path / "figs")
        await pilot.press("enter")  # the Export button has the focus
        await wait_until(pilot, lambda: app.explorer.status_line.stage.startswith("exported"))
        written = sorted(p.name for p in (tmp_path / "figs").iterdir())
        assert written == ["ui_tiny_cnn__ui_rings__conv_a__ch001__channel.png",
                           "ui_tiny_cnn__ui_rings__conv_a__ch003__channel.png"]  # the image named too
        with Image.open(tmp_path / "figs" / written[0]) as png:
            assert png.size[0] > 300 and png.size[1] > 300


async def test_export_to_an_unwritable_folder_keeps_the_dialog_open_with_the_error(make_app, tmp_path):
    from actviz_tui.ui.screens.export_dialog import ExportDialog

    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("#folder").value = str(blocker / "out")
        await pilot.click("#export")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)  # still open: the user can fix the folder
        problem = str(app.screen.query_one("#problem").render())
        assert "a_file" in problem and "not a folder" in problem
        folder = app.screen.query_one("#folder")
        folder.value = str(tmp_path / "good")
        folder.focus()
        await pilot.press("enter")  # Enter in the fixed folder box exports
        await wait_until(pilot, lambda: app.explorer.status_line.stage.startswith("exported"))
        assert list((tmp_path / "good").glob("*.png"))
        await pilot.press("right")  # still usable
        assert app.explorer.state.channel == 1


async def test_an_export_that_fails_while_writing_reports_in_the_status(make_app, tmp_path, monkeypatch):
    from actviz_tui.core.errors import ExportError
    from actviz_tui.ui import engine_bridge
    from actviz_tui.ui.screens.export_dialog import ExportDialog

    def disk_full(*args, **kwargs):
        raise ExportError(f"cannot write to {tmp_path}/x.png: disk full")

    monkeypatch.setattr(engine_bridge, "export_figures", disk_full)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("#folder").value = str(tmp_path / "out")
        await pilot.click("#export")
        await wait_until(pilot, lambda: app.explorer.status_line.error.startswith("export failed"))
        assert "disk full" in status(app)
        assert app.screen is app.explorer


async def test_works_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("down", "right")
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 1)
        assert not app.explorer.has_class("-too-small")
        assert title(app).startswith("conv_a  channel 1/6")
        width, height = app.explorer.query_one("#heatmap").picture_size
        assert width >= 20 and height >= 8  # a real picture, not a sliver
        assert app.explorer.query_one("#layers").row_count == 7


async def test_resize_renders_at_the_new_size(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        before = app.explorer.query_one("#heatmap").picture_size
        await pilot.resize_terminal(160, 50)
        await pilot.pause(0.2)
        after = app.explorer.query_one("#heatmap").picture_size
        assert after[0] > before[0] and after[1] > before[1]


async def test_keys_typed_while_loading_never_reach_the_hidden_filter(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"conv_b")  # before the model is loaded
        await wait_until(pilot, lambda: ready(app))
        await pilot.press(*"conv_b")
        assert app.explorer.query_one("#filter").value == ""
        assert app.explorer.query_one("#layers").row_count == 7


async def test_palette_finds_and_runs_an_explorer_action(make_app):
    from textual.command import CommandPalette

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"colormap")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is app.explorer)
        assert app.explorer.state.cmap == "magma"  # the palette ran "Colormap"


async def test_filters_view_shows_patches_kernels_matrix_and_no_weights(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("down", "4")  # conv_a over the RGB image
        await pilot.pause()
        assert title(app).startswith("conv_a  6 filters 3x3x3 as RGB patches, filter 0 framed")
        norms = app.explorer.query_one("#filter-norms").content
        assert norms.startswith("L2 ") and "(filter 0)" in norms
        assert app.explorer.query_one("#filters-picture").picture_size[0] > 0
        await pilot.press("down")  # pool_a
        await pilot.pause()
        assert "has no weights" in app.explorer.query_one("#filters-picture").placeholder
        await pilot.press("down", "right", "right")  # conv_b: kernels of filter 2 over conv_a's 6 maps
        await pilot.pause()
        assert title(app).startswith("conv_b  filter 2/12: its kernels 3x3x6 over 6 inputs")
        await pilot.press("down", "down")  # dense_a
        await pilot.pause()
        assert "weights" in title(app) and "Dense" in title(app)


async def test_the_model_output_is_drawn_as_labelled_bars(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("end")  # keep a channel wanted past the 1-unit output
        await pilot.press("G")  # the last layer: the model's output, "score"
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 6)
        view = app.explorer.query_one("ChannelView")
        assert view.has_class("-bars") and not app.explorer.query_one("#heatmap").display
        heading, bar = str(app.explorer.query_one("#unit-bars").render()).splitlines()
        assert heading == "sigmoid, 1 unit: p for class 1, 1 - p for class 0 · bars: probability on [0, 1]"
        score = app.explorer.activation[0]
        cells = bar.count("█") + bar.count("·")  # the bar and the rest of [0, 1]
        assert bar.startswith("▶    0 positive") and cells >= 10 and bar.count("█") == round(cells * score)
        await pilot.press("g")  # an image layer: the heatmap again
        await wait_until(pilot, lambda: app.explorer.state.layer == 0 and app.explorer.activation is not None)
        assert not view.has_class("-bars")


def test_wide_outputs_list_their_top_units_and_the_selected_one():
    import numpy as np

    from actviz_tui.ui.widgets.unit_bars import shown_units, unit_bars_text

    values = np.arange(1000, dtype=float)
    assert shown_units(values, 3, 5) == [999, 998, 997, 996, 3]
    text = unit_bars_text(values, 999, {999: "toilet tissue"}, 4, 80).plain
    assert text.splitlines()[1].startswith("▶  999 toilet tissue")
