"""load_model: good files load; every kind of bad file is one ModelLoadError naming it."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

import models_factory as mf
from actviz_tui.core.errors import ActvizError, ModelLoadError
from actviz_tui.core.model.engine import Model
from actviz_tui.core.model.loading import load_model
from actviz_tui.core.session.model_session import ModelSession

NOTEBOOK_PARAMS = 3_453_121


@pytest.fixture(scope="module")
def good_keras(models_dir):
    path = models_dir / "loading_branches.keras"
    mf.functional_branches().save(path)
    return path


@pytest.fixture(scope="module")
def good_h5(models_dir):
    path = models_dir / "loading_seq.h5"
    mf.sequential_no_input().save(path)
    return path


def assert_refused(path, *words):
    with pytest.raises(ModelLoadError) as caught:
        load_model(path)
    message = str(caught.value)
    assert str(path) in message
    assert "\n" not in message
    for word in words:
        assert word in message
    assert isinstance(caught.value, ActvizError)
    return message


# -- good files ------------------------------------------------------------------


def test_loads_keras_archive(good_keras):
    import keras

    model = load_model(good_keras)
    assert isinstance(model, keras.Model)
    assert model.count_params() == mf.functional_branches().count_params()
    x = mf.random_batch((8, 8, 3))
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(model(x)),
        keras.ops.convert_to_numpy(mf.functional_branches()(x)),  # same seed, same weights
        atol=1e-5,
    )


def test_loads_h5_of_sequential_built_without_input(good_h5):
    import keras

    model = load_model(str(good_h5))  # str paths work too
    assert isinstance(model, keras.Sequential)
    assert [layer.name for layer in model.layers] == ["conv_a", "pool_a", "conv_b", "flatten", "dense_a", "out"]
    assert model.count_params() == 495


def test_expands_user(good_keras, monkeypatch):
    monkeypatch.setenv("HOME", str(good_keras.parent))
    assert load_model(f"~/{good_keras.name}").name == "branches"


# -- bad files: one test per kind ---------------------------------------------------


def test_missing_path(tmp_path):
    assert_refused(tmp_path / "nope.keras", "not found")


def test_directory(tmp_path):
    assert_refused(tmp_path, "directory")


def test_saved_model_directory(tmp_path):
    import tensorflow as tf

    module = tf.Module()
    module.scale = tf.Variable(2.0)
    module.call = tf.function(lambda x: x * module.scale, input_signature=[tf.TensorSpec([None], tf.float32)])
    folder = tmp_path / "exported"
    tf.saved_model.save(module, str(folder))
    assert (folder / "saved_model.pb").exists()
    assert_refused(folder, "SavedModel", "Re-save")


def test_text_file_named_h5(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("this is not a model\n")
    assert_refused(path, "not a Keras model file")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.keras"
    path.touch()
    assert_refused(path, "empty")


def test_truncated_keras(good_keras, tmp_path):
    data = good_keras.read_bytes()
    path = tmp_path / "half.keras"
    path.write_bytes(data[: len(data) // 2])
    assert_refused(path)


def test_truncated_h5(good_h5, tmp_path):
    data = good_h5.read_bytes()
    path = tmp_path / "half.h5"
    path.write_bytes(data[: len(data) // 2])
    assert_refused(path, "cannot load model")


def test_hdf5_data_file_that_is_not_a_model(tmp_path):
    import h5py

    path = tmp_path / "measurements.h5"
    with h5py.File(path, "w") as file:
        file["values"] = np.arange(10)
    assert_refused(path, "cannot load model")


def test_zip_that_is_not_a_keras_archive(tmp_path):
    path = tmp_path / "photos.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "holiday photos")
    assert_refused(path, "config.json")


def test_lambda_refused_by_safe_mode(tmp_path):
    path = tmp_path / "lambda.keras"
    mf.lambda_model().save(path)
    message = assert_refused(path, "cannot load model")
    assert "safe" in message.lower() or "lambda" in message.lower()


def test_session_open_raises_the_same(tmp_path):
    with pytest.raises(ModelLoadError, match="not found"):
        ModelSession.open(tmp_path / "missing.h5")
    with pytest.raises(ModelLoadError, match="not found"):
        Model.open(tmp_path / "missing.h5")


# -- a Keras 2 (tf_keras) HDF5 file ---------------------------------------------------


def test_tf_keras_h5_reproduces_stored_output(repo_root):
    data = repo_root / "tests" / "data"
    model_path, expected_path = data / "tf_keras_small.h5", data / "tf_keras_small_expected.npz"
    if not (model_path.is_file() and expected_path.is_file()):
        pytest.skip("tests/data/tf_keras_small.h5 not made yet")
    expected = np.load(expected_path)
    model = Model(load_model(model_path), model_path)
    batch = expected["input"]
    last = len(model.layers) - 1
    for sample in range(len(batch)):  # one at a time (eager), then the whole batch (compiled)
        one = model.activations_by_row(batch[sample : sample + 1], [last])[last]
        np.testing.assert_allclose(one[0], expected["output"][sample], atol=1e-5)
    np.testing.assert_allclose(model.activations_by_row(batch, [last])[last], expected["output"], atol=1e-5)
    np.testing.assert_allclose(model.outputs(batch)[0], expected["output"], atol=1e-5)


# -- the bundled samples ------------------------------------------------------------


def test_sample_notebook_model(sample_h5):
    session = ModelSession.open(sample_h5)
    assert session.total_params == NOTEBOOK_PARAMS
    assert len(session.layers) >= 8
    assert sum(info.params for info in session.layers if info.depth == 0) == NOTEBOOK_PARAMS
    types = {info.type for info in session.layers}
    assert {"Conv2D", "MaxPooling2D", "Flatten", "Dense"} <= types
    assert session.inputs[0].shape == (150, 150, 3)
    assert session.layers[-1].output_shape == (None, 1)


def test_sample_notebook_model_on_sample_image(sample_h5, xray_opacity_png):
    results = ModelSession.open(sample_h5).image(xray_opacity_png)
    image = results.model_input
    assert image.shape == (150, 150, 3)
    last = len(results.layers) - 1
    probability = results.activation(last)
    assert probability.shape == (1,) and 0.0 <= probability[0] <= 1.0
    assert results.cached_activation(last) is probability  # kept: one layer asked, one cached
    assert [row for row in range(len(results.layers)) if results.cached_activation(row) is not None] == [last]


def test_sample_nested_model(sample_nested_keras):
    session = ModelSession.open(sample_nested_keras)
    nested = [info for info in session.layers if info.is_model]
    assert nested, "the nested sample has a nested model"
    inner = [info for info in session.layers if info.depth == 1]
    assert inner and all("/" in info.name for info in inner)
    assert all(info.name.startswith(nested[0].name + "/") for info in inner)
    assert sum(info.params for info in session.layers if info.depth == 0) == session.total_params


def test_sample_grayscale_model(sample_grayscale_keras, xray_clear_png):
    session = ModelSession.open(sample_grayscale_keras)
    assert session.inputs[0].shape[-1] == 1
    image = session.image(xray_clear_png).model_input
    assert image.shape[-1] == 1
