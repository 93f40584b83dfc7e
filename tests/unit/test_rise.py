"""RISE against its formula written plainly, on the bundled grayscale model; its masks
against the authors' construction (a bilinear upsampling, skimage's as scipy's zoom);
and on a model whose score is the mean of a known region, the map finds the region."""

from __future__ import annotations

import numpy as np
import pytest

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.explain import method_input
from actviz_tui.core.explain.methods.rise import RiseMasks
from actviz_tui.core.model.engine import Model

MASKS = 40


@pytest.fixture(scope="module")
def gray(sample_grayscale_keras, xray_clear_png, xray_opacity_png):
    model = Model.open(sample_grayscale_keras)
    return model, model.prepare([xray_clear_png, xray_opacity_png])


def logits(model, pictures: np.ndarray) -> np.ndarray:
    """(k,) the one unit's logit (class 1's score): the hidden layer's predict times the head."""
    import keras

    keras_model = model.keras_model
    head = keras_model.layers[-1]
    hidden = keras.Model(keras_model.inputs, keras_model.layers[-2].output).predict(pictures, verbose=0)
    kernel, bias = head.get_weights()
    return (hidden @ kernel + bias)[:, 0]


def peak_scaled(stack: np.ndarray) -> np.ndarray:
    return stack / stack.max(axis=(1, 2), keepdims=True)


def test_rise_is_the_probability_weighted_sum_of_its_masks(gray):
    model, x = gray
    p = 0.4
    masks = RiseMasks(MASKS, 64, 64, cells=5, p=p, seed=3).masks(np.arange(MASKS))
    expected = []
    for picture in x:
        logit = logits(model, np.stack([picture * mask[..., None] for mask in masks]))
        probability = 1.0 / (1.0 + np.exp(-logit))  # the head's sigmoid: class 1's probability, as the paper
        total = np.zeros((64, 64))
        for score, mask in zip(probability, masks):
            total += score * mask
        total /= MASKS * p
        expected.append(total - total.min())
    result = model.explain(x, method="rise", classes=1, masks=MASKS, cell=5, p=p, seed=3)
    np.testing.assert_allclose(result.heatmaps, peak_scaled(np.array(expected)), atol=1e-4)
    assert result.method == "rise" and result.detail == f"{MASKS} masks"
    assert result.heatmaps.shape == (2, 64, 64)


def test_the_seed_decides_the_map(gray):
    model, x = gray
    first = model.explain(x[:1], method="rise", masks=MASKS, seed=0).heatmaps
    again = model.explain(x[:1], method="rise", masks=MASKS, seed=0).heatmaps
    other = model.explain(x[:1], method="rise", masks=MASKS, seed=1).heatmaps
    np.testing.assert_array_equal(first, again)
    assert np.abs(first - other).max() > 0.05


def test_masks_do_not_depend_on_batches_or_count(gray, monkeypatch):
    whole = RiseMasks(30, 50, 40, seed=2).masks(np.arange(30))
    np.testing.assert_array_equal(RiseMasks(12, 50, 40, seed=2).masks([5, 6, 11]), whole[[5, 6, 11]])
    model, x = gray
    usual = model.explain(x[:1], method="rise", masks=MASKS).heatmaps
    monkeypatch.setattr(method_input, "batch_cap", lambda *args: 3)
    np.testing.assert_allclose(model.explain(x[:1], method="rise", masks=MASKS).heatmaps, usual, atol=1e-6)


@pytest.mark.parametrize("p", [0.5, 0.2])
def test_a_mask_keeps_a_share_p_of_the_picture(p):
    masks = RiseMasks(400, 48, 56, cells=7, p=p, seed=0).masks(np.arange(400))
    assert masks.dtype == np.float32 and masks.min() >= 0 and masks.max() <= 1
    assert abs(masks.mean() - p) < 0.02
    assert np.abs(masks.mean(axis=0) - p).max() < 0.12  # each pixel too, over the masks


def test_a_mask_is_the_grid_upsampled_bilinearly_and_shifted():
    """eclique/RISE: resize(grid, (s + 1) * cell, order=1, mode="reflect") cropped at the shift;
    skimage's resize is scipy's zoom with grid_mode and mode "mirror" (scipy: not an actviz
    dependency; jax brings it)."""
    ndimage = pytest.importorskip("scipy.ndimage")
    side, cells = 45, 7
    mask_set = RiseMasks(3, side, side, cells=cells, p=0.5, seed=5)
    cell = int(np.ceil(side / cells))
    for index in range(3):
        grid = mask_set.grids[index].astype(np.float64)
        upsampled = ndimage.zoom(grid, (cells + 1) * cell / cells, order=1, mode="mirror", grid_mode=True)
        y, x = mask_set.shifts[index]
        assert 0 <= y < cell and 0 <= x < cell
        np.testing.assert_allclose(mask_set.masks([index])[0], upsampled[y:y + side, x:x + side], atol=1e-6)


def test_rise_finds_the_region_the_score_reads():
    """The score: the mean of rows 4..11, columns 20..27 of a 32 x 32 picture of ones."""
    import keras

    inputs = keras.Input((32, 32, 1), name="rise_pixels")
    region = keras.layers.Cropping2D(((4, 20), (20, 4)), name="rise_region")(inputs)
    mean = keras.layers.GlobalAveragePooling2D(name="rise_region_mean")(region)
    model = Model(keras.Model(inputs, mean, name="rise_region_model"))
    heatmap = model.explain(np.ones((1, 32, 32, 1), np.float32), method="rise", masks=300).heatmaps[0]
    inside = np.zeros((32, 32), bool)
    inside[4:12, 20:28] = True
    y, x = np.unravel_index(heatmap.argmax(), heatmap.shape)
    assert inside[y, x]
    assert heatmap[inside].mean() > 0.8 and heatmap[~inside].mean() < 0.5


@pytest.mark.parametrize("option", [{"masks": 0}, {"cell": 0}, {"cell": 65}, {"p": 0.0}, {"p": 1.5}, {"seed": -1}])
def test_bad_options_are_one_error(gray, option):
    model, x = gray
    with pytest.raises(ActvizError, match="RISE's"):
        model.explain(x[:1], method="rise", **option)
