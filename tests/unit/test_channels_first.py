"""channels_first models: the image goes in as (C, H, W); the session hands out
channels-last maps, so the preview, the views, stats and exports see H x W per channel."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import needs_onednn

from actviz_tui.core.export import ExportSettings, FigureRequest, export_figures
from actviz_tui.core.inputs.images import load_model_input
from actviz_tui.core.session.model_session import ModelSession

import models_factory as mf
from engine_helpers import assert_reductions_match, row_activation, session_of

RINGS = Path(__file__).resolve().parents[1] / "data" / "ui_rings.png"
ATOL = 1e-5


@pytest.fixture(scope="module")
def session(channels_first_keras):
    return ModelSession.open(channels_first_keras).image(RINGS)


def reference(session, name: str, chw_batch: np.ndarray) -> np.ndarray:
    """The layer's output straight from Keras, in the model's own (C, H, W) layout."""
    import keras

    model = session.keras_model
    probe = keras.Model(model.inputs, model.get_layer(name).output)
    return keras.ops.convert_to_numpy(probe([chw_batch]))[0]


def test_layers_know_their_channel_axis(session):
    rows = {info.name: info for info in session.layers}
    assert rows["conv_a"].output_shape == (None, 4, 16, 16)  # the table keeps Keras' shapes
    assert [rows[n].channels for n in ("image_chw", "conv_a", "bn", "pool", "conv_b", "gap", "head")] == [3, 4, 4, 4, 5, 5, 2]
    assert [rows[n].channels_first for n in ("image_chw", "conv_a", "bn", "pool", "conv_b", "gap")] == [True] * 5 + [False]
    assert session.inputs[0].channels_first and session.inputs[0].shape == (3, 16, 16)
    assert session.image_input_index == 0


def test_channel_checks_count_the_channel_axis_not_the_width(session):
    from actviz_tui.core.errors import LayerLookupError
    from actviz_tui.core.export.planning import channel_count, check_channel

    pool = session.find_layer("pool")
    assert session.layers[pool].output_shape[-1] == 8 and channel_count(session, pool) == 4
    check_channel(session, pool, 3)
    with pytest.raises(LayerLookupError, match=r"layer pool has 4 channels \(0-3\); no channel 5"):
        check_channel(session, pool, 5)


def test_image_goes_in_as_chw_and_the_preview_is_the_picture(session):
    hwc = load_model_input(RINGS, (16, 16, 3))[0]
    np.testing.assert_allclose(session.model_input, hwc)  # a 16x16 picture, not a 3-pixel strip
    assert session.model_input.shape == (16, 16, 3)
    np.testing.assert_allclose(session.activation(0), hwc, atol=ATOL)


@needs_onednn
@pytest.mark.parametrize("name", ["conv_a", "bn", "pool", "conv_b"])
def test_maps_are_handed_out_channels_last(session, name):
    chw = np.ascontiguousarray(session.model_input.transpose(2, 0, 1))[None]
    expected = np.moveaxis(reference(session, name, chw), 0, -1)
    activation = session.activation(session.find_layer(name))
    assert activation.shape == expected.shape
    np.testing.assert_allclose(activation, expected, atol=ATOL)
    several = session.activations([session.find_layer(name), session.find_layer("gap")])
    np.testing.assert_allclose(several[session.find_layer(name)], expected, atol=ATOL)


@needs_onednn
def test_reductions_are_per_channel_on_the_channel_axis(session):
    names = ["conv_a", "bn", "pool", "conv_b", "gap", "head"]
    batch = np.concatenate([session.batch, session.batch[:, ::-1], 1.0 - session.batch])  # three CHW inputs
    for x in (session.batch, batch):  # one image (eager), three (compiled)
        reduced = session.model.reductions(x, names)
        arrays = session.model.activations(x, names)
        assert arrays["conv_b"].shape == (len(x), 8, 8, 5)  # channels last
        assert reduced["conv_b"].maximum.shape == (len(x), 5)  # not 8 (the width)
        for name in names:
            assert_reductions_match(reduced[name], arrays[name])


@needs_onednn
def test_stats_count_channels_on_the_channel_axis(channels_first_keras):
    session = ModelSession.open(channels_first_keras).image(RINGS)
    stats = session.all_stats()
    conv_a = session.find_layer("conv_a")
    activation = session.activation(conv_a)
    assert stats[conv_a].channels == 4  # not 16 (the width)
    dead = int((activation.reshape(-1, 4) == 0).all(axis=0).sum())
    assert stats[conv_a].dead_channels == dead
    assert stats[session.find_layer("pool")].channels == 4


@needs_onednn
def test_export_grid_and_input_of_a_channels_first_model(session, tmp_path):
    settings = ExportSettings(folder=tmp_path, dpi=60, with_data=True)
    requests = [FigureRequest("grid", layer="conv_b"), FigureRequest("input"), FigureRequest("channel", layer="pool", channel=3)]
    paths = export_figures(session, requests, settings)
    grid = np.load(next(p for p in paths if p.name.endswith("conv_b__grid.npy")))
    assert grid.shape == (8, 8, 5)
    shown = np.load(next(p for p in paths if p.name.endswith("__input.npy")))
    assert shown.shape == (16, 16, 3)
    channel = np.load(next(p for p in paths if p.name.endswith("__channel.npy")))
    np.testing.assert_allclose(channel, session.activation(session.find_layer("pool"))[:, :, 3])
    sidecar = json.loads(next(p for p in paths if p.name.endswith("conv_b__grid.json")).read_text())
    assert sidecar["layer"] == "conv_b"


@needs_onednn
def test_channels_first_conv1d_is_channels_by_time():
    import keras

    keras.utils.set_random_seed(3)
    inputs = keras.Input((3, 20), name="signal")
    outputs = keras.layers.Conv1D(4, 3, data_format="channels_first", name="conv1d")(inputs)
    session = session_of(keras.Model(inputs, outputs))
    x = mf.random_batch((3, 20))
    activation = row_activation(session.model, [x], session.find_layer("conv1d"))
    assert activation.shape == (18, 4)  # (T, C), as a channels_last Conv1D gives
    expected = keras.ops.convert_to_numpy(session.keras_model(x))[0].T
    np.testing.assert_allclose(activation, expected, atol=ATOL)
    reduced = session.model.reductions([x], "conv1d")["conv1d"]  # (y, x) = (0, t) on a sequence
    assert_reductions_match(reduced, activation[None])


def test_the_config_says_channels_first_before_any_backend_import(channels_first_keras, sample_h5, monkeypatch):
    from actviz_tui.core.model import backend_env
    from actviz_tui.core.model.loading import declares_channels_first

    assert declares_channels_first(channels_first_keras) and not declares_channels_first(sample_h5)
    monkeypatch.setattr(backend_env, "backend_name", lambda: "tensorflow")
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    backend_env.prepare_environment(channels_first=True)
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "1"  # its convolutions need oneDNN on the CPU
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS")
    backend_env.prepare_environment()
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"
