"""The lazy probe: one layer asked, one layer computed; an LRU cache under a byte budget."""

from __future__ import annotations

import numpy as np
import pytest

import models_factory as mf
from actviz_tui.core.model.probe import ActivationCache, ActivationProbe, default_cache_bytes
from actviz_tui.core.analysis.stats import activation_stats
from actviz_tui.core.errors import LayerLookupError
from actviz_tui.core.model.graph import trace_model
from actviz_tui.core.session.model_session import ModelSession, ModelOptions

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


@pytest.fixture(scope="module")
def counting():
    model, counter = counting_model()
    session = ModelSession(model)
    return session, counter


@pytest.fixture
def fresh(counting, rgb_image):
    session, counter = counting
    session.set_image(rgb_image)
    counter.calls = 0
    return session, counter


def test_one_layer_asked_one_layer_computed(fresh):
    session, counter = fresh
    conv = session.find_layer("conv")
    assert len(session.probe.cache) == 0  # setting the image computes nothing
    activation = session.activation(conv)
    assert activation.shape == (6, 6, 4)
    assert counter.calls == 0  # the layer after conv never ran
    assert len(session.probe.cache) == 1 and conv in session.probe.cache
    assert session.known_stats().keys() == {conv}


def test_cached_layer_is_not_recomputed(fresh):
    session, counter = fresh
    head = session.find_layer("head")
    first = session.activation(head)
    assert counter.calls == 1
    second = session.activation(head)
    assert counter.calls == 1
    assert second is first
    assert len(session.probe.cache) == 1


def test_new_image_clears_the_cache(fresh, tmp_path):
    from PIL import Image

    session, _ = fresh
    before = session.activation(session.find_layer("conv")).copy()
    other = tmp_path / "dark.png"
    Image.new("RGB", (8, 8), (5, 5, 5)).save(other)
    session.set_image(other)
    assert len(session.probe.cache) == 0 and not session.known_stats()
    after = session.activation(session.find_layer("conv"))
    assert not np.allclose(before, after)


def test_all_activations_returns_every_row(fresh):
    session, counter = fresh
    arrays = session.probe.all_activations()
    assert sorted(arrays) == list(range(len(session.layers)))
    assert counter.calls == 1  # one pass over the graph
    for row, info in enumerate(session.layers):
        assert arrays[row].shape == info.output_shape[1:]
        assert arrays[row].dtype == np.float32
    head = session.find_layer("head")
    expected = session.model(session.model_input[None])
    np.testing.assert_allclose(arrays[head], np.asarray(expected)[0], atol=ATOL)
    stats = session.compute_all_stats()
    assert sorted(stats) == list(range(len(session.layers)))


def test_single_and_all_agree(counting, rgb_image):
    session, _ = counting
    session.set_image(rgb_image)
    singles = {row: session.activation(row).copy() for row in range(len(session.layers))}
    session.probe.cache.clear()  # else the one-pass call would hand back the arrays above
    everything = session.probe.all_activations()
    for row in singles:
        np.testing.assert_allclose(singles[row], everything[row], atol=ATOL)



def test_one_pass_over_a_deep_graph_matches_each_layer_alone(deep_session):
    """170 layers with residual adds: ``activations`` (one graph pass for every
    row) against a probe model per row; nothing is cached, so both compute."""
    session = ModelSession(deep_session.model, options=ModelOptions(cache_bytes=0))
    session.set_image(deep_session.image_path)
    rows = list(range(len(session.layers)))
    together = session.activations(rows)
    assert sorted(together) == rows and len(session.probe.cache) == 0
    for row, info in enumerate(session.layers):
        assert together[row].shape == info.output_shape[1:]
    sampled = ("conv1_relu", "conv2_block3_add", "conv3_block1_0_bn", "conv4_block6_2_relu", "conv5_block2_out",
               "batch_normalization_12", "predictions")
    for name in sampled:
        row = session.find_layer(name)
        alone = session.activation(row)
        assert alone is not together[row]  # recomputed by its own probe model
        np.testing.assert_allclose(alone, together[row], atol=ATOL, err_msg=name)
    assert len(session.probe._probe_models) == len(sampled)
    expected = np.asarray(session.model(session.model_input[None]))[0]
    np.testing.assert_allclose(together[rows[-1]], expected, atol=ATOL)

def test_tiny_budget_evicts_least_recently_used(counting, rgb_image):
    model = counting[0].model
    conv_bytes = 6 * 6 * 4 * 4  # (6, 6, 4) float32
    session = ModelSession(model, options=ModelOptions(cache_bytes=2 * conv_bytes))
    session.set_image(rgb_image)
    conv, counter_row, flatten, head = (session.find_layer(n) for n in ("conv", "counter", "flatten", "head"))
    session.activation(conv)
    session.activation(counter_row)
    assert len(session.probe.cache) == 2
    assert session.probe.cache.used_bytes == 2 * conv_bytes
    session.activation(conv)  # conv is now the most recently used
    session.activation(head)  # 8 more bytes: over budget, the LRU (counter) goes
    assert conv in session.probe.cache and head in session.probe.cache
    assert counter_row not in session.probe.cache
    assert session.probe.cache.used_bytes <= session.probe.cache.budget_bytes
    session.activation(flatten)  # 576 bytes: conv (LRU) and perhaps more go
    assert flatten in session.probe.cache and conv not in session.probe.cache


