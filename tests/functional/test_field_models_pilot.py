"""The explorer on models that do not take (H, W, C) images: an MLP and a Conv1D
model fed .npy arrays, an MNIST-style flat input fed an image, a channels_first CNN."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import needs_onednn

from tests.functional.conftest import RINGS, ready, wait_until

import models_factory as mf

SIZE = (120, 36)


@pytest.fixture(scope="module")
def field_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("field")
    files = {}
    for name, builder, shape in (
        ("mlp", mf.dense_mlp, (10,)),
        ("conv1d", mf.conv1d_sequence, (16, 3)),
        ("flat", mf.flat_mlp, None),
        ("chw", mf.channels_first_cnn, None),
    ):
        files[name] = folder / f"{name}.keras"
        builder().save(files[name])
        if shape:
            files[f"{name}_npy"] = folder / f"{name}_input.npy"
            np.save(files[f"{name}_npy"], mf.random_batch(shape)[0])
    return files


def title(app) -> str:
    return app.explorer.query_one("#title").content


def preview_title(app) -> str:
    return app.explorer.query_one("#preview-title").content


async def select_row(pilot, app, row: int) -> None:
    await pilot.press(*["down"] * (row - app.explorer.state.layer))
    await wait_until(pilot, lambda: app.explorer.state.layer == row and app.explorer.activation is not None)
    await pilot.pause()


async def test_mlp_with_an_npy_input_shows_its_units(make_app, field_files):
    app = make_app(field_files["mlp"], [field_files["mlp_npy"]])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        assert preview_title(app).startswith("input 3x4 (none (array))")  # 10 values as a block, as they are
        assert app.explorer.query_one("#preview").picture_size[0] > 0
        await select_row(pilot, app, 1)  # hidden: 8 units
        assert "hidden  unit 0/8 = " in title(app)
        assert app.explorer.query_one("#heatmap").picture_size[0] > 0
        assert not app.explorer.status_line.error


async def test_conv1d_with_an_npy_input_shows_channels_by_time(make_app, field_files):
    app = make_app(field_files["conv1d"], [field_files["conv1d_npy"]])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await select_row(pilot, app, 1)  # conv1d: 16 steps x 6 channels
        assert "conv1d  channel 0/6  (6 channels x 16 steps)" in title(app)
        assert app.explorer.query_one("#heatmap").picture_size[0] > 0


async def test_mlp_refuses_an_image_with_a_hint_and_keeps_running(make_app, field_files):
    app = make_app(field_files["mlp"], [RINGS])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.explorer.status_line.error)
        assert "does not take an image" in app.explorer.status_line.error and ".npy array of shape (10,)" in app.explorer.status_line.error
        assert app.explorer.query_one("#layers").row_count == 3  # the table is there
        await pilot.press("down")
        assert app.explorer.state.layer == 1


async def test_flat_input_takes_an_image_as_28x28_gray(make_app, field_files):
    app = make_app(field_files["flat"], [RINGS])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        assert preview_title(app).startswith("input 28x28x1")
        await select_row(pilot, app, 1)
        assert "hidden  unit 0/16" in title(app)


@needs_onednn
async def test_channels_first_preview_and_maps_are_pictures(make_app, field_files):
    app = make_app(field_files["chw"], [RINGS])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        assert preview_title(app).startswith("input 16x16x3")  # not a 3-pixel strip
        width, height = app.explorer.query_one("#preview").picture_size
        assert width > 8 and height > 4
        await select_row(pilot, app, 1)  # conv_a: 4 channels of 16x16
        assert "conv_a  channel 0/4" in title(app)
        assert app.explorer.layer_data.array.shape == (16, 16, 4)
