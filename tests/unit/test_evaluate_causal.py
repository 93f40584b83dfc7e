"""Deletion and insertion AUCs equal Xplique's ``CausalFidelity`` (its algorithm written out
plainly below, from xplique/metrics/fidelity.py) for the same baseline and steps."""

from __future__ import annotations

import numpy as np
import pytest

from actviz_tui.core.evaluate.baselines import baseline_images
from actviz_tui.core.evaluate.causal import causal_curves, pixel_order, step_counts, trapezoid_auc


def xplique_auc(predict, inputs, targets, explanations, mode, baseline_value, steps):
    """Xplique's CausalFidelity.evaluate: argsort()[::-1], linspace(..., dtype=int32), the mean
    curve over images, then mean(s[:-1] + s[1:]) * 0.5."""
    n, h, w, c = inputs.shape
    flat_inputs = inputs.reshape(n, h * w, c)
    order = np.argsort(explanations.reshape(n, -1), axis=-1)[:, ::-1]
    baselines = np.ones_like(inputs) * baseline_value
    flat_base = baselines.reshape(flat_inputs.shape)
    start, end = (flat_inputs, flat_base) if mode == "deletion" else (flat_base, flat_inputs)
    scores = []
    for step in np.linspace(0, h * w, steps + 1, dtype=np.int32):
        batch = start.copy()
        for i, ids in enumerate(order[:, :step]):
            batch[i, ids] = end[i, ids]
        scores.append(np.mean(predict(batch.reshape(inputs.shape), targets)))
    scores = np.array(scores)
    return np.mean(scores[:-1] + scores[1:]) * 0.5


@pytest.fixture
def linear_model():
    """A softmax over 3 classes of a fixed linear map of the pixels: a real probability curve."""
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(6 * 5 * 3, 3)).astype(np.float32)

    def probabilities(batch):
        logits = batch.reshape(len(batch), -1) @ weights
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)

    return probabilities


@pytest.mark.parametrize("steps", [1, 7, 20])
def test_aucs_equal_xpliques(linear_model, steps):
    rng = np.random.default_rng(1)
    images = rng.random((4, 6, 5, 3)).astype(np.float32)
    heatmaps = rng.random((4, 6, 5))  # no ties: Xplique's reversed argsort orders them the same way
    classes = np.array([0, 2, 1, 2])

    def score(batch, owners):
        return linear_model(batch)[np.arange(len(batch)), classes[owners]]

    def predict(batch, targets):
        return linear_model(batch)[np.arange(len(batch)), targets]

    curves = causal_curves(score, images, heatmaps, steps=steps, baseline="zero", batch_size=5)
    for mode, ours in (("deletion", curves.deletion_auc), ("insertion", curves.insertion_auc)):
        theirs = xplique_auc(predict, images, classes, heatmaps, mode, 0.0, steps)
        assert ours.mean() == pytest.approx(theirs, rel=1e-6, abs=1e-9)
    assert curves.fractions[0] == 0 and curves.fractions[-1] == 1
    # both score the untouched image; in batches of other sizes float32 may differ in the last bits
    np.testing.assert_allclose(curves.deletion[:, 0], curves.insertion[:, -1], rtol=1e-5)


def test_order_is_most_important_first_ties_by_index():
    order = pixel_order(np.array([[[0.5, 0.9], [0.5, 0.1]]]))
    assert order.tolist() == [[1, 0, 2, 3]]
    assert step_counts(10, 4).tolist() == [0, 2, 5, 7, 10]
    assert trapezoid_auc(np.array([[1.0, 1.0, 0.0]])).tolist() == [0.75]


def test_baselines():
    images = np.random.default_rng(2).random((2, 12, 10, 3)).astype(np.float32)
    assert not baseline_images(images, "zero").any()
    mean = baseline_images(images, "mean")
    np.testing.assert_allclose(mean[:, 3, 4], images.mean(axis=(1, 2)), rtol=1e-5)
    blurred = baseline_images(images, "blur")
    assert blurred.shape == images.shape and blurred.std() < images.std()
    np.testing.assert_allclose(blurred.mean(), images.mean(), rtol=0.05)
    with pytest.raises(ValueError, match="unknown baseline"):
        baseline_images(images, "noise")


def test_the_sample_model_curves_equal_xplique_on_plain_keras(sample_h5, xray_opacity_png, xray_clear_png):
    from actviz_tui.core.evaluate.model_scores import model_causal_curves
    from actviz_tui.core.model.engine import Model

    model = Model.open(sample_h5)
    x = model.prepare([xray_opacity_png, xray_clear_png])
    heatmaps = model.explain(x, method="hirescam", classes=1).heatmaps
    heatmaps = heatmaps + np.random.default_rng(3).random(heatmaps.shape) * 1e-6  # no ties, as Xplique needs
    curves = model_causal_curves(model, x, heatmaps, classes=1, steps=10, batch_size=7)

    def predict(batch, targets):  # the model's own sigmoid output: p for class 1
        return model.keras_model.predict_on_batch(batch)[:, 0]

    for mode, ours in (("deletion", curves.deletion_auc), ("insertion", curves.insertion_auc)):
        theirs = xplique_auc(predict, x, np.ones(2, int), heatmaps, mode, 0.0, 10)
        assert ours.mean() == pytest.approx(theirs, rel=1e-4, abs=1e-6)
    assert curves.deletion.shape == (2, 11)


def test_evaluate_methods_ranks_the_sample_and_beats_the_random_floor(sample_h5, xray_opacity_png, xray_clear_png):
    from actviz_tui.core.evaluate.evaluation import evaluate_methods
    from actviz_tui.core.model.engine import Model

    model = Model.open(sample_h5)
    x = model.prepare([xray_opacity_png, xray_clear_png])
    result = evaluate_methods(model, x, ["hirescam", "gradcam"], steps=8)
    report = result.as_json()
    assert [entry["method"] for entry in report["methods"]][:1] != ["random"]
    assert {entry["method"] for entry in report["methods"]} == {"hirescam", "gradcam", "random"}
    assert report["images"] == 2 and report["steps"] == 8 and len(report["per_image"]) == 2
    by_name = {scores.method: scores for scores in result.methods}
    assert by_name["hirescam"].deletion.mean() < by_name["random"].deletion.mean()
    for entry in report["methods"]:
        low, high = entry["deletion_ci"]
        assert low <= entry["deletion"] <= high and entry["n"] == 2
    from actviz_tui.core.evaluate.model_scores import model_causal_curves  # the same AUCs, computed alone

    heatmaps = model.explain(x, method="hirescam", classes=result.classes).heatmaps
    curves = model_causal_curves(model, x, heatmaps, result.classes, steps=8)
    np.testing.assert_allclose(by_name["hirescam"].deletion, curves.deletion_auc)
