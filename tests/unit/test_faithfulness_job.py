"""The explorer's faithfulness run with an expensive method (F): its explaining progress is
reported, then its scoring, and the run ends with every method ranked."""

from __future__ import annotations

import types

import models_factory as mf
from engine_helpers import model_of

from actviz_tui.ui.faithfulness_job import (
    FaithfulnessDone, FaithfulnessKey, FaithfulnessProgress, FaithfulnessRow, faithfulness_job,
)


def test_an_expensive_methods_explaining_progress_is_shown_and_the_run_finishes():
    results = types.SimpleNamespace(model=model_of(mf.grayscale_cnn()), batch=mf.random_batch((8, 8, 1)))
    key = FaithfulnessKey("img", ("gradcam", "occlusion"), None, None, steps=2)
    messages: list = []
    faithfulness_job(results, key, messages.append, lambda: False)()
    explaining = [m for m in messages if isinstance(m, FaithfulnessProgress) and m.explaining]
    assert explaining and explaining[-1].method == "occlusion" and explaining[-1].finished == 1
    assert "occlusion explaining" in explaining[-1].text and "perturbed inputs" in explaining[-1].text
    (done,) = [m for m in messages if isinstance(m, FaithfulnessDone)]
    assert done.error == "" and not done.cancelled
    assert {row.method for row in done.rows} == {"gradcam", "occlusion", "random"}


def test_methods_that_tie_are_not_called_best():
    key = FaithfulnessKey("img", ("gradcam", "hirescam"), None, None, steps=2)
    tie = [FaithfulnessRow("gradcam", "Grad-CAM", 0.1, 0.5), FaithfulnessRow("hirescam", "HiResCAM", 0.1, 0.4),
           FaithfulnessRow("random", "random", 0.3, 0.3)]
    assert FaithfulnessDone(key, tie).text == "faithfulness: all 2 methods tie, deletion 0.100 (random 0.300)"
    ahead = [FaithfulnessRow("gradcam", "Grad-CAM", 0.05, 0.5), *tie[1:]]
    assert FaithfulnessDone(key, ahead).text == "faithfulness: best Grad-CAM, deletion 0.050 (random 0.300)"
