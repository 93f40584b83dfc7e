"""Channels ranked by mean, max and their part in the decision (Grad-CAM weight x mean),
checked against hand computations: for a Dense head on a global average pooling the
Grad-CAM weight is the kernel's column over the positions, and the contributions
plus the bias are the logit."""

from __future__ import annotations

import numpy as np
import pytest

import cam_models
import models_factory
from tests.conftest import needs_onednn

from actviz_tui.core.analysis.channel_ranking import channel_scores, rank_channels, ranking_of
from actviz_tui.core.errors import CamLayerError
from actviz_tui.core.explain.channel_contributions import channel_contributions
from actviz_tui.core.model.engine import Model


def test_mean_and_max_orders_by_hand():
    activation = np.zeros((2, 2, 4), dtype=np.float32)
    activation[..., 0] = [[1, 1], [1, 1]]  # mean 1, max 1
    activation[..., 1] = [[0, 0], [0, 8]]  # mean 2, max 8
    activation[..., 2] = [[3, 3], [3, 3]]  # mean 3, max 3
    activation[..., 3] = [[-1, 0], [0, 0]]  # mean -0.25, max 0
    by_mean, by_max = ranking_of(activation, "mean"), ranking_of(activation, "max")
    assert by_mean.channels == (2, 1, 0, 3)
    np.testing.assert_allclose(by_mean.scores, [1.0, 2.0, 3.0, -0.25])
    assert by_max.channels == (1, 2, 0, 3)
    assert by_max.title(1) == "#1 c1 8" and by_mean.title(3) == "#4 c3 -0.25"
    assert ranking_of(activation, "index").channels == (0, 1, 2, 3)
    assert ranking_of(activation, "index").title(2) == "#3 c2 "


def test_nan_safe_scores_and_ties():
    activation = np.array([[[np.nan, 2.0, 5.0, 5.0, np.inf]], [[np.nan, 4.0, 5.0, 5.0, 1.0]]])  # (2, 1, 5)
    scores = channel_scores(activation, "mean")
    assert np.isnan(scores[0]) and scores[1] == 3.0 and scores[4] == 1.0  # inf left out
    ranking = rank_channels(scores, "mean")
    assert ranking.channels == (2, 3, 1, 4, 0)  # ties by index, NaN last
    assert ranking.title(0) == "#5 c0 nan"
    with pytest.raises(ValueError, match="'mean' or 'max'"):
        channel_scores(activation, "decision")


def _gap_dense(softmax: bool):
    keras = models_factory._seed(41)
    inputs = keras.Input((6, 6, 3), name="image")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(3, activation="softmax" if softmax else None, name="head")(x)
    return keras.Model(inputs, outputs, name="gap_dense")


