"""evaluate_methods' method options (bare and METHOD.NAME), its cancellation, and the sanity
check reusing an evaluation's maps."""

from __future__ import annotations

import numpy as np
import pytest

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.evaluate.causal import EvaluationCancelled
from actviz_tui.core.evaluate.evaluation import check_options, evaluate_methods, options_for


def test_a_bare_option_goes_to_every_method_that_has_it_and_a_scoped_one_to_its_method():
    options = {"steps": 4, "smoothgrad.samples": 2, "noise": 0.3}
    assert options_for("integrated_gradients", options) == {"steps": 4}
    assert options_for("smoothgrad", options) == {"samples": 2, "noise": 0.3}
    assert options_for("gradcam", options) == {}
    assert options_for("smoothgrad", {"samples": 9, "smoothgrad.samples": 2}) == {"samples": 2}


@pytest.mark.parametrize("options, message", [
    ({"stepz": 3}, "no method scored has an option stepz"),
    ({"smoothgrad.samples": 3}, "smoothgrad is not among the methods scored"),
    ({"integrated_gradients.samples": 3}, "Integrated Gradients has no option samples"),
])
def test_options_no_chosen_method_has_are_refused(options, message):
    with pytest.raises(ActvizError, match=message):
        check_options(["gradcam", "integrated_gradients"], options)


@pytest.fixture(scope="module")
def grayscale(sample_grayscale_keras):
    from actviz_tui.core.model.engine import Model

    model = Model.open(sample_grayscale_keras)
    return model, np.random.default_rng(0).random((2, *model.inputs[0].shape)).astype(np.float32)


def test_options_reach_the_method_and_change_its_maps(grayscale):
    model, x = grayscale
    three = evaluate_methods(model, x, ["integrated_gradients"], steps=4, method_options={"steps": 3})
    thirty = evaluate_methods(model, x, ["integrated_gradients"], steps=4, method_options={"steps": 30})
    direct = model.explain(x, method="integrated_gradients", classes=three.classes, steps=3).heatmaps
    np.testing.assert_allclose(three.methods[0].heatmaps, direct)
    assert not np.allclose(three.methods[0].heatmaps, thirty.methods[0].heatmaps)


def test_should_stop_cancels_before_the_next_batch_and_progress_names_the_method(grayscale):
    model, x = grayscale
    seen = []

    def progress(label, done, total):
        seen.append((label, done, total))

    with pytest.raises(EvaluationCancelled, match="cancelled after 8 of"):
        evaluate_methods(model, x, ["gradcam"], steps=4, batch_size=8, progress=progress,
                         should_stop=lambda: len(seen) >= 1)
    assert seen == [("gradcam", 8, 20)]  # 2 images x 2 modes x 5 points


def test_the_sanity_check_reuses_given_maps(grayscale):
    from actviz_tui.core.evaluate.sanity import sanity_check

    model, x = grayscale
    fresh = sanity_check(model, x, ["gradcam"], classes=0, layers=1)[0]
    maps = model.explain(x, method="gradcam", classes=0).heatmaps
    reused = sanity_check(model, x, ["gradcam"], classes=0, layers=1, before={"gradcam": maps})[0]
    assert reused.correlation == pytest.approx(fresh.correlation)
    flat = sanity_check(model, x, ["gradcam"], classes=0, layers=1, before={"gradcam": np.zeros_like(maps)})[0]
    assert flat.correlation == 0.0  # the given maps were the ones compared (a constant map ranks as no correlation)


def test_the_public_api_names_the_evaluation():
    import actviz_tui as av
    from actviz_tui.core.evaluate.sanity import sanity_check

    assert av.evaluate is evaluate_methods and av.sanity_check is sanity_check
    assert {"evaluate", "sanity_check"} <= set(dir(av))


def test_average_drop_and_increase_need_probabilities():
    import models_factory as mf
    from engine_helpers import model_of

    linear = model_of(mf.grayscale_cnn())  # a one-unit linear head: raw scores, no probability
    report = evaluate_methods(linear, mf.random_batch((8, 8, 1)), ["gradcam"], steps=2).as_json()
    assert all(entry["average_drop"] is None and entry["average_increase"] is None for entry in report["methods"])


def test_the_sanity_check_reports_each_method_done(grayscale):
    from actviz_tui.core.evaluate.sanity import sanity_check

    model, x = grayscale
    seen = []
    sanity_check(model, x, ["gradcam", "random"], classes=0, layers=1, progress=lambda *a: seen.append(a))
    assert seen == [(1, 2), (2, 2)]
