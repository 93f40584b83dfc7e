"""``best_method``: the quick method of lowest mean deletion AUC on the images, as
``evaluate_methods`` scores them; never the random floor; ``Model.explain(method="best")``."""

from __future__ import annotations

import numpy as np
import pytest

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.evaluate.best import BEST, best_method
from actviz_tui.core.evaluate.evaluation import RANDOM, evaluate_methods
from actviz_tui.core.explain import METHODS, CamCancelled, cheap_methods
from actviz_tui.core.model.engine import Model


@pytest.fixture(scope="module")
def model(sample_grayscale_keras):
    return Model.open(sample_grayscale_keras)


@pytest.fixture(scope="module")
def images(model, xray_opacity_png, shapes_jpg):
    return np.concatenate([model.prepare(xray_opacity_png), model.prepare(shapes_jpg)])


def deletions(model, x, methods, steps):
    evaluation = evaluate_methods(model, x, methods, steps=steps)
    return {scores.method: float(scores.deletion.mean()) for scores in evaluation.methods}


def test_the_choice_is_the_argmin_of_evaluate_methods_deletion(model, images):
    choice = best_method(model, images, steps=6)
    quick = list(cheap_methods())
    means = deletions(model, images, quick, 6)
    expected = min(quick, key=lambda name: means[name])
    assert choice.method == expected and not METHODS[choice.method].expensive
    assert choice.deletion == pytest.approx(means[expected])
    assert (choice.candidates, choice.images) == (len(quick), 2)
    tied = sum(1 for name in quick if means[name] == means[expected])
    assert choice.tied == tied
    if tied == 1:
        assert choice.reason == f"best of {len(quick)} by deletion AUC on 2 images: {means[expected]:.3f}"
    else:
        assert choice.reason.startswith(f"{tied} of {len(quick)} tie by deletion AUC on 2 images: ")
    assert choice.label == f"best of {len(quick)} by deletion"


def test_methods_override_the_candidates_and_one_image_is_said_so(model, images):
    one = images[:1]
    choice = best_method(model, one, steps=4, methods=["saliency", "gradcam"])
    means = deletions(model, one, ["gradcam", "saliency"], 4)
    assert choice.method == min(["gradcam", "saliency"], key=lambda name: means[name])
    assert choice.candidates == 2 and choice.reason.startswith("best of 2 by deletion AUC on 1 image: ")
    only = best_method(model, one, steps=4, methods=["gradcam++"])
    assert only.method == "gradcam++" and only.candidates == 1
    with pytest.raises(ActvizError, match="unknown class heatmap method 'lime'"):
        best_method(model, one, methods=["lime"])


def test_the_random_floor_is_never_chosen_and_ties_go_to_registration_order(model, images, monkeypatch):
    """A model whose maps all tie with the floor: a made-up evaluation where random is lowest."""
    from actviz_tui.core.evaluate import best

    real = best.evaluate_methods

    def floor_lowest(*args, **kwargs):
        evaluation = real(*args, **kwargs)
        for scores in evaluation.methods:  # every method 0.5, the floor 0.1
            scores.deletion[:] = 0.1 if scores.method == RANDOM else 0.5
        return evaluation

    monkeypatch.setattr(best, "evaluate_methods", floor_lowest)
    choice = best_method(model, images[:1], steps=2, methods=["saliency", "hirescam", "gradcam"])
    assert choice.method == "gradcam"  # all tie: the first registered, not the floor
    assert choice.deletion == 0.5


def test_explain_best_says_the_choice_in_its_title_and_options_reach_the_candidates(model, images):
    one = images[1:]
    explanation = model.explain(one, method=BEST)
    choice = best_method(model, one)
    assert explanation.method == choice.method and explanation.reason == choice.reason
    plain = model.explain(one, method=choice.method)
    np.testing.assert_allclose(explanation.heatmaps, plain.heatmaps)
    item = explanation.item(0)
    assert item.title.startswith(f"{choice.label}: {METHODS[choice.method].title} \u2014 ")
    with pytest.raises(ActvizError, match="best chooses among gradcam, .*: no method scored has an option steps"):
        model.explain(one, method=BEST, steps=3)
    with pytest.raises(CamCancelled):
        model.explain(one, method=BEST, should_stop=lambda: True)