def test_array_bigger_than_budget_is_returned_not_cached(counting, rgb_image):
    model = counting[0].model
    session = ModelSession(model, options=ModelOptions(cache_bytes=100))
    session.set_image(rgb_image)
    conv = session.find_layer("conv")
    activation = session.activation(conv)  # 576 bytes > 100
    assert activation.shape == (6, 6, 4)
    assert len(session.probe.cache) == 0 and session.probe.cache.used_bytes == 0
    head = session.activation(session.find_layer("head"))  # 8 bytes fit
    assert head.shape == (2,)
    assert len(session.probe.cache) == 1


def test_cache_unit():
    cache = ActivationCache(budget_bytes=100)
    a, b, c = (np.zeros(10, np.float32) + k for k in range(3))  # 40 bytes each
    cache.put(0, a)
    cache.put(1, b)
    assert cache.used_bytes == 80 and len(cache) == 2
    assert cache.get(0) is a  # 0 becomes most recent
    cache.put(2, c)  # 120 > 100: evict 1
    assert 1 not in cache and 0 in cache and 2 in cache
    assert cache.used_bytes == 80
    assert cache.get(1) is None
    cache.put(3, np.zeros(26, np.float32))  # 104 bytes: never stored, nothing evicted
    assert 3 not in cache and len(cache) == 2
    cache.put(0, np.ones(10, np.float32))  # already there: kept as is
    assert cache.get(0) is a and cache.used_bytes == 80
    cache.clear()
    assert len(cache) == 0 and cache.used_bytes == 0


def test_zero_budget_caches_nothing(counting, rgb_image):
    session = ModelSession(counting[0].model, options=ModelOptions(cache_bytes=0))
    session.set_image(rgb_image)
    assert session.activation(session.find_layer("head")).shape == (2,)
    assert len(session.probe.cache) == 0


def test_default_cache_budget(monkeypatch):
    monkeypatch.delenv("ACTVIZ_CACHE_MB", raising=False)
    assert default_cache_bytes() == 512 * 1024 * 1024
    monkeypatch.setenv("ACTVIZ_CACHE_MB", "1.5")
    assert default_cache_bytes() == int(1.5 * 1024 * 1024)
    monkeypatch.setenv("ACTVIZ_CACHE_MB", "lots")
    assert default_cache_bytes() == 512 * 1024 * 1024
    monkeypatch.setenv("ACTVIZ_CACHE_MB", "-3")
    assert default_cache_bytes() == 0


def test_probe_needs_inputs_first():
    model, _ = counting_model()
    probe = ActivationProbe(trace_model(model), cache_bytes=1 << 20)
    with pytest.raises(RuntimeError, match="set_inputs"):
        probe.activation(0)
    probe.set_inputs([mf.random_batch((8, 8, 3))])
    assert probe.activation(1).shape == (6, 6, 4)


def test_probe_returns_first_sample_of_a_batch():
    import keras

    model, _ = counting_model()
    probe = ActivationProbe(trace_model(model), cache_bytes=1 << 20)
    batch = np.random.default_rng(3).random((3, 8, 8, 3), dtype=np.float32)
    probe.set_inputs([batch])
    expected = keras.Model(model.inputs[0], model.get_layer("conv").output)(batch[:1])
    np.testing.assert_allclose(probe.activation(1), np.asarray(expected)[0], atol=ATOL)


def test_bad_rows_are_lookup_errors(counting, rgb_image):
    session, _ = counting
    session.set_image(rgb_image)
    for row in (-1, len(session.layers)):
        with pytest.raises(LayerLookupError, match="no layer #"):
            session.activation(row)
    with pytest.raises(LayerLookupError, match="no layer named"):
        session.find_layer("nonexistent")
    assert session.find_layer(" 2 ") == 2
    assert session.find_layer("head") == len(session.layers) - 1


def test_activation_stats_values():
    values = np.zeros((2, 2, 3), np.float32)
    values[..., 0] = [[1.0, -2.0], [3.0, 0.0]]
    values[..., 2] = 4.0
    stats = activation_stats(values)
    assert stats.minimum == -2.0 and stats.maximum == 4.0
    assert stats.mean == pytest.approx(values.mean())
    assert stats.zero_fraction == pytest.approx(5 / 12)  # channel 1 (4) + one in channel 0
    assert stats.dead_channels == 1 and stats.channels == 3
    assert set(stats.as_dict()) == {"minimum", "maximum", "mean", "zero_fraction", "dead_channels", "channels"}
    vector = activation_stats(np.array([0.0, 2.0], np.float32))
    assert vector.channels == 2 and vector.dead_channels == 1
    empty = activation_stats(np.zeros((0, 3), np.float32))
    assert empty.channels == 0 and empty.mean == 0.0


def test_stats_of_an_image_replaced_meanwhile_are_not_kept(counting, rgb_image, xray_opacity_png):
    """Workers compute stats outside the lock; a new image arriving in between wins."""
    session, _ = counting
    session.set_image(rgb_image)
    old = session.activations(list(range(len(session.layers))))
    session.set_image(xray_opacity_png)
    session._remember_stats(old, image=session._image_number - 1)  # the late worker of the old image
    assert session.known_stats() == {}
    fresh = session.activation(1)
    assert session.known_stats()[1] == activation_stats(fresh)
