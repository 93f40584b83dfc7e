"""``actviz summary``/``export`` on models from the field, in subprocesses: custom
layers with --custom-objects, .npy inputs, a channels_first model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.cli_runs import CliRuns, user_environment

import models_factory as mf

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
RINGS = REPO / "tests" / "data" / "ui_rings.png"
TIMEOUT = 180
CUSTOM_LAYER = """
import keras

@keras.saving.register_keras_serializable(package="actviz_cli_test")
class TimesTwo(keras.layers.Layer):
    def call(self, inputs):
        return inputs * 2.0
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    import keras

    folder = tmp_path_factory.mktemp("field_cli")
    module = folder / "my_layers.py"
    module.write_text(CUSTOM_LAYER)
    namespace: dict = {}
    exec(CUSTOM_LAYER, namespace)
    inputs = keras.Input((8, 8, 3), name="image")
    custom = folder / "custom.keras"
    keras.Model(inputs, namespace["TimesTwo"](name="twice")(keras.layers.Conv2D(2, 3, name="conv")(inputs))).save(custom)
    conv1d = folder / "conv1d.keras"
    mf.conv1d_sequence().save(conv1d)
    signal = folder / "signal.npy"
    np.save(signal, mf.random_batch((16, 3)))  # with its batch axis
    chw = folder / "chw.keras"
    mf.channels_first_cnn().save(chw)
    return {"folder": folder, "module": module, "custom": custom, "conv1d": conv1d, "signal": signal, "chw": chw}


@pytest.fixture(scope="module")
def runs(files):
    env = user_environment()
    env["XDG_CACHE_HOME"] = str(files["folder"] / "cache")
    summary, export = CliRuns("summary", env, TIMEOUT), CliRuns("export", env, TIMEOUT)
    summary.start("npy", files["conv1d"], files["signal"], "--json")
    summary.start("no_module", files["custom"], RINGS)
    summary.start("module", files["custom"], RINGS, "--custom-objects", files["module"], "--json")
    export.start("custom", files["custom"], RINGS, "--custom-objects", files["module"], "--layer", "twice",
                 "--channel", "1", "--dpi", "60", "--out", files["folder"] / "out_custom")
    export.start("chw", files["chw"], RINGS, "--layer", "conv_a", "--channel", "3", "--input-image",
                 "--with-data", "--dpi", "60", "--out", files["folder"] / "out_chw")
    yield {"summary": summary, "export": export}
    summary.close()
    export.close()


def error_line(done) -> str:
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("actviz: error:")]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_summary_of_a_conv1d_model_on_an_npy_input(runs):
    done = runs["summary"]["npy"]
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["image"].endswith("signal.npy")
    conv = next(layer for layer in data["layers"] if layer["name"] == "conv1d")
    assert conv["stats"]["channels"] == 6 and conv["stats"]["minimum"] >= 0.0


def test_custom_layer_without_the_option_names_the_class(runs):
    line = error_line(runs["summary"]["no_module"])
    assert "'TimesTwo'" in line and "--custom-objects" in line


def test_custom_layer_with_the_option_in_summary_and_export(runs, files):
    done = runs["summary"]["module"]
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [layer["type"] for layer in data["layers"]] == ["InputLayer", "Conv2D", "TimesTwo"]
    exported = runs["export"]["custom"]
    assert exported.returncode == 0, exported.stderr
    assert [p.name for p in (files["folder"] / "out_custom").iterdir()] == ["custom__ui_rings__twice__ch001__channel.png"]


def test_export_of_a_channels_first_model(runs, files):
    done = runs["export"]["chw"]
    assert done.returncode == 0, done.stderr
    out = files["folder"] / "out_chw"
    assert np.load(out / "chw__ui_rings__conv_a__ch003__channel.npy").shape == (16, 16)
    assert np.load(out / "chw__ui_rings__input.npy").shape == (16, 16, 3)
