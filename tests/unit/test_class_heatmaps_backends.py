"""Class heatmaps on JAX (and PyTorch if installed) equal TensorFlow's: each
backend's own autodiff (jax.value_and_grad, torch autograd) gives the same
gradients as GradientTape. Keras fixes its backend at import and this process
runs TensorFlow, so each backend runs a script in a subprocess (as in
test_backends.py)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow  # a subprocess that imports a second ML framework

REPO = Path(__file__).resolve().parents[2]
CASES = [  # model, image, method
    ("chest_xray_cnn.h5", "images/xray_opacity.png", "hirescam"),
    ("chest_xray_cnn.h5", "images/xray_opacity.png", "gradcam"),
    ("residual_nested.keras", "images/xray_opacity.png", "gradcam++"),
    ("grayscale_cnn.keras", "images/xray_clear.png", "gradcam"),
    *[("grayscale_cnn.keras", "images/xray_clear.png", method)  # issue 17's methods, on the small model
      for method in ("saliency", "integrated_gradients", "smoothgrad", "layercam", "xgradcam", "eigencam", "rise")],
]
OPTIONS = {"integrated_gradients": {"steps": 8}, "smoothgrad": {"samples": 4}, "rise": {"masks": 64}}
SCRIPT = """
import json, sys
import numpy as np
from actviz_tui.core.explain import explain
from actviz_tui.core.model.engine import Model
from actviz_tui.core.inputs.samples import sample_path

OPTIONS = json.loads(sys.argv[3])
arrays, scores = {}, []
for position, (model, image, method) in enumerate(json.loads(sys.argv[2])):
    model = Model.open(sample_path(model))
    result = explain(model, model.prepare(sample_path(image)), method=method, **OPTIONS.get(method, {})).item(0)
    arrays[str(position)] = result.layer_map
    scores.append([result.method, result.layer_name, result.class_index, result.score])
np.savez(sys.argv[1] + ".npz", **arrays)
open(sys.argv[1] + ".json", "w").write(json.dumps(scores))
"""


def run_on(backend: str, out: Path):
    env = {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-c", SCRIPT, str(out), json.dumps(CASES), json.dumps(OPTIONS)]
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return np.load(f"{out}.npz"), json.loads(Path(f"{out}.json").read_text())


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_backend_heatmaps_equal_tensorflow(backend, tmp_path):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    from actviz_tui.core.explain import explain
    from actviz_tui.core.model.engine import Model
    from actviz_tui.core.inputs.samples import sample_path

    arrays, scores = run_on(backend, tmp_path / backend)
    for position, (model, image, method) in enumerate(CASES):
        model = Model.open(sample_path(model))
        expected = explain(model, model.prepare(sample_path(image)), method=method, **OPTIONS.get(method, {})).item(0)
        name, layer, index, score = scores[position]
        assert (name, layer, index) == (expected.method, expected.layer_name, expected.class_index)
        assert score == pytest.approx(expected.score, rel=1e-4)
        np.testing.assert_allclose(arrays[str(position)], expected.layer_map, atol=1e-4)
