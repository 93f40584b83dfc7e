"""Filter patterns on JAX (and PyTorch if installed) match TensorFlow's: each backend's
own autodiff climbs the same objective from the same start. Keras fixes its backend
at import, so each backend runs in a subprocess (as in test_backends.py).

The steps are not bit-equal across backends (TensorFlow's affine-transform gradient
is its own approximation), so the test compares what a user sees: each channel's
final score and the pattern's picture (correlation)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.slow  # a subprocess that imports a second ML framework

REPO = Path(__file__).resolve().parents[2]
LAYER, CHANNELS, STEPS = "conv2d", [0, 1, 2, 3], 24
SCRIPT = """
import sys
import numpy as np
from actviz_tui.core.model.engine import Model
from actviz_tui.core.inputs.samples import sample_path

model = Model.open(sample_path("grayscale_cnn.keras"))
result = model.patterns(sys.argv[2], [int(c) for c in sys.argv[3].split(",")], steps=int(sys.argv[4]), use_cache=False, batch_size=4)
np.savez(sys.argv[1], pixels=result.pixels, scores=result.scores, inputs=result.inputs)
"""


def run_on(backend: str, out: Path) -> dict:
    env = {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": str(REPO)}
    args = [str(out), LAYER, ",".join(map(str, CHANNELS)), str(STEPS)]
    done = subprocess.run([sys.executable, "-c", SCRIPT, *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(np.load(out))


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_backend_patterns_match_tensorflow(backend, tmp_path):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed")
    from actviz_tui.core.model.engine import Model
    from actviz_tui.core.inputs.samples import sample_path

    reference = Model.open(sample_path("grayscale_cnn.keras")).patterns(LAYER, CHANNELS, steps=STEPS, use_cache=False, batch_size=4)
    other = run_on(backend, tmp_path / f"{backend}.npz")
    assert other["pixels"].shape == reference.pixels.shape
    np.testing.assert_allclose(other["scores"], reference.scores, rtol=0.05, atol=0.05)
    for mine, theirs in zip(reference.pixels, other["pixels"]):
        assert np.corrcoef(mine.ravel(), theirs.ravel())[0, 1] > 0.9
