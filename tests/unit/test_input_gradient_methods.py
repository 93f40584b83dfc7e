"""Saliency, Integrated Gradients and SmoothGrad against their formulas written plainly, on
the bundled trained model: its logit's gradient from a GradientTape over the Keras layers."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture(scope="module")
def sample(sample_h5, xray_opacity_png):
    from actviz_tui.core.model.engine import Model

    model = Model.open(sample_h5)
    return model, model.prepare([xray_opacity_png])


def logit_gradients(model, pictures: np.ndarray) -> np.ndarray:
    """d logit / d input for a batch, the head's sigmoid left off (as explain scores class 1)."""
    import tensorflow as tf

    layers = model.keras_model.layers
    kernel, bias = layers[-1].get_weights()
    tensor = tf.constant(pictures, dtype=tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        hidden = tensor
        for layer in layers[:-1]:
            hidden = layer(hidden, training=False)
        logit = tf.reduce_sum(hidden @ kernel + bias)
    return tape.gradient(logit, tensor).numpy()


def peak_scaled(maps: np.ndarray) -> np.ndarray:
    return maps / maps.reshape(len(maps), -1).max(axis=1)[:, None, None]


def test_saliency_is_the_largest_absolute_gradient_over_colours(sample):
    model, x = sample
    expected = peak_scaled(np.abs(logit_gradients(model, x)).max(axis=-1))
    np.testing.assert_allclose(model.explain(x, method="saliency", classes=1).heatmaps, expected, atol=1e-4)


def test_integrated_gradients_is_the_riemann_sum_along_the_path(sample):
    model, x = sample
    steps = 8
    path = np.concatenate([x * (k / steps) for k in range(1, steps + 1)])
    mean_gradient = logit_gradients(model, path).mean(axis=0, keepdims=True)
    expected = peak_scaled(np.abs(x * mean_gradient).sum(axis=-1))
    result = model.explain(x, method="integrated_gradients", classes=1, steps=steps)
    np.testing.assert_allclose(result.heatmaps, expected, atol=1e-4)
    assert "8 steps" in result.detail


def test_smoothgrad_averages_the_gradients_of_noisy_copies(sample):
    model, x = sample
    samples, noise = 6, 0.2
    rng = np.random.default_rng(4)
    sigma = noise * (x.max() - x.min())
    noisy = x + rng.standard_normal((samples, *x.shape[1:])).astype(np.float32) * sigma
    expected = peak_scaled(np.abs(logit_gradients(model, noisy).mean(axis=0, keepdims=True)).sum(axis=-1))
    result = model.explain(x, method="smoothgrad", classes=1, samples=samples, noise=noise, seed=4)
    np.testing.assert_allclose(result.heatmaps, expected, atol=1e-4)
