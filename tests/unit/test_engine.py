"""The engine's contract (core/model/engine.Model): a batch in, per-image arrays out, the
same as one image at a time and as plain Keras; layers by name, path or index;
per-channel reductions equal to numpy's; predictions best first.

Three models, each on a batch of three different inputs: the bundled sample
``chest_xray_cnn.h5`` on its three images, ``residual_nested.keras`` (a nested
backbone) on the same, and a two-input model. The file runs on whatever
KERAS_BACKEND is set; ``test_the_contract_holds_on_jax`` runs it again on JAX.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import models_factory as mf
from actviz_tui.core.errors import ActvizError, ImageLoadError, LayerLookupError
from actviz_tui.core.model.engine import Model, Prediction
from engine_helpers import assert_reductions_match, model_of

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "actviz_tui" / "samples"
IMAGES = [SAMPLES / "images" / name for name in ("xray_opacity.png", "xray_clear.png", "shapes.jpg")]
TOLERANCE = 1e-5  # relative and absolute (np.testing.assert_allclose's rtol and atol)
CASES = ("chest_xray", "nested", "two_inputs")


def close(actual, expected, message=""):
    np.testing.assert_allclose(actual, expected, rtol=TOLERANCE, atol=TOLERANCE, err_msg=message)


def keras():
    import keras as k

    return k


@pytest.fixture(scope="module")
def cases() -> dict[str, tuple[Model, object]]:
    """name -> (model, a batch of three different inputs)."""
    chest = Model.open(SAMPLES / "chest_xray_cnn.h5")
    nested = Model.open(SAMPLES / "residual_nested.keras")
    two = model_of(mf.two_inputs())
    pair = [mf.random_batch((8, 8, 3)), mf.random_batch((4,))]
    pair = [np.concatenate([array * (1 + k) - k / 3 for k in range(3)]) for array in pair]  # three different samples
    return {"chest_xray": (chest, chest.prepare(IMAGES)), "nested": (nested, nested.prepare(IMAGES)),
            "two_inputs": (two, pair)}


def sample(x, index: int):
    """Image ``index`` of a batch, as a batch of one (each input of a list)."""
    if isinstance(x, list):
        return [array[index:index + 1] for array in x]
    return x[index:index + 1]


def plain_keras(model: Model, x, name: str) -> np.ndarray:
    """The layer's output from a ``keras.Model`` built on it (the nested sample's backbone,
    which takes the image as it is: called on it, its inner rows from a model on it)."""
    k = keras()
    whole = model.keras_model
    feed = model.feed(x)
    if model.layer(name).is_model:  # its ``.output`` is its own graph's, not the outer one's
        assert len(feed) == 1
        return k.ops.convert_to_numpy(whole.get_layer(name)(feed, training=False))
    if "/" in name:
        outer, inner = name.split("/", 1)
        nested = whole.get_layer(outer)
        assert len(feed) == 1
        probe = k.Model(nested.inputs[0], nested.get_layer(inner).output)
    else:
        probe = k.Model(whole.inputs if len(feed) > 1 else whole.inputs[0], whole.get_layer(name).output)
    return k.ops.convert_to_numpy(probe(feed if len(feed) > 1 else feed[0], training=False))


def spatial_rows(model: Model) -> list[int]:
    return [info.index for info in model.layers if len(info.output_shape) == 4]


# ----- activations ---------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_activations_of_a_batch_equal_one_image_at_a_time(cases, case):
    model, x = cases[case]
    rows = list(range(len(model.layers)))
    together = model.activations_by_row(x, rows)
    for row, info in enumerate(model.layers):
        assert together[row].shape == (3, *info.output_shape[1:]) and together[row].dtype == np.float32, info.name
    for index in range(3):
        alone = model.activations_by_row(sample(x, index), rows)
        for row in rows:
            close(together[row][index], alone[row][0], f"{case} {model.layers[row].name} image {index}")
    differs = [row for row in rows if not np.allclose(together[row][0], together[row][1])]
    assert differs, "the three inputs must give different activations"


@pytest.mark.parametrize("case", CASES)
def test_activations_equal_plain_keras(cases, case):
    model, x = cases[case]
    names = [info.name for info in model.layers]
    arrays = model.activations(x, names)
    assert list(arrays) == names
    for name in names:
        close(arrays[name], plain_keras(model, x, name), f"{case} {name}")
    feed = model.feed(x)
    whole = model.keras_model(feed[0] if isinstance(model.keras_model, keras().Sequential) else feed, training=False)
    (output,) = model.outputs(x)
    close(output, keras().ops.convert_to_numpy(whole), f"{case} outputs")
    (last,) = model.output_rows
    close(arrays[names[last]], output)


def test_layers_by_name_path_and_index_are_the_same_arrays(cases):
    model, x = cases["nested"]
    row = model.find_layer("backbone/bb_conv32")
    assert model.find_layer("bb_conv32") == row == model.find_layer(str(row))
    by_path = model.activations(x, ["backbone/bb_conv32"])
    by_short = model.activations(x, "bb_conv32")
    by_index = model.activations(x, [row])
    assert list(by_path) == list(by_short) == list(by_index) == ["backbone/bb_conv32"]
    np.testing.assert_array_equal(by_path["backbone/bb_conv32"], by_index["backbone/bb_conv32"])
    np.testing.assert_array_equal(by_short["backbone/bb_conv32"], by_index["backbone/bb_conv32"])
    np.testing.assert_array_equal(model.activations_by_row(x, [row])[row], by_index["backbone/bb_conv32"])
    assert list(model.activations(x, np.int64(row))) == ["backbone/bb_conv32"]  # a numpy row, as arrays give them
    both = model.activations(x, ["res_relu", 14, "backbone/bb_conv32"])  # 14 is res_relu: asked twice, given once
    assert list(both) == ["res_relu", "backbone/bb_conv32"]
    assert model.layer("res_relu").index == 14
    assert model.keras_layer("backbone/bb_conv32") is model.keras_model.get_layer("backbone").get_layer("bb_conv32")
    with pytest.raises(LayerLookupError, match="no layer named 'nope'"):
        model.activations(x, ["nope"])
    with pytest.raises(LayerLookupError, match="no layer #99"):
        model.activations(x, [99])


def test_a_single_array_feeds_the_image_input_and_zeros_the_others(cases):
    model, (images, _meta) = cases["two_inputs"]
    alone = model.activations(images, ["conv", "meta_dense", "head"])
    zeros = np.zeros((3, 4), np.float32)
    explicit = model.activations([images, zeros], ["conv", "meta_dense", "head"])
    for name, array in alone.items():
        np.testing.assert_array_equal(array, explicit[name])
    bias = model.keras_model.get_layer("meta_dense").get_weights()[1]
    close(alone["meta_dense"], np.broadcast_to(bias, (3, 4)))
    with pytest.raises(ValueError, match="takes 2 input"):
        model.activations([images], ["conv"])


# ----- reductions ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])  # 1: eager; 3: the backend's compiled step
@pytest.mark.parametrize("case", CASES)
def test_reductions_equal_numpy(cases, case, count):
    model, x = cases[case]
    x = sample(x, 0) if count == 1 else x
    names = [info.name for info in model.layers]
    reduced = model.reductions(x, names)
    arrays = model.activations(x, names)
    assert list(reduced) == names
    for name in names:
        assert_reductions_match(reduced[name], arrays[name])
    for row in spatial_rows(model):  # (y, x) are map coordinates
        _, height, width, _ = model.layers[row].output_shape
        position = reduced[names[row]].position
        assert (position[..., 0] < height).all() and (position[..., 1] < width).all()


def test_reductions_of_known_maps():
    """A layer whose maps are set by hand: each channel's peak, mean and share of positives."""
    k = keras()
    inputs = k.Input((2, 3, 2), name="maps")
    model = model_of(k.Model(inputs, k.layers.Identity(name="same")(inputs)))
    maps = np.zeros((1, 2, 3, 2), np.float32)
    maps[0, :, :, 0] = [[-1, 5, 2], [5, 0, 3]]  # the peak twice: the first in row-major order is (0, 1)
    maps[0, :, :, 1] = [[-4, -3, -2], [-1, -6, -5]]  # nothing positive: the peak is -1 at (1, 0)
    got = model.reductions(maps, "same")["same"]
    np.testing.assert_array_equal(got.maximum, [[5, -1]])
    np.testing.assert_array_equal(got.position, [[[0, 1], [1, 0]]])
    close(got.mean, [[14 / 6, -21 / 6]])
    close(got.positive, [[4 / 6, 0]])


