"""The compare metrics against their definitions, on arrays made by hand."""

from __future__ import annotations

import numpy as np
import pytest

from actviz_tui.core.compare.metrics import channel_changes, cosine, linear_cka, relative_l2, top_channels


def test_relative_l2_and_cosine():
    a = np.array([[[3.0, 0.0]], [[0.0, 4.0]]])  # (2, 1, 2): ||a|| = 5
    b = a.copy()
    b[0, 0, 0] = 0.0  # ||a - b|| = 3
    assert relative_l2(a, b) == pytest.approx(0.6)
    assert cosine(a, b) == pytest.approx(16 / (5 * 4))
    assert relative_l2(a, a) == 0.0 and cosine(a, a) == pytest.approx(1.0)
    zero = np.zeros_like(a)
    assert relative_l2(zero, zero) == 0.0 and relative_l2(zero, a) == float("inf") and cosine(zero, a) is None


def test_linear_cka_is_one_for_rotations_and_scalings_and_matches_the_hsic_form():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(6, 5, 8))
    rotation, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    assert linear_cka(a, 3.0 * (a.reshape(-1, 8) @ rotation).reshape(6, 5, 8)) == pytest.approx(1.0)
    b = rng.normal(size=(6, 5, 4))  # another channel count: CKA still compares the positions
    x, y = a.reshape(30, 8), b.reshape(30, 4)
    h = np.eye(30) - np.ones((30, 30)) / 30  # centring matrix: HSIC(K, L) = tr(K H L H)
    k, l_ = x @ x.T, y @ y.T

    def hsic(p, q):
        return np.trace(p @ h @ q @ h)

    assert linear_cka(a, b) == pytest.approx(hsic(k, l_) / np.sqrt(hsic(k, k) * hsic(l_, l_)))
    assert linear_cka(np.ones(4), np.ones(4)) is None  # units: one position
    assert linear_cka(np.ones((2, 2, 3)), a[:2, :2, :3]) is None  # a constant side


def test_the_channels_that_moved_most():
    a = np.ones((2, 2, 4))
    b = a.copy()
    b[..., 2] += 2.0
    b[..., 0] += 1.0
    np.testing.assert_allclose(channel_changes(a, b), [2 / 4, 0, 4 / 4, 0])
    assert top_channels(a, b, 3) == [2, 0]
    assert top_channels(a, a) == []
