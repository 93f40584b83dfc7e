"""The explorer's W saves what is on show as ``NAME.view.json`` (no figure drawn), and
``actviz --view-file`` opens the explorer there again: layer, channel, view, colours,
the class map's method and class."""

from __future__ import annotations

import json

from actviz_tui.commands.explore import build_parser
from actviz_tui.commands.session_args import session_options
from actviz_tui.commands.view_args import explorer_start
from actviz_tui.ui.explorer_start import ExplorerStart
from tests.functional.conftest import RINGS, TINY_MODEL as TINY, ready, wait_until

SIZE = (120, 36)


def open_view_file(make_app, path, *given):
    """The app ``actviz --view-file PATH [given...]`` starts."""
    args = build_parser().parse_args(["--view-file", str(path), *map(str, given)])
    return make_app(model=args.model, images=args.images, options=session_options(args), start=explorer_start(args))


async def save_view(app, pilot, folder):
    app.explorer.export_folder = folder
    await pilot.press("W")
    await wait_until(pilot, lambda: folder.is_dir() and any(folder.iterdir()), timeout=60)
    await wait_until(pilot, lambda: any("view saved" == note.title for note in app._notifications))
    (saved,) = folder.iterdir()
    return saved


async def test_w_saves_the_view_on_show_without_a_figure_and_view_file_opens_it(make_app, tmp_path):
    app = make_app(start=ExplorerStart("conv_b", 5, "grid"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("m", "s")  # magma, the layer's scale
        saved = await save_view(app, pilot, tmp_path / "views")
        assert any(str(saved) in str(note.message) for note in app._notifications)
    assert saved.name == "ui_tiny_cnn__ui_rings__conv_b__grid.view.json"  # nothing else: no PNG
    record = json.loads(saved.read_text())
    assert (record["kind"], record["layer"], record["figure"], record["image"]) == ("grid", "conv_b", None,
                                                                                   str(RINGS.resolve()))
    view = record["view"]
    # the grid's selected tile too (the figure has every channel): --view-file opens on it
    assert view["request"] == {"kind": "grid", "layer": "conv_b", "channel": 5, "max_layers": None, "options": {}}
    assert view["settings"] == {"cmap": "magma", "scale": "layer", "dpi": 150}

    reopened = open_view_file(make_app, saved)
    async with reopened.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(reopened))
        state = reopened.explorer.state
        assert (state.layer, state.channel, state.view, state.cmap, state.scale) == (3, 5, "grid", "magma", "layer")
        assert reopened.explorer.model_path == TINY.resolve()
        assert reopened.explorer.image_paths == [RINGS.resolve()]
        assert reopened.explorer.query_one("#layers").selected_row == 3


async def test_a_channel_view_comes_back_on_its_channel_and_the_command_line_wins(make_app, tmp_path):
    app = make_app(start=ExplorerStart("conv_a", 4, "channel"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app) and app.explorer.state.channel == 4)
        saved = await save_view(app, pilot, tmp_path)
    assert json.loads(saved.read_text())["view"]["request"]["channel"] == 4
    reopened = open_view_file(make_app, saved, "--channel", "2", "--view", "across")
    async with reopened.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(reopened))
        state = reopened.explorer.state
        assert (state.layer, state.channel, state.view) == (1, 2, "across")


async def test_the_class_map_is_saved_with_its_method_class_and_colours(make_app, tmp_path):
    app = make_app(start=ExplorerStart(view="cam", cam_method="gradcam"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.explorer.results is not None and app.explorer.results.has_image)
        from dataclasses import replace

        explorer = app.explorer
        explorer.set_state(replace(explorer.state, cam=replace(explorer.state.cam, class_index=0, layer=1,
                                                               cmap="turbo")))
        saved = await save_view(app, pilot, tmp_path)
    view = json.loads(saved.read_text())["view"]
    assert view["request"] == {"kind": "cam", "layer": "conv_a", "channel": 0, "max_layers": None,
                               "options": {"class": 0, "cmap": "turbo", "method": "gradcam"}}
    reopened = open_view_file(make_app, saved)
    async with reopened.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: reopened.explorer.session is not None and reopened.explorer.state.view == "cam")
        cam = reopened.explorer.state.cam
        assert (cam.method, cam.class_index, cam.layer, cam.cmap) == ("gradcam", 0, 1, "turbo")