# ----- predictions -------------------------------------------------------------------------


def softmax_model(classes: int = 5):
    k = keras()
    k.utils.set_random_seed(5)
    inputs = k.Input((6, 6, 3), name="image")
    x = k.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    x = k.layers.GlobalAveragePooling2D(name="gap")(x)
    return k.Model(inputs, k.layers.Dense(classes, activation="softmax", name="probs")(x), name="five_classes")


def test_predict_is_best_first_with_index_label_and_score(tmp_path):
    labels = tmp_path / "labels.txt"
    labels.write_text("ant\nbee\ncat\ndog\neel\n")
    model = model_of(softmax_model(), labels=str(labels))
    x = np.random.default_rng(4).normal(size=(3, 6, 6, 3)).astype(np.float32) * [[[[1.0]]], [[[3.0]]], [[[-2.0]]]]
    probabilities = np.asarray(model.keras_model(x))
    top = model.predict(x, top=3)
    assert len(top) == 3
    for image, entries in enumerate(top):
        assert len(entries) == 3 and all(isinstance(entry, Prediction) for entry in entries)
        order = np.argsort(-probabilities[image], kind="stable")[:3]
        assert [entry.index for entry in entries] == list(order)
        assert [entry.label for entry in entries] == [["ant", "bee", "cat", "dog", "eel"][i] for i in order]
        close([entry.score for entry in entries], probabilities[image][order])
        assert entries[0].score >= entries[1].score >= entries[2].score
        assert entries[0] == (entries[0].index, entries[0].label, entries[0].score)  # a plain tuple too
    assert [entry.index for entry in model.predict(x[:1], top=5)[0]] == list(np.argsort(-probabilities[0], kind="stable"))
    (first,) = model.predictions(x[:1], top=2)[0]
    assert (first.output, first.kind, first.units, len(first.top)) == ("probs", "softmax", 5, 2)


