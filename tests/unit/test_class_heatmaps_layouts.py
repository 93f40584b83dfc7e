"""Class heatmaps whatever the layout: a channels_first model gives what its
channels_last twin (same weights) gives, every method, a batch at once; a
model saved with Keras' default layer names ("add", "add_1") loads in a fresh
process and explains (the names a default-named op would have taken).

The channels_first tests need oneDNN on (TensorFlow's CPU has no other
channels_first convolution): test_channels_first_process.py runs them so."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import needs_onednn

import cam_models
from actviz_tui.core.explain import METHODS, explain
from actviz_tui.core.model.engine import Model

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def twins():
    last, first = cam_models.layout_twins()
    x = np.random.default_rng(7).uniform(0, 1, (2, 12, 12, 3)).astype(np.float32)
    return Model(last), Model(first), x


@needs_onednn
@pytest.mark.parametrize("method", list(METHODS))
def test_channels_first_equals_its_channels_last_twin(twins, method):
    last, first, x = twins
    assert first.inputs[0].channels_first and first.layers[first.find_layer("conv_b")].channels_first
    expected = explain(last, x, method, layer="conv_b")
    result = explain(first, np.ascontiguousarray(x.transpose(0, 3, 1, 2)), method, layer="conv_b")
    assert result.heatmaps.shape == (2, 12, 12)  # (H, W), not (C, H)
    assert result.layer_maps.shape == expected.layer_maps.shape
    assert result.classes.tolist() == expected.classes.tolist()
    np.testing.assert_allclose(result.scores, expected.scores, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(result.layer_maps, expected.layer_maps, atol=1e-4)
    np.testing.assert_allclose(result.heatmaps, expected.heatmaps, atol=1e-4)


FRESH_PROCESS = """
import sys
import numpy as np
from actviz_tui.core.explain import METHODS, explain
from actviz_tui.core.model.engine import Model

model = Model.open(sys.argv[1])
x = np.random.default_rng(0).uniform(0, 1, (2, 16, 16, 3)).astype(np.float32)
for method in METHODS:
    result = explain(model, x, method)
    print(method, result.layer, result.heatmaps.shape, bool(np.isfinite(result.heatmaps).all()))
"""


@pytest.mark.slow
def test_default_layer_names_load_and_explain_in_a_fresh_process(tmp_path):
    path = tmp_path / "residual.keras"
    cam_models.residual_default_names().save(path)
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, "-c", FRESH_PROCESS, str(path)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    layers = {"gradcam": "add_1", "gradcam++": "add_1", "hirescam": "add_1", "scorecam": "add_1", "occlusion": "input"}
    assert done.stdout.split("\n")[:5] == [f"{method} {layer} (2, 16, 16) True" for method, layer in layers.items()]
