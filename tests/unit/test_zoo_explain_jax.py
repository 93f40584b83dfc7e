"""The zoo's class heatmaps on JAX (jax.vjp) equal TensorFlow's (GradientTape),
a batch of two, every method: one subprocess runs the saved zoo with
KERAS_BACKEND=jax (Keras fixes its backend at import), this process compares.
The files carry the weights: a seed draws other weights on another backend."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from zoo_models import ZOO_NAMES

pytestmark = pytest.mark.slow  # a subprocess that imports JAX and runs the zoo

# Every kind of model the zoo has, without the heavy applications that add nothing new here
# (test_zoo_explain runs all of them on TensorFlow): default-named Add layers, Xception's
# separable residuals, segmentation, two inputs, a nested base, legacy HDF5, channels_first.
JAX_ZOO = ["residual_add", "xception", "fully_conv", "two_input", "mobilenetv2_nested", "legacy_h5", "channels_first"]
assert set(JAX_ZOO) <= set(ZOO_NAMES)

REPO = Path(__file__).resolve().parents[2]
CLASSES = [0, 1]  # fixed: random weights make near-ties of the top class
SCRIPT = """
import json, sys, time
import numpy as np
from actviz_tui.core.explain import METHODS, explain
from actviz_tui.core.model.engine import Model
from test_zoo_explain import FAST, image_batch

arrays, seconds = {}, {}
for name, path in json.loads(sys.argv[2]).items():
    model = Model.open(path)
    x = image_batch(model)
    for method in METHODS:
        start = time.perf_counter()
        result = explain(model, x, method, classes=[0, 1], **FAST.get(method, {}))
        seconds[f"{name} {method}"] = time.perf_counter() - start
        arrays[f"{name} {method}"] = result.layer_maps
        arrays[f"{name} {method} scores"] = result.scores
np.savez(sys.argv[1] + ".npz", **arrays)
open(sys.argv[1] + ".json", "w").write(json.dumps(seconds))
"""


@pytest.fixture(scope="module")
def jax_results(tmp_path_factory, zoo_path):
    if importlib.util.find_spec("jax") is None:
        pytest.skip("jax is not installed")
    out = tmp_path_factory.mktemp("zoo_jax") / "zoo"
    path = os.pathsep.join(str(folder) for folder in (REPO, REPO / "tests", REPO / "tests" / "unit"))
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": path}
    paths = json.dumps({name: str(zoo_path(name)) for name in JAX_ZOO})
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(out), paths], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    seconds = json.loads(Path(f"{out}.json").read_text())
    print("\nJAX seconds: " + ", ".join(f"{key} {value:.2f}" for key, value in seconds.items()))
    return np.load(f"{out}.npz")


@pytest.mark.parametrize("name", JAX_ZOO)
def test_zoo_on_jax_equals_tensorflow(jax_results, zoo_path, name):
    from actviz_tui.core.explain import METHODS, explain
    from actviz_tui.core.model.engine import Model
    from test_zoo_explain import FAST, ONEDNN_OFF, image_batch

    model = Model.open(zoo_path(name))
    if model.inputs[0].channels_first and ONEDNN_OFF:
        assert jax_results[f"{name} gradcam"].shape[0] == 2  # JAX ran it; TF cannot here
        pytest.skip("channels_first convolutions need oneDNN on TensorFlow's CPU")
    x = image_batch(model)
    for method in METHODS:
        expected = explain(model, x, method, classes=CLASSES, **FAST.get(method, {}))
        scores = jax_results[f"{name} {method} scores"]
        np.testing.assert_allclose(scores, expected.scores, rtol=1e-3, atol=1e-3 * np.abs(expected.scores).max())
        np.testing.assert_allclose(jax_results[f"{name} {method}"], expected.layer_maps, atol=2e-3,
                                   err_msg=f"{name} {method}")