@pytest.mark.parametrize("case", CASES)
def test_predict_on_the_three_models_equals_their_outputs(cases, case):
    model, x = cases[case]
    (output,) = model.outputs(x)
    top = model.predict(x, top=5)
    assert len(top) == 3
    sigmoid = model.predictions(x)[0][0].kind == "sigmoid"
    assert sigmoid == (case != "two_inputs")
    for image, entries in enumerate(top):
        value = output[image, 0]
        if sigmoid:  # one sigmoid unit: two classes, 1 with p and 0 with 1 - p, best first
            assert sorted((entry.index, entry.label) for entry in entries) == [(0, "negative"), (1, "positive")]
            close([entry.score for entry in sorted(entries)], [1 - value, value])
        else:  # one unit: one entry, the unit's value
            ((index, label, score),) = entries
            assert (index, label) == (0, None)
            close(score, value)


def test_a_fully_convolutional_output_scores_each_class_by_its_mean():
    k = keras()
    k.utils.set_random_seed(6)
    inputs = k.Input((5, 5, 3), name="image")
    maps = k.layers.Conv2D(4, 3, padding="same", activation="softmax", name="class_maps")(inputs)
    model = model_of(k.Model(inputs, maps, name="segmenter"))
    x = np.random.default_rng(6).normal(size=(2, 5, 5, 3)).astype(np.float32)
    means = np.asarray(model.keras_model(x)).reshape(2, 25, 4).mean(axis=1)
    for image, entries in enumerate(model.predict(x, top=4)):
        assert [entry.index for entry in entries] == list(np.argsort(-means[image], kind="stable"))
        close([entry.score for entry in entries], np.sort(means[image])[::-1])
    (prediction,) = model.predictions(x[:1])[0]
    assert (prediction.kind, prediction.units) == ("softmax", 4)  # four classes, not 100 positions


# ----- prepare ------------------------------------------------------------------------------


def test_prepare_stacks_the_files_as_the_model_sees_them(cases):
    model, x = cases["chest_xray"]
    assert x.shape == (3, 150, 150, 3) and x.dtype == np.float32
    for index, path in enumerate(IMAGES):
        prepared = model.prepare_input(path)
        np.testing.assert_array_equal(x[index:index + 1], prepared.batch)
        assert prepared.picture.shape == (150, 150, 3)
    np.testing.assert_array_equal(model.prepare(IMAGES[1]), x[1:2])  # one path: a batch of one


def test_prepare_refuses_mixed_sizes_for_a_free_size_input(rgb_image):
    model = model_of(mf.free_size_cnn())
    with pytest.raises(ActvizError, match="different sizes") as caught:
        model.prepare([rgb_image, IMAGES[0]])  # 24 x 16, then 150 x 150
    assert isinstance(caught.value, ImageLoadError)
    assert "\n" not in str(caught.value) and "--size" in str(caught.value)
    assert model.prepare([rgb_image, rgb_image]).shape == (2, 16, 24, 3)
    sized = model_of(mf.free_size_cnn(), size=(10, 12))
    assert sized.prepare([rgb_image, IMAGES[0]]).shape == (2, 10, 12, 3)


# ----- the same contract on JAX ---------------------------------------------------------------


@pytest.mark.slow
def test_the_contract_holds_on_jax():
    import keras as k

    if k.backend.backend() != "tensorflow":
        pytest.skip("already on another backend")
    if importlib.util.find_spec("jax") is None:
        pytest.skip("jax is not installed (pip install actviz-tui[jax])")
    env = dict(os.environ, KERAS_BACKEND="jax", PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__,
         "-k", "not holds_on_jax"],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    last = done.stdout.strip().splitlines()[-1]
    assert " passed" in last and "failed" not in last and "skipped" not in last, last
