"""View 6 (a scan's top images) through the pilot: --scan, the tiles' titles, Enter opening a
tile's image, the dead column counting the dataset, S opening a scan, a scan that does not fit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from textual.css.query import NoMatches

from actviz_tui.core.pictures.cell_format import format_scan_dead
from actviz_tui.core.scan.top_images import tile_title
from actviz_tui.ui.explorer_start import ExplorerStart
from tests.functional.conftest import TINY_MODEL, ready, wait_until
from tests.scan_helpers import make_scan, write_pictures

SIZE = (120, 36)
LAYERS = ("conv_a", "conv_b")


@pytest.fixture(scope="module")
def scan_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("scan")
    write_pictures(root / "pictures", count=7)
    make_scan(TINY_MODEL, root / "pictures", root / "scan", LAYERS, top_k=4)
    return root / "scan"


def tile_titles(app) -> list[str]:
    """The titles of the tiles composed so far: a tile just mounted may not have its title yet."""
    return [str(title.render()) for tile in app.explorer.query("TopTile") for title in tile.query("TileTitle")]


def title(app) -> str:
    try:
        return app.explorer.query_one("#title").content
    except NoMatches:
        return ""


def notices(app) -> str:
    return app.explorer.query_one("#notices").text


def dead_cell(app, row: int) -> str:
    table = app.explorer.query_one("#layers")
    return str(table.get_cell(str(row), "dead")).strip()


async def test_scan_on_the_command_line_shows_titled_tiles_and_enter_opens_one(make_app, scan_dir):
    from actviz_tui.core.scan.report import ScanResult

    scan = ScanResult.open(scan_dir)
    tops = scan.top("conv_b", 3)
    app = make_app(start=ExplorerStart("conv_b", 3, "top", str(scan_dir)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(tile_titles(app)) == 4)
        assert tile_titles(app) == [tile_title(top) for top in tops]
        assert tile_titles(app)[0] == f"{Path(tops[0].image).name} {tops[0].score:.3g}"
        assert title(app).startswith("conv_b  channel 3/12  top 4 of 7 images by max")
        assert [tile.rank for tile in app.explorer.query("TopTile.-selected")] == [0]
        status = app.explorer.query_one("#status")
        assert status.image == "ui_rings.png"

        await pilot.press("full_stop", "full_stop", "comma")  # the second tile
        assert [tile.rank for tile in app.explorer.query("TopTile.-selected")] == [1]
        await pilot.press("enter")
        await wait_until(pilot, lambda: status.image == Path(tops[1].image).name)
        assert app.explorer.results.key == tops[1].image  # the input of every view now
        assert status.image_count == 2  # added to the n/p list
        assert tile_titles(app) == [tile_title(top) for top in tops]  # the tiles stay


async def test_key_6_shows_the_scan_and_the_dead_column_counts_the_dataset(make_app, scan_dir):
    from actviz_tui.core.scan.report import ScanResult

    scan = ScanResult.open(scan_dir)
    app = make_app(start=ExplorerStart(scan=str(scan_dir)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app) and app.explorer.scan is not None)
        for row, name, channels in ((1, "conv_a", 6), (3, "conv_b", 12)):
            assert dead_cell(app, row) == format_scan_dead(len(scan.dead_channels(name)), channels)
        assert "scan" not in dead_cell(app, 5)  # dense_a: not scanned, this image's count as before
        await pilot.press("6")  # the image layer is not in the scan: one line says so
        await wait_until(pilot, lambda: "not in scan" in str(app.explorer.query_one("#top-note").render()))
        assert "select one of conv_a, conv_b" in str(app.explorer.query_one("#top-note").render())
        await pilot.press("down")  # conv_a
        await wait_until(pilot, lambda: len(tile_titles(app)) == 4)
        assert tile_titles(app) == [tile_title(top) for top in scan.top("conv_a", 0)]
        await pilot.press("right")  # channel 1: the tiles follow
        await wait_until(pilot, lambda: tile_titles(app) == [tile_title(top) for top in scan.top("conv_a", 1)])


async def test_s_opens_a_scan_and_refuses_a_folder_that_is_not_one(make_app, scan_dir, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("6")
        assert "no scan loaded: press S" in str(app.explorer.query_one("#top-note").render())
        await pilot.press("S", *str(tmp_path), "enter")
        await wait_until(pilot, lambda: "is not a scan folder" in notices(app))
        assert app.explorer.scan is None
        await pilot.press("S", *str(scan_dir), "enter")
        await wait_until(pilot, lambda: app.explorer.scan is not None)
        await pilot.press("down")
        await wait_until(pilot, lambda: len(tile_titles(app)) == 4)


async def test_a_scan_of_another_model_file_or_other_layers_opens_with_a_warning(make_app, scan_dir, tmp_path):
    import h5py

    other = tmp_path / "other"
    shutil.copytree(scan_dir, other)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["settings"]["model_sha256"] = "0" * 64
    (other / "manifest.json").write_text(json.dumps(manifest))
    with h5py.File(other / "results.h5", "r+") as file:
        file["layers/001"].attrs["name"] = "conv_z"
    app = make_app(start=ExplorerStart("conv_b", 0, "top", str(other)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.explorer.scan is not None and "not in scan" in
                         str(app.explorer.query_one("#top-note").render()))
        assert "was made with another model file" in notices(app)
        assert "not every layer is in this model (conv_z)" in notices(app)
        assert not app.explorer.query("TopTile")


async def test_the_export_dialog_in_view_6_offers_the_top_images(make_app, scan_dir, tmp_path):
    from actviz_tui.ui.screens.export_dialog import ExportDialog

    app = make_app(start=ExplorerStart("conv_b", 2, "top", str(scan_dir)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: len(tile_titles(app)) == 4)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        (choice,) = [choice for choice in dialog.choices if choice.key == "top"]
        assert choice.preset and choice.label == "conv_b channel 2: its top images in the scan"
        assert choice.requests[0].options == (("scan", str(scan_dir)),)


@pytest.fixture(scope="module")
def dead_scan(tmp_path_factory) -> tuple[Path, Path]:
    """models_factory.dead_units_cnn (conv_g's channels 2 and 5 are zero everywhere) and its scan."""
    import models_factory

    root = tmp_path_factory.mktemp("dead_scan")
    model_path = root / "dead_units.keras"
    models_factory.dead_units_cnn().save(model_path)
    write_pictures(root / "pictures", count=5)
    make_scan(model_path, root / "pictures", root / "scan", ("conv_g",), top_k=3)
    return model_path, root / "scan"


async def test_a_channel_dead_on_the_dataset_shows_no_tiles_but_says_why(make_app, dead_scan):
    model_path, scan_dir = dead_scan
    app = make_app(model=model_path, start=ExplorerStart("conv_g", 2, "top", str(scan_dir)))
    async with app.run_test(size=SIZE) as pilot:
        def note() -> str:
            return str(app.explorer.query_one("#top-note").render()) if app.explorer else ""

        await wait_until(pilot, lambda: "dead on the dataset" in note())
        assert "never > 0 on any of 5 images" in note()
        assert tile_titles(app) == []
        await pilot.press("right")  # channel 3 is alive: its tiles come back
        await wait_until(pilot, lambda: len(tile_titles(app)) == 3)
