"""LayerCAM, XGradCAM and Eigen-CAM against pytorch-grad-cam's formulas written out in
numpy (layer_cam.py, xgrad_cam.py, utils/svd_on_activations.py, the ReLU of base_cam.py),
on the bundled trained model: the CAM layer's maps and the class logit's gradient from
a GradientTape over the Keras layers, two images, one class each."""

from __future__ import annotations

import numpy as np
import pytest

from actviz_tui.core.explain import default_cam_layer, explain

CLASSES = [1, 0]  # the opacity image's top class (z), the clear image's (-z)


@pytest.fixture(scope="module")
def sample(sample_h5, xray_opacity_png, xray_clear_png):
    from actviz_tui.core.model.engine import Model

    model = Model.open(sample_h5)
    return model, model.prepare([xray_opacity_png, xray_clear_png])


@pytest.fixture(scope="module")
def reference(sample):
    """(maps, gradients) at the CAM layer: d (+-logit) / d maps, as (N, h, w, C)."""
    import tensorflow as tf

    model, x = sample
    row = default_cam_layer(model)
    assert model.layers[row].name == "max_pooling2d_3"
    layers = model.keras_model.layers
    split = [layer.name for layer in layers].index("max_pooling2d_3")
    kernel, bias = layers[-1].get_weights()
    signs = tf.constant([[1.0], [-1.0]])  # class 1 scores z, class 0 scores -z
    with tf.GradientTape() as tape:
        hidden = tf.constant(x)
        for layer in layers[: split + 1]:
            hidden = layer(hidden, training=False)
        maps = hidden
        tape.watch(maps)
        for layer in layers[split + 1 : -1]:
            hidden = layer(hidden, training=False)
        score = tf.reduce_sum((hidden @ kernel + bias) * signs)
    return maps.numpy().astype(np.float64), tape.gradient(score, maps).numpy().astype(np.float64)


def peak_scaled(maps: np.ndarray) -> np.ndarray:
    """The engine's normalisation: each map divided by its maximum."""
    return maps / maps.reshape(len(maps), -1).max(axis=1)[:, None, None]


def layer_cam(maps, gradients):
    return np.maximum((np.maximum(gradients, 0) * maps).sum(axis=-1), 0)


def xgrad_cam(maps, gradients):
    sums = maps.sum(axis=(1, 2))
    weights = (gradients * maps / (sums[:, None, None, :] + 1e-7)).sum(axis=(1, 2))
    return np.maximum((weights[:, None, None, :] * maps).sum(axis=-1), 0)


def eigen_cam(maps):
    """get_2d_projection, the sign turned to agree with the channel-mean map, then ReLU."""
    found = []
    for image in maps:
        rows = image.reshape(-1, image.shape[-1])
        rows = rows - rows.mean(axis=0)
        _, _, vt = np.linalg.svd(rows, full_matrices=True)
        projection = rows @ vt[0, :]
        mean_map = image.mean(axis=-1).ravel()
        if np.corrcoef(projection, mean_map)[0, 1] < 0:
            projection = -projection
        found.append(np.maximum(projection.reshape(image.shape[:2]), 0))
    return np.stack(found)


@pytest.mark.parametrize("method, formula", [("layercam", layer_cam), ("xgradcam", xgrad_cam)])
def test_gradient_variants_equal_pytorch_grad_cam_formulas(sample, reference, method, formula):
    model, x = sample
    maps, gradients = reference
    result = explain(model, x, method, classes=CLASSES)
    assert result.layer == "max_pooling2d_3" and list(result.classes) == CLASSES
    expected = formula(maps, gradients)
    assert np.all(expected.reshape(2, -1).max(axis=1) > 0)  # neither reference is blank
    np.testing.assert_allclose(result.layer_maps, peak_scaled(expected), atol=1e-4)
    assert result.heatmaps.shape == (2, 150, 150)


def test_the_variants_differ_from_grad_cam_and_each_other(sample):
    model, x = sample
    found = {name: explain(model, x, name, classes=CLASSES).layer_maps
             for name in ("gradcam", "layercam", "xgradcam", "eigencam")}
    names = list(found)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            assert not np.allclose(found[first], found[second], atol=1e-3), (first, second)


def test_eigen_cam_is_the_signed_first_principal_component(sample, reference):
    model, x = sample
    maps, _ = reference
    result = explain(model, x, "eigencam", classes=CLASSES)
    np.testing.assert_allclose(result.layer_maps, peak_scaled(eigen_cam(maps)), atol=1e-4)
    assert result.detail == "class-agnostic"
    assert result.item(0).title.startswith("Eigen-CAM (class-agnostic) \u2014 max_pooling2d_3 \u2014 class 1")


def test_eigen_cam_ignores_the_class(sample):
    model, x = sample
    one = explain(model, x, "eigencam", classes=1)
    zero = explain(model, x, "eigencam", classes=0)
    assert list(one.classes) == [1, 1] and list(zero.classes) == [0, 0]
    np.testing.assert_array_equal(one.layer_maps, zero.layer_maps)
    np.testing.assert_array_equal(one.heatmaps, zero.heatmaps)


def test_eigen_cam_sign_puts_a_bright_blob_on_top():
    """Whatever sign the SVD returns, a blob that many channels respond to comes out positive."""
    from actviz_tui.core.explain.methods.eigencam import first_component

    rng = np.random.default_rng(5)
    for trial in range(6):
        maps = rng.uniform(0, 0.1, (9, 9, 16))
        maps[2:4, 5:7, : 8 + trial] += rng.uniform(1, 2, 8 + trial)
        for flipped in (maps, maps * np.array([-1.0] * 3 + [1.0] * 13)):
            projection = first_component(flipped)
            assert np.unravel_index(np.argmax(projection), projection.shape) in {(2, 5), (2, 6), (3, 5), (3, 6)}
    np.testing.assert_array_equal(first_component(np.ones((4, 4, 3))), np.zeros((4, 4)))