@pytest.mark.parametrize("softmax", [False, True])
def test_decision_is_the_dense_kernel_times_the_mean(softmax):
    keras_model = _gap_dense(softmax)
    model = Model(keras_model)
    x = np.random.default_rng(3).uniform(0, 1, (1, 6, 6, 3)).astype(np.float32)
    maps = model.activations(x, ["conv"])["conv"][0]  # (4, 4, 4)
    kernel, bias = keras_model.get_layer("head").get_weights()
    found = channel_contributions(model, x, "conv", class_index=2)[0]
    means = maps.mean(axis=(0, 1))
    assert (found.layer, found.class_index, found.positions) == ("conv", 2, 16)
    np.testing.assert_allclose(found.weights, kernel[:, 2] / 16, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(found.means, means, rtol=1e-5)
    np.testing.assert_allclose(found.contributions, kernel[:, 2] * means, rtol=1e-4, atol=1e-6)
    logit = float(means @ kernel[:, 2] + bias[2])
    assert found.score == pytest.approx(logit, rel=1e-4, abs=1e-5)
    assert found.contributions.sum() + bias[2] == pytest.approx(logit, rel=1e-4, abs=1e-5)
    assert np.nansum(np.abs(found.shares)) == pytest.approx(1.0)
    top = channel_contributions(model, x, "conv")[0]  # None: the top class
    assert top.class_index == int(np.argmax(means @ kernel + bias))
    ranking = rank_channels(found.contributions, "decision", 2)
    assert list(ranking.channels) == sorted(range(4), key=lambda c: -found.contributions[c])
    assert ranking.description == "ordered by decision for class 2 (Grad-CAM weight \u00d7 mean)"


def test_decision_undefined_without_spatial_maps():
    model = Model(_gap_dense(False))
    x = np.zeros((1, 6, 6, 3), dtype=np.float32)
    with pytest.raises(CamLayerError, match="layer gap has no spatial maps.*try conv"):
        channel_contributions(model, x, "gap")


def test_decision_in_a_nested_base():
    keras_model = models_factory.nested_sequential(side=8)
    model = Model(keras_model)
    x = np.random.default_rng(4).uniform(0, 1, (1, 8, 8, 3)).astype(np.float32)
    row = model.find_layer("base_conv2")
    maps = model.activations_by_row(x, [row])[row][0]
    kernel, _ = keras_model.get_layer("head").get_weights()
    found = channel_contributions(model, x, row, class_index=1)[0]
    positions = maps.shape[0] * maps.shape[1]
    np.testing.assert_allclose(found.weights, kernel[:, 1] / positions, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(found.contributions, kernel[:, 1] * maps.mean(axis=(0, 1)), rtol=1e-4, atol=1e-6)


def test_decision_after_an_add_with_a_binary_sigmoid():
    keras_model = cam_models.separable_residual_gap(side=16)
    model = Model(keras_model)
    x = np.random.default_rng(5).uniform(0, 1, (1, 16, 16, 1)).astype(np.float32)
    row = model.find_layer("pool1")
    maps = model.activations_by_row(x, [row])[row][0]
    kernel, _ = keras_model.get_layer("opacity").get_weights()
    for class_index, sign in ((1, 1.0), (0, -1.0)):  # class 0 of a one-unit sigmoid is scored by -z
        found = channel_contributions(model, x, row, class_index=class_index)[0]
        np.testing.assert_allclose(found.contributions, sign * kernel[:, 0] * maps.mean(axis=(0, 1)),
                                   rtol=1e-4, atol=1e-6)
    at_add = channel_contributions(model, x, "add1", class_index=1)[0]
    assert at_add.contributions.shape == (8,) and np.all(np.isfinite(at_add.contributions))


@needs_onednn
def test_decision_channels_first_equals_its_twin():
    last, first = cam_models.layout_twins()
    x = np.random.default_rng(6).uniform(0, 1, (1, 12, 12, 3)).astype(np.float32)
    expected = channel_contributions(Model(last), x, "conv_b", class_index=1)[0]
    found = channel_contributions(Model(first), np.ascontiguousarray(x.transpose(0, 3, 1, 2)), "conv_b", 1)[0]
    assert found.contributions.shape == (5,)
    np.testing.assert_allclose(found.weights, expected.weights, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(found.contributions, expected.contributions, rtol=1e-4, atol=1e-6)


def test_model_and_image_results_give_the_same_contributions():
    from actviz_tui.core.session.activation_cache import ActivationCache
    from actviz_tui.core.session.image_results import ImageResults

    model = Model(_gap_dense(False))
    x = np.random.default_rng(8).uniform(0, 1, (2, 6, 6, 3)).astype(np.float32)
    both = model.channel_contributions(x, "conv", class_index=[0, 1])
    assert [found.class_index for found in both] == [0, 1]

    class Prepared:
        batch, picture = x[:1], x[0]

    results = ImageResults(model, "first", Prepared(), ActivationCache(1 << 20))
    np.testing.assert_allclose(results.channel_contributions("conv", 0).contributions, both[0].contributions,
                               rtol=1e-5, atol=1e-7)


def test_decision_undefined_where_the_class_score_does_not_depend_on_the_layer():
    from actviz_tui.core.errors import GradientError

    model = Model(cam_models.two_outputs())  # output "a" depends on conv_a only
    x = np.random.default_rng(9).uniform(0, 1, (1, 12, 12, 3)).astype(np.float32)
    with pytest.raises(GradientError, match="no gradient at layer conv_b"):
        channel_contributions(model, x, "conv_b", output=0)
    assert channel_contributions(model, x, "conv_b", output=1)[0].contributions.shape == (4,)
