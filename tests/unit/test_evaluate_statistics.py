"""Average Drop / Increase, 95 % intervals and Spearman's correlation against plain formulas."""

from __future__ import annotations

import numpy as np
import pytest

from actviz_tui.core.evaluate.averages import average_drop, average_increase, masked_by_heatmap
from actviz_tui.core.evaluate.statistics import mean_interval, rank, spearman


def test_masks_scale_each_map_to_zero_one():
    images = np.ones((1, 2, 2, 3), np.float32)
    masked = masked_by_heatmap(images, np.array([[[2.0, 4.0], [-6.0, 3.0]]]))  # |.|: 2 4 6 3 -> 0 .5 1 .25
    np.testing.assert_allclose(masked[0, ..., 0], [[0.0, 0.5], [1.0, 0.25]], atol=1e-6)


def test_drop_and_increase():
    base, masked = np.array([0.8, 0.5, 0.2]), np.array([0.4, 0.6, 0.2])
    np.testing.assert_allclose(average_drop(base, masked), [0.5, 0.0, 0.0], atol=1e-7)
    assert average_increase(base, masked).tolist() == [0.0, 1.0, 0.0]


def test_mean_interval_uses_students_t():
    mean, low, high = mean_interval([1.0, 2.0, 3.0, 4.0])
    half = 3.182 * np.std([1, 2, 3, 4], ddof=1) / 2
    assert (mean, low, high) == pytest.approx((2.5, 2.5 - half, 2.5 + half))
    assert mean_interval([0.3]) == (0.3, 0.3, 0.3)


def test_spearman_matches_the_rank_formula():
    assert rank([10, 20, 20, 5]).tolist() == [2.0, 3.5, 3.5, 1.0]
    rng = np.random.default_rng(0)
    a, b = rng.random(50), rng.random(50)
    ra, rb = rank(a), rank(b)  # no ties: 1 - 6 sum d^2 / (n (n^2 - 1))
    expected = 1 - 6 * ((ra - rb) ** 2).sum() / (50 * (50 ** 2 - 1))
    assert spearman(a, b) == pytest.approx(expected)
    assert spearman(a, a ** 3) == pytest.approx(1.0)
    assert spearman(a, np.ones(50)) == 0.0


def test_randomising_the_top_layers_changes_gradient_maps_but_not_the_users_model(
        sample_h5, xray_opacity_png, xray_clear_png):
    from actviz_tui.core.evaluate.sanity import randomised_model, sanity_check
    from actviz_tui.core.model.engine import Model

    model = Model.open(sample_h5)
    before = [w.copy() for w in model.keras_model.get_weights()]
    x = model.prepare([xray_opacity_png, xray_clear_png])
    results = {r.method: r for r in sanity_check(model, x, ["hirescam", "random"], classes=1, layers=2)}
    assert results["hirescam"].randomised == ("dense", "dense_1")
    assert results["hirescam"].correlation < 0.9 and results["random"].correlation == pytest.approx(1.0)
    assert not results["random"].passed
    for old, new in zip(before, model.keras_model.get_weights()):
        np.testing.assert_array_equal(old, new)
    copy, names = randomised_model(model, layers=1)
    assert names == ("dense_1",)
    assert not np.allclose(copy.keras_layer("dense_1").get_weights()[0], model.keras_layer("dense_1").get_weights()[0])
    np.testing.assert_array_equal(copy.keras_layer("conv2d").get_weights()[0],
                                  model.keras_layer("conv2d").get_weights()[0])


def test_t_quantiles_beyond_the_table_follow_students_t():
    from actviz_tui.core.evaluate.statistics import t975

    # scipy.stats.t.ppf(0.975, df): 2.0395 (31), 2.0227 (39), 2.0003 (60), 1.9623 (1000)
    for degrees, expected in ((31, 2.0395), (39, 2.0227), (60, 2.0003), (1000, 1.9623)):
        assert t975(degrees) == pytest.approx(expected, abs=1e-3)
    assert t975(30) == 2.042
