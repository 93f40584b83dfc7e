"""Filter patterns (core/patterns): the input mapping, the transforms, the optimisation's
determinism and batch independence, the cache, every kind of target and the refusals."""

from __future__ import annotations

import numpy as np
import pytest

import models_factory
from actviz_tui.core.errors import NotAnImageModelError
from actviz_tui.core.model.engine import Model
from actviz_tui.core.model.options import PREPROCESSING, ModelOptions
from actviz_tui.core.patterns import PatternError, PatternSettings, collect, layer_patterns, pattern_target
from actviz_tui.core.patterns.model_input import input_geometry, preprocessing_map
from actviz_tui.core.patterns.parameterisation import FourierImage
from actviz_tui.core.patterns.transforms import affine_numbers, apply

STEPS = 12


@pytest.mark.parametrize("mode", list(PREPROCESSING))
@pytest.mark.parametrize("channels", [1, 3])
def test_preprocessing_map_equals_the_preprocessing(mode, channels):
    from actviz_tui.core.inputs.images import preprocess

    matrix, offset = preprocessing_map(mode, channels)
    pixels = np.random.default_rng(0).random((5, 7, channels)).astype(np.float32)
    np.testing.assert_allclose(255 * pixels @ matrix + offset, preprocess(pixels * 255, mode), rtol=1e-5, atol=1e-4)


def test_affine_shift_and_rotation_move_a_point_where_expected():
    picture = np.full((1, 9, 9, 1), 0.5, np.float32)
    picture[0, 4, 6, 0] = 1.0
    shifted = np.asarray(apply(picture, affine_numbers(9, 9, 1.0, 0.0, 1.0, -2.0)[None]))
    assert tuple(np.argwhere(shifted[0, ..., 0] > 0.9)[0]) == (5, 4)  # one row down, two columns left
    turned = np.asarray(apply(picture, affine_numbers(9, 9, 1.0, np.pi / 2, 0.0, 0.0)[None]))
    assert tuple(np.argwhere(turned[0, ..., 0] > 0.9)[0]) in {(2, 4), (6, 4)}  # a quarter turn about the centre
    assert shifted[0, 0, 8, 0] == pytest.approx(0.5)  # the uncovered border is mid-grey


def test_fourier_image_starts_grey_and_stays_in_range():
    import keras

    image = FourierImage(20, 24, 3)
    params = np.stack([image.initial(np.random.default_rng(seed)) for seed in range(2)])
    pixels = keras.ops.convert_to_numpy(image.pixels(keras.ops.convert_to_tensor(params)))
    assert pixels.shape == (2, 20, 24, 3)
    assert 0.3 < pixels.min() and pixels.max() < 0.7  # Lucid's small initial spectrum: near mid-grey
    big = keras.ops.convert_to_numpy(image.pixels(keras.ops.convert_to_tensor(params * 1000)))
    assert 0.0 <= big.min() and big.max() <= 1.0


@pytest.fixture(scope="module")
def branches():
    return Model(models_factory.functional_branches())


def _maps_layer(model: Model) -> str:
    return next(info.name for info in model.layers if info.has_maps and info.type == "Conv2D")


def test_patterns_are_deterministic_and_independent_of_their_batch(branches):
    layer = _maps_layer(branches)
    together = branches.patterns(layer, [0, 1, 2], steps=STEPS, seed=3, batch_size=3)
    again = branches.patterns(layer, [0, 1, 2], steps=STEPS, seed=3, batch_size=3)
    alone = branches.patterns(layer, [2], steps=STEPS, seed=3, batch_size=3)  # padded to 3 images
    companions = branches.patterns(layer, [3, 2], steps=STEPS, seed=3, batch_size=3)
    other_seed = branches.patterns(layer, [2], steps=STEPS, seed=4, batch_size=3)
    np.testing.assert_array_equal(together.pixels, again.pixels)
    np.testing.assert_array_equal(alone.pixels[0], together.pixels[2])  # bit for bit
    np.testing.assert_array_equal(companions.pixels[1], together.pixels[2])
    assert np.abs(other_seed.pixels[0] - together.pixels[2]).max() > 0.01
    assert together.channels == (0, 1, 2) and together.pixels.shape[0] == 3


