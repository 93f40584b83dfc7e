"""`actviz evaluate`'s engine on every zoo architecture (tests/zoo_models.py): deletion and
insertion of Grad-CAM and the random floor for two images, and the sanity check on a
randomised clone that leaves the user's weights alone (nested, two-input, channels_first,
legacy .h5, fully convolutional alike)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from actviz_tui.core.evaluate.evaluation import evaluate_methods
from actviz_tui.core.evaluate.sanity import sanity_check
from test_zoo_explain import image_batch
from zoo_models import ZOO_NAMES

ONEDNN_OFF = os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0"
STEPS = 3


@pytest.mark.parametrize("zoo_model", ZOO_NAMES, indirect=True)
def test_zoo_model_is_evaluated_and_sanity_checked(zoo_model):
    from actviz_tui.core.model.engine import Model

    model = Model.open(zoo_model)
    if model.inputs[0].channels_first and ONEDNN_OFF:
        pytest.skip("channels_first convolutions need oneDNN on: test_channels_first_process.py runs it")
    x = image_batch(model)
    result = evaluate_methods(model, x, ["gradcam"], steps=STEPS, batch_size=16)
    report = result.as_json()
    assert [entry["n"] for entry in report["methods"]] == [2, 2]
    assert {entry["method"] for entry in report["methods"]} == {"gradcam", "random"}
    for scores in result.methods:
        assert scores.deletion_curve.shape == scores.insertion_curve.shape == (STEPS + 1,)
        assert np.isfinite(scores.deletion).all() and np.isfinite(scores.insertion).all()
        # the first deletion point and the last insertion point are the untouched image: the same score
        np.testing.assert_allclose(scores.deletion_curve[0], scores.insertion_curve[-1], rtol=1e-4, atol=1e-5)
    weights = [w.copy() for w in model.keras_model.get_weights()]
    (checked,) = sanity_check(model, x, ["gradcam"], result.classes, layers=1,
                              before={scores.method: scores.heatmaps for scores in result.methods})
    assert -1.0 <= checked.correlation <= 1.0 and len(checked.randomised) == 1
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.keras_model.get_weights()))
