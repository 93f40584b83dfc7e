"""``python -m actviz_tui summary`` end to end, in subprocesses.

TensorFlow takes seconds to import, so the module fixture starts every command
at once and each test reads its own finished run.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.cli_runs import CliRuns, user_environment

import models_factory as mf

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
TF_NOISE = ("oneDNN", "cuda", "absl::InitializeLog", "cuInit", "I0000 ", "W0000 ", "E0000 ")
TIMEOUT = 180
SAMPLE = REPO / "actviz_tui" / "samples" / "chest_xray_cnn.h5"
SAMPLE_IMAGE = REPO / "actviz_tui" / "samples" / "images" / "xray_opacity.png"
RINGS = REPO / "tests" / "data" / "ui_rings.png"


@pytest.fixture(scope="module")
def files(tmp_path_factory, rgb_image):
    folder = tmp_path_factory.mktemp("cli")
    model = folder / "branches.keras"
    mf.functional_branches().save(model)
    mlp = folder / "mlp.keras"
    mf.dense_mlp().save(mlp)
    labels = folder / "labels.json"
    labels.write_text('["cat", "dog", "bird"]')
    features = folder / "features.npy"
    np.save(features, np.linspace(-3, 3, 10, dtype=np.float32))
    return {"model": model, "mlp": mlp, "image": rgb_image, "folder": folder, "labels": labels, "npy": features}


@pytest.fixture(scope="module")
def runs(files, deep_model_keras):
    env = user_environment()
    env["XDG_CACHE_HOME"] = str(files["folder"] / "cache")  # the diverted TensorFlow log goes here
    env["COLUMNS"] = "160"
    runs = CliRuns("summary", env, TIMEOUT)
    model, mlp, image = files["model"], files["mlp"], files["image"]
    runs.start("table", model, image)
    runs.start("json", model, image, "--json")
    runs.start("labels", model, image, "--json", "--labels", files["labels"])
    runs.start("bad_labels", model, image, "--labels", files["folder"] / "no-labels.txt")
    runs.start("missing_model", files["folder"] / "missing.keras")
    runs.start("missing_image", model, files["folder"] / "missing.png")
    runs.start("not_an_image", mlp, image)
    runs.start("npy_json", mlp, files["npy"], "--json")
    runs.start("npy_table", mlp, files["npy"])
    runs.start("usage", "--no-such-option")
    runs.start("bad_size", model, "--size", "big")
    runs.start("verbose", model, "--verbose", "--json", "--preprocess", "none")
    runs.start("deep", deep_model_keras, RINGS, "--json")
    runs.start("fields_json", SAMPLE, "--receptive-field", "--json")
    runs.start("fields_table", deep_model_keras, "--receptive-field")
    if SAMPLE.is_file() and SAMPLE_IMAGE.is_file():
        runs.start("sample", "--json")  # no MODEL: the bundled sample and its image
    yield runs
    runs.close()


def assert_quiet_stderr(done):
    for noise in TF_NOISE:
        assert noise not in done.stderr, f"TensorFlow noise {noise!r} on stderr:\n{done.stderr}"
    assert "Traceback" not in done.stderr


def assert_one_error_line(done, *words):
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("actviz: error:")
    for word in words:
        assert word in lines[0]
    assert_quiet_stderr(done)


def test_table_output(runs):
    done = runs["table"]
    assert done.returncode == 0, done.stderr
    for name in ("image", "left", "right", "add", "concat", "gap", "head"):
        assert name in done.stdout
    for word in ("Total params", "152", "Conv2D", "Concatenate", "(None, 8, 8, 7)", "mean", "dead"):
        assert word in done.stdout
    assert done.stdout.startswith("Backend: tensorflow ")  # one header line: backend, version, device
    assert "Prediction: head (values): #" in done.stdout
    assert done.stderr == ""


def test_json_with_image(runs, files):
    done = runs["json"]
    assert done.returncode == 0, done.stderr
    assert_quiet_stderr(done)
    data = json.loads(done.stdout)
    assert data["total_params"] == 152
    assert data["input_shape"] == [None, 8, 8, 3]
    assert data["image"] == str(files["image"])
    assert data["preprocessing"] == "rescale"
    assert data["backend"] == "tensorflow"
    assert data["device"] == "CPU" or data["device"].startswith("GPU: ")
    layers = {layer["name"]: layer for layer in data["layers"]}
    assert list(layers) == ["image", "left", "right", "add", "concat", "gap", "head"]
    assert layers["concat"]["type"] == "Concatenate"
    assert layers["concat"]["output_shape"] == [None, 8, 8, 7]
    assert layers["left"]["params"] == 112
    assert sum(layer["params"] for layer in data["layers"] if layer["depth"] == 0) == 152
    for layer in data["layers"]:
        stats = layer["stats"]
        for key in ("minimum", "maximum", "mean", "zero_fraction", "dead_channels"):
            assert isinstance(stats[key], (int, float)), key
        assert stats["minimum"] <= stats["mean"] <= stats["maximum"]
        assert 0.0 <= stats["zero_fraction"] <= 1.0
        assert 0 <= stats["dead_channels"] <= stats["channels"]
        assert len(stats["dead_channel_indices"]) == stats["dead_channels"]
        assert all(0 <= index < stats["channels"] for index in stats["dead_channel_indices"])
    assert layers["image"]["stats"]["minimum"] >= 0.0 and layers["image"]["stats"]["maximum"] <= 1.0
    assert layers["left"]["stats"]["minimum"] >= 0.0  # relu
    assert layers["head"]["stats"]["channels"] == 3
    (prediction,) = data["predictions"]
    assert prediction["output"] == "head" and prediction["kind"] == "values"  # a linear head
    scores = [entry["score"] for entry in prediction["top"]]
    assert sorted(entry["index"] for entry in prediction["top"]) == [0, 1, 2] and scores == sorted(scores, reverse=True)
    assert scores[0] == pytest.approx(layers["head"]["stats"]["maximum"], rel=1e-5)
    assert all(entry["label"] is None for entry in prediction["top"])


def test_labels_file_names_the_classes(runs):
    done = runs["labels"]
    assert done.returncode == 0, done.stderr
    top = json.loads(done.stdout)["predictions"][0]["top"]
    assert {entry["index"]: entry["label"] for entry in top} == {0: "cat", 1: "dog", 2: "bird"}


def test_missing_labels_file_is_one_error_line(runs, files):
    assert_one_error_line(runs["bad_labels"], "cannot read labels file", "no-labels.txt")


def test_json_of_a_deep_model_lists_every_layer_by_its_full_name(runs, deep_model):
    done = runs["deep"]
    assert done.returncode == 0, done.stderr[-2000:]
    assert_quiet_stderr(done)
    data = json.loads(done.stdout)
    names = [layer["name"] for layer in data["layers"]]
    assert len(names) >= 150
    assert names == [layer.name for layer in deep_model.layers]  # every layer, in order, names whole
    assert {"conv2_block1_1_conv", "conv4_block6_3_bn", "conv5_block2_out", "batch_normalization_12"} <= set(names)
    assert [layer["index"] for layer in data["layers"]] == list(range(len(names)))
    assert all("stats" in layer for layer in data["layers"])  # one pass gave every layer's stats
    assert data["total_params"] == deep_model.count_params()

def test_missing_model_is_one_error_line(runs, files):
    assert_one_error_line(runs["missing_model"], "not found", str(files["folder"] / "missing.keras"))


def test_missing_image_is_one_error_line(runs, files):
    assert_one_error_line(runs["missing_image"], "image not found", str(files["folder"] / "missing.png"))


def test_model_without_image_input(runs):
    done = runs["not_an_image"]
    assert_one_error_line(done, "does not take an image")
    assert "hidden" in done.stdout and "Total params" in done.stdout  # the table is still shown


def test_usage_error_exits_2(runs):
    done = runs["usage"]
    assert done.returncode == 2
    assert "--no-such-option" in done.stderr and "Traceback" not in done.stderr


def test_bad_size_is_a_usage_error(runs):
    done = runs["bad_size"]
    assert done.returncode == 2
    assert "HxW" in done.stderr and "Traceback" not in done.stderr


def test_verbose_without_image(runs):
    """--verbose lets TensorFlow talk (not asserted); without an image there are no stats."""
    done = runs["verbose"]
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(done.stdout)
    assert data["image"] is None and data["preprocessing"] == "none"
    assert all("stats" not in layer for layer in data["layers"])
    assert {"name", "type", "output_shape", "params"} <= set(data["layers"][0])


def test_default_is_the_bundled_sample(runs):
    if "sample" not in runs.started:
        pytest.skip("the bundled sample is not built yet")
    done = runs["sample"]
    assert done.returncode == 0, done.stderr
    assert_quiet_stderr(done)
    data = json.loads(done.stdout)
    assert data["total_params"] == 3_453_121
    assert data["input_shape"] == [None, 150, 150, 3]
    assert data["model"] == str(SAMPLE) and data["image"] == str(SAMPLE_IMAGE)
    assert len(data["layers"]) >= 8 and all("stats" in layer for layer in data["layers"])
    conv = data["layers"][0]["stats"]  # conv2d: 2 of its 32 channels dead on the sample image, named
    assert (conv["dead_channels"], conv["channels"], conv["dead_channel_indices"]) == (2, 32, [2, 3])
    last = data["layers"][-1]["stats"]
    assert 0.0 <= last["minimum"] <= 1.0  # a sigmoid probability
    # one sigmoid unit: class 1 (positive) with p, class 0 (negative) with 1 - p
    p = last["maximum"]
    assert data["predictions"] == [{"output": "dense_1", "kind": "sigmoid", "top": [
        {"index": 1, "label": "positive", "score": p}, {"index": 0, "label": "negative", "score": 1 - p}]}]


def test_an_array_input_is_not_said_to_be_rescaled(runs, files):
    done = runs["npy_json"]
    assert done.returncode == 0, done.stderr[-2000:]
    data = json.loads(done.stdout)
    assert data["image"] == str(files["npy"]) and data["preprocessing"] == "none (array)"
    done = runs["npy_table"]
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"Image: {files['npy']}  (preprocessing: none (array))" in done.stdout


def test_receptive_fields_in_the_json_and_the_table(runs):
    done = runs["fields_json"]
    assert done.returncode == 0, done.stderr
    layers = {row["name"]: row for row in json.loads(done.stdout)["layers"]}
    # the sample: four (3x3 valid conv, 2x2/2 pool) pairs, by hand: 46 px, jump 16, position 0 at 22.5
    assert layers["max_pooling2d_3"]["receptive_field"] == {
        "size": [46, 46], "stride": [16, 16], "offset": [22.5, 22.5], "global_context": False}
    assert layers["conv2d"]["receptive_field"]["offset"] == [1, 1]
    assert layers["flatten"]["receptive_field"] is None and layers["dense_1"]["receptive_field"] is None
    table = runs["fields_table"]
    assert table.returncode == 0, table.stderr
    header = next(line for line in table.stdout.splitlines() if "RF size" in line)
    assert "stride" in header and "offset" in header
    assert "whole input" in table.stdout
    assert "receptive_field" not in runs["json"].stdout  # only when asked