def test_optimisation_raises_each_channels_objective(branches):
    layer = _maps_layer(branches)
    start = branches.patterns(layer, [0, 1, 2, 3], steps=1, batch_size=4)
    later = branches.patterns(layer, [0, 1, 2, 3], steps=40, batch_size=4)
    assert (later.scores > start.scores).all()


def test_inputs_are_the_preprocessed_pixels_and_reproduce_the_scores():
    model = Model(models_factory.functional_branches(), options=ModelOptions(preprocessing="caffe"))
    target = pattern_target(model, _maps_layer(model))
    result = model.patterns(target.name, [1, 3], steps=STEPS, batch_size=2)
    from actviz_tui.core.inputs.images import preprocess

    expected = np.stack([preprocess(pixels * 255, "caffe") for pixels in result.pixels])
    np.testing.assert_allclose(result.inputs, expected, rtol=1e-4, atol=1e-2)
    maps = np.asarray(target.keras_model(model.feed(result.inputs), training=False))  # pre-activation maps
    h, w = maps.shape[1:3]
    inner = maps[:, h // 16:h - h // 16, w // 16:w - w // 16]
    np.testing.assert_allclose(inner.mean(axis=(1, 2))[[0, 1], [1, 3]], result.scores, rtol=1e-3, atol=1e-4)


def test_the_cache_returns_each_channel_as_computed(sample_grayscale_keras, tmp_path, monkeypatch):
    monkeypatch.setenv("ACTVIZ_CACHE_DIR", str(tmp_path))
    model = Model.open(sample_grayscale_keras)
    layer = _maps_layer(model)
    first = model.patterns(layer, [0, 2], steps=STEPS, batch_size=4)  # the batch is filled with 1 and 3
    assert first.cached == 0 and len(list(tmp_path.rglob("*.npz"))) == 4
    second = model.patterns(layer, [2, 5, 0], steps=STEPS, batch_size=4)  # 0 and 2 cached; 5 with 4, 6, 7
    assert second.cached == 2 and second.channels == (2, 5, 0)
    np.testing.assert_array_equal(second.pixels[0], first.pixels[1])
    np.testing.assert_array_equal(second.inputs[2], first.inputs[0])
    assert len(list(tmp_path.rglob("*.npz"))) == 8
    filler = model.patterns(layer, [1], steps=STEPS, batch_size=4)  # computed as a filler of the first batch
    fresh = model.patterns(layer, [1], steps=STEPS, batch_size=4, use_cache=False)  # alone, padded with copies
    assert filler.cached == 1
    np.testing.assert_array_equal(filler.pixels, fresh.pixels)
    assert model.patterns(layer, [0], steps=STEPS + 1, batch_size=4).cached == 0  # another recipe


def test_a_truncated_cache_file_is_computed_again(sample_grayscale_keras, tmp_path, monkeypatch):
    monkeypatch.setenv("ACTVIZ_CACHE_DIR", str(tmp_path))
    model = Model.open(sample_grayscale_keras)
    layer = _maps_layer(model)
    first = model.patterns(layer, [0], steps=2, batch_size=1)
    (saved,) = tmp_path.rglob("0.npz")
    saved.write_bytes(saved.read_bytes()[:40])
    again = model.patterns(layer, [0], steps=2, batch_size=1)
    assert again.cached == 0
    np.testing.assert_array_equal(again.pixels, first.pixels)


def test_progress_counts_every_step_and_batches_come_in_the_order_asked(branches):
    layer = _maps_layer(branches)
    target = pattern_target(branches, layer)
    seen = []
    parts = list(layer_patterns(branches, target, [3, 0, 1], PatternSettings(steps=3, batch_size=2), False,
                                lambda done, total: seen.append((done, total))))
    assert [part.channels for part in parts] == [(3, 0), (1,)]
    assert seen[-1] == (9, 9) and seen[0] == (2, 9)
    assert collect(parts, (0, 1, 3)).channels == (0, 1, 3)


def test_a_dense_unit_and_a_class_logit_are_targets_too(sample_h5):
    model = Model.open(sample_h5)
    dense = pattern_target(model, "dense")
    assert (dense.kind, dense.count) == ("units", 512)
    head = pattern_target(model, "dense_1")  # one sigmoid unit: classes 0 (-z) and 1 (z), as explain has them
    assert (head.kind, head.count) == ("classes", 2)
    result = model.patterns("dense_1", [1, 0], steps=STEPS, use_cache=False, batch_size=2)
    kernel, bias = model.keras_layer("dense_1").get_weights()
    logits = (model.activations(result.inputs, ["dense"])["dense"] @ kernel + bias)[:, 0]
    np.testing.assert_allclose(result.scores, [logits[0], -logits[1]], rtol=1e-3, atol=1e-3)
    probabilities = model.outputs(result.inputs)[0][:, 0]
    assert probabilities[0] > 0.99 and probabilities[1] < 0.01  # what makes the model say class 1, class 0


def test_free_size_channels_first_nested_and_two_input_models():
    free = Model(models_factory.free_size_cnn(), options=ModelOptions(size=(20, 28)))
    assert free.patterns("conv", [0], steps=2).pixels.shape == (1, 20, 28, 3)
    assert free.patterns("conv", [0], steps=2, size=(12, 12)).pixels.shape == (1, 12, 12, 3)
    nested = Model(models_factory.nested_functional())
    inner = next(info.name for info in nested.layers if info.depth > 0 and info.has_maps)
    assert np.isfinite(nested.patterns(inner, [0, 1], steps=2).scores).all()
    two = Model(models_factory.two_inputs())
    result = two.patterns("conv", [0, 1], steps=2)
    assert result.inputs.shape == (2, *two.inputs[0].shape)
    flat = Model(models_factory.flat_mlp()).patterns("hidden", [3], steps=2)  # an MNIST-style flat input
    assert flat.pixels.shape == (1, 28, 28, 1) and flat.inputs.shape == (1, 784)
    np.testing.assert_allclose(flat.inputs.reshape(1, 28, 28, 1), flat.pixels, atol=1e-6)


@pytest.mark.skipif(__import__("os").environ.get("TF_ENABLE_ONEDNN_OPTS") == "0",
                    reason="channels_first convolutions need oneDNN on: tests/unit/test_channels_first_process.py")
def test_channels_first_patterns_are_fed_channels_first():
    model = Model(models_factory.channels_first_cnn())
    result = model.patterns("conv_b", [0, 4], steps=4)
    assert result.pixels.shape == (2, 16, 16, 3) and result.inputs.shape == (2, 3, 16, 16)
    np.testing.assert_allclose(np.moveaxis(result.inputs, 1, -1), result.pixels, atol=1e-6)  # rescale: x/255*255


def test_refusals_are_one_line():
    model = Model(models_factory.functional_branches())
    layer = _maps_layer(model)
    count = model.layer(layer).channels
    with pytest.raises(PatternError, match=f"channel {count} is out of range.*0-{count - 1}"):
        model.patterns(layer, [0, count])
    with pytest.raises(PatternError, match="is the input"):
        model.patterns(0)
    with pytest.raises(NotAnImageModelError, match="takes no image"):
        Model(models_factory.dense_mlp()).patterns("hidden")
    with pytest.raises(PatternError, match="does not depend on the image input"):
        Model(models_factory.two_inputs()).patterns("meta_dense", [0], steps=1)
    with pytest.raises(PatternError, match="whole numbers"):
        model.patterns(layer, ["a"])
    for bad in ({"steps": 0}, {"seed": -1}, {"size": (0, 4)}, {"batch_size": 0}):
        with pytest.raises(PatternError):
            model.patterns(layer, [0], **bad)
    sequence = Model(models_factory.conv1d_sequence())
    with pytest.raises((PatternError, NotAnImageModelError)):
        sequence.patterns("conv1d")
