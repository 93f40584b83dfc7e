"""Activations of an image through the session: one layer asked, one layer computed;
the arrays cached per image under a byte budget; stats kept per image."""

from __future__ import annotations

import numpy as np
import pytest

import models_factory as mf
from actviz_tui.core.analysis.stats import activation_stats
from actviz_tui.core.errors import LayerLookupError, NotAnImageModelError
from actviz_tui.core.session.model_session import KEPT_IMAGES
from engine_helpers import model_of, session_of

ATOL = 1e-5


def counting_model():
    """conv -> Counter -> Dense: the Counter tallies its eager (real) calls."""
    import keras
    import tensorflow as tf

    class Counter(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.calls = 0

        def call(self, x):
            if tf.executing_eagerly() and not isinstance(x, keras.KerasTensor):
                self.calls += 1
            return x * 1.0

    keras.utils.set_random_seed(11)
    inputs = keras.Input((8, 8, 3), name="image")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    counter = Counter(name="counter")
    x = counter(x)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = keras.layers.Dense(2, name="head")(x)
    return keras.Model(inputs, outputs, name="counting"), counter


def cached_rows(session, results) -> list[int]:
    """Rows of ``results`` in the session's cache (looked at without touching the LRU order)."""
    return [row for row in range(len(results.layers)) if (results.key, row) in session._cache]


@pytest.fixture(scope="module")
def counting():
    model, counter = counting_model()
    return model, counter


@pytest.fixture
def fresh(counting, rgb_image):
    """A new session's results for the RGB image, the counter at zero."""
    model, counter = counting
    session = session_of(model)
    results = session.image(rgb_image)
    counter.calls = 0
    return session, results, counter


def test_one_layer_asked_one_layer_computed(fresh):
    session, results, counter = fresh
    conv = results.find_layer("conv")
    assert len(session._cache) == 0  # reading the image computes nothing
    activation = results.activation(conv)
    assert activation.shape == (6, 6, 4)
    assert counter.calls == 0  # the layer after conv never ran
    assert cached_rows(session, results) == [conv]
    assert results.cached_activation(conv) is activation
    assert results.known_stats().keys() == {conv}


def test_cached_layer_is_not_recomputed(fresh):
    session, results, counter = fresh
    head = results.find_layer("head")
    first = results.activation(head)
    assert counter.calls == 1
    second = results.activation(head)
    assert counter.calls == 1
    assert second is first
    assert len(session._cache) == 1


def test_each_image_has_its_own_arrays_and_old_images_are_dropped(fresh, tmp_path):
    from PIL import Image

    session, results, _ = fresh
    conv = results.find_layer("conv")
    before = results.activation(conv).copy()
    other = tmp_path / "dark.png"
    Image.new("RGB", (8, 8), (5, 5, 5)).save(other)
    dark = session.image(other)
    assert cached_rows(session, dark) == [] and not dark.known_stats()
    after = dark.activation(conv)
    assert not np.allclose(before, after)
    assert results.cached_activation(conv) is not None  # the first image's array is still there
    for shade in range(KEPT_IMAGES - 1):  # the first image is the least recently used of KEPT_IMAGES + 1
        path = tmp_path / f"shade{shade}.png"
        Image.new("RGB", (8, 8), (shade, 40, 80)).save(path)
        session.image(path).activation(conv)
    assert session.cached_image(results.key) is None and cached_rows(session, results) == []
    assert session.cached_image(other) is dark and cached_rows(session, dark) == [conv]


def test_all_activations_returns_every_row(fresh):
    session, results, counter = fresh
    rows = list(range(len(results.layers)))
    arrays = results.model.activations_by_row(results.batch, rows)
    assert sorted(arrays) == rows
    assert counter.calls == 1  # one pass over the graph
    for row, info in enumerate(results.layers):
        assert arrays[row].shape == (1, *info.output_shape[1:])
        assert arrays[row].dtype == np.float32
    head = results.find_layer("head")
    expected = results.keras_model(results.model_input[None])
    np.testing.assert_allclose(arrays[head][0], np.asarray(expected)[0], atol=ATOL)
    calls = counter.calls
    stats = results.all_stats()
    assert sorted(stats) == rows and counter.calls == calls + 1  # one more pass, for every row at once
    assert stats[head] == activation_stats(arrays[head][0])


def test_single_and_all_agree(fresh):
    _, results, _ = fresh
    singles = {row: results.activation(row).copy() for row in range(len(results.layers))}
    everything = results.model.activations_by_row(results.batch, list(singles))  # not from the cache
    for row in singles:
        np.testing.assert_allclose(singles[row], everything[row][0], atol=ATOL)


def test_one_pass_over_a_deep_graph_matches_each_layer_alone(deep_session):
    """170 layers with residual adds: ``activations`` (one graph pass for every
    row) against a runner per row; nothing is cached, so both compute."""
    session = session_of(deep_session.keras_model, cache_bytes=0)
    results = session.image(deep_session.image_path)
    model = results.model
    rows = list(range(len(results.layers)))
    together = results.activations(rows)
    assert sorted(together) == rows and len(session._cache) == 0
    for row, info in enumerate(results.layers):
        assert together[row].shape == info.output_shape[1:]
    sampled = ("conv1_relu", "conv2_block3_add", "conv3_block1_0_bn", "conv4_block6_2_relu", "conv5_block2_out",
               "batch_normalization_12", "predictions")
    for name in sampled:
        row = results.find_layer(name)
        alone = results.activation(row)
        assert alone is not together[row]  # recomputed by its own runner
        np.testing.assert_allclose(alone, together[row], atol=ATOL, err_msg=name)
    assert len(model._runner._models) == 1 + len(sampled)  # the one pass, then one sub-model per row
    expected = np.asarray(results.keras_model(results.model_input[None]))[0]
    np.testing.assert_allclose(together[rows[-1]], expected, atol=ATOL)


def test_tiny_budget_evicts_least_recently_used(counting, rgb_image):
    model = counting[0]
    conv_bytes = 6 * 6 * 4 * 4  # (6, 6, 4) float32
    session = session_of(model, cache_bytes=2 * conv_bytes)
    results = session.image(rgb_image)
    conv, counter_row, flatten, head = (results.find_layer(n) for n in ("conv", "counter", "flatten", "head"))
    results.activation(conv)
    results.activation(counter_row)
    assert cached_rows(session, results) == [conv, counter_row]
    assert session._cache.used_bytes == 2 * conv_bytes
    results.activation(conv)  # conv is now the most recently used
    results.activation(head)  # 8 more bytes: over budget, the LRU (counter) goes
    assert cached_rows(session, results) == [conv, head]
    assert session._cache.used_bytes <= session._cache.budget_bytes
    results.activation(flatten)  # 576 bytes: conv (LRU) and perhaps more go
    assert flatten in cached_rows(session, results) and conv not in cached_rows(session, results)


def test_array_bigger_than_budget_is_returned_not_cached(counting, rgb_image):
    session = session_of(counting[0], cache_bytes=100)
    results = session.image(rgb_image)
    conv = results.find_layer("conv")
    activation = results.activation(conv)  # 576 bytes > 100
    assert activation.shape == (6, 6, 4)
    assert len(session._cache) == 0 and session._cache.used_bytes == 0
    head = results.activation(results.find_layer("head"))  # 8 bytes fit
    assert head.shape == (2,)
    assert cached_rows(session, results) == [results.find_layer("head")]


def test_zero_budget_caches_nothing(counting, rgb_image):
    session = session_of(counting[0], cache_bytes=0)
    results = session.image(rgb_image)
    assert results.activation(results.find_layer("head")).shape == (2,)
    assert len(session._cache) == 0


def test_no_image_has_no_activations_but_the_engine_takes_any_batch(counting):
    model = counting[0]
    session = session_of(model)
    assert not session.no_image.has_image and session.no_image.model_input is None
    with pytest.raises(NotAnImageModelError, match="no image given yet"):
        session.no_image.activation(1)
    assert session.model.activations_by_row(mf.random_batch((8, 8, 3)), [1])[1].shape == (1, 6, 6, 4)


def test_a_batch_gives_every_sample():
    import keras

    model, _ = counting_model()
    batch = np.random.default_rng(3).random((3, 8, 8, 3), dtype=np.float32)
    conv = model_of(model).activations(batch, ["conv"])["conv"]
    expected = keras.Model(model.inputs[0], model.get_layer("conv").output)(batch)
    assert conv.shape == (3, 6, 6, 4)
    np.testing.assert_allclose(conv, np.asarray(expected), atol=ATOL)


def test_bad_rows_are_lookup_errors(fresh):
    _, results, _ = fresh
    for row in (-1, len(results.layers)):
        with pytest.raises(LayerLookupError, match="no layer #"):
            results.activation(row)
        with pytest.raises(LayerLookupError, match="no layer #"):
            results.model.activations(results.batch, [row])
    with pytest.raises(LayerLookupError, match="no layer named"):
        results.find_layer("nonexistent")
    assert results.find_layer(" 2 ") == 2
    assert results.find_layer("head") == len(results.layers) - 1


def test_activation_stats_values():
    values = np.zeros((2, 2, 3), np.float32)
    values[..., 0] = [[1.0, -2.0], [3.0, 0.0]]
    values[..., 2] = 4.0
    stats = activation_stats(values)
    assert stats.minimum == -2.0 and stats.maximum == 4.0
    assert stats.mean == pytest.approx(values.mean())
    assert stats.zero_fraction == pytest.approx(5 / 12)  # channel 1 (4) + one in channel 0
    assert stats.dead_channels == 1 and stats.channels == 3
    assert set(stats.as_dict()) == {
        "minimum", "maximum", "mean", "zero_fraction", "dead_channels", "channels", "dead_channel_indices",
    }
    assert stats.as_dict()["dead_channel_indices"] == [1]
    vector = activation_stats(np.array([0.0, 2.0], np.float32))
    assert vector.channels == 2 and vector.dead_channels == 1
    empty = activation_stats(np.zeros((0, 3), np.float32))
    assert empty.channels == 0 and empty.mean == 0.0


def test_stats_belong_to_their_image(counting, rgb_image, xray_opacity_png):
    """Each image keeps its own stats: a second image's results never show the first's."""
    session = session_of(counting[0])
    first = session.image(rgb_image)
    old = first.all_stats()
    second = session.image(xray_opacity_png)
    assert second.known_stats() == {} and first.known_stats() == old
    fresh = second.activation(1)
    assert second.known_stats() == {1: activation_stats(fresh)}
    assert first.known_stats()[1] == activation_stats(first.activation(1)) != second.known_stats()[1]
