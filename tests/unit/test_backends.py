"""The engine on Keras' other backends (JAX, PyTorch), compared with TensorFlow.

Keras fixes its backend when it is first imported and this test process runs on
TensorFlow, so each backend runs one script in a subprocess (every bundled
sample: load, trace, all activations, statistics, one PNG export, the legacy
tf_keras .h5 file, ``actviz summary --json``) and the tests compare what it
saved with the same work done here on TensorFlow. A backend that is not
installed is skipped: ``pip install "jax[cpu]"`` (CI does), ``pip install torch``.
"""

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
TF_KERAS_FILE = REPO / "tests" / "data" / "tf_keras_small.h5"
TF_KERAS_EXPECTED = REPO / "tests" / "data" / "tf_keras_small_expected.npz"
SAMPLES = {  # bundled model -> bundled image it is run on
    "chest_xray_cnn.h5": "images/xray_opacity.png",
    "residual_nested.keras": "images/xray_opacity.png",
    "grayscale_cnn.keras": "images/xray_clear.png",
}
RELATIVE_TOLERANCE = 1e-4  # of the layer's largest |value|
TIMEOUT = 600

SCRIPT = """
import contextlib, io, json, sys
from pathlib import Path

out = Path(sys.argv[1])
samples = json.loads(sys.argv[2])
from actviz_tui import __version__
from actviz_tui.core.model.backend_env import backend_name, compute_device, version_line

result = {"version": version_line(__version__)}  # before Keras is imported

import numpy as np
from actviz_tui.core.export import ExportSettings, FigureRequest, export_figures
from actviz_tui.core.model.engine import Model
from actviz_tui.core.session.model_session import ModelSession
from actviz_tui.core.inputs.samples import sample_path

arrays, result["models"] = {}, {}
for name, image in samples.items():
    session = ModelSession.open(sample_path(name)).image(sample_path(image))
    stats = session.all_stats()
    for row in range(len(session.layers)):
        arrays[f"{name}/{row}"] = session.activation(row)
    result["models"][name] = {
        "layers": [[info.name, info.type, list(info.output_shape)] for info in session.layers],
        "stats": {str(row): value.as_dict() for row, value in stats.items()},
    }
    if name == "chest_xray_cnn.h5":
        written = export_figures(
            session, [FigureRequest("grid", layer="conv2d_1")], ExportSettings(folder=out / "figures")
        )
        result["exported"] = [str(path) for path in written]

legacy = Model.open(sys.argv[3])  # written by tf_keras (Keras 2)
expected = np.load(sys.argv[4])
arrays["tf_keras_output"] = legacy.activations_by_row(expected["input"], [len(legacy.layers) - 1])[len(legacy.layers) - 1]

from actviz_tui.cli import main

buffer = io.StringIO()
with contextlib.redirect_stdout(buffer):
    result["summary_exit"] = main(["summary", "--json"])  # the bundled sample
result["summary"] = json.loads(buffer.getvalue())
result["backend"], result["device"] = backend_name(), compute_device()
result["tensorflow_imported"] = sys.modules.get("tensorflow") is not None
np.savez(out / "arrays.npz", **arrays)
(out / "result.json").write_text(json.dumps(result))
"""


@pytest.fixture(scope="module", params=["jax", "torch"])
def backend_run(request, tmp_path_factory):
    """The script's results on one backend: (result dict, arrays)."""
    backend = request.param
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"{backend} is not installed (pip install actviz-tui[{backend}])")
    out = tmp_path_factory.mktemp(f"backend-{backend}")
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(out / "cache"))
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # as a user runs it: actviz sets what it needs
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(out), json.dumps(SAMPLES), str(TF_KERAS_FILE), str(TF_KERAS_EXPECTED)],
        cwd=out, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert done.returncode == 0, f"{backend} run failed:\n{done.stderr[-4000:]}"
    result = json.loads((out / "result.json").read_text())
    with np.load(out / "arrays.npz") as saved:
        arrays = {key: saved[key] for key in saved.files}
    return backend, result, arrays


@pytest.fixture(scope="module")
def tensorflow_reference():
    """The same samples on this process's backend (TensorFlow): (layers, stats, arrays)."""
    import keras

    if keras.backend.backend() != "tensorflow":
        pytest.skip("the reference must be computed on the TensorFlow backend")
    from actviz_tui.core.session.model_session import ModelSession
    from actviz_tui.core.inputs.samples import sample_path

    reference = {}
    for name, image in SAMPLES.items():
        session = ModelSession.open(sample_path(name)).image(sample_path(image))
        stats = session.all_stats()
        arrays = [session.activation(row) for row in range(len(session.layers))]
        layers = [[info.name, info.type, list(info.output_shape)] for info in session.layers]
        reference[name] = (layers, stats, arrays)
    return reference


def relative_difference(array: np.ndarray, expected: np.ndarray) -> float:
    """max |a - b| over the layer's largest |value| (0 for an all-zero layer)."""
    scale = float(np.abs(expected).max()) if expected.size else 0.0
    difference = float(np.abs(array.astype(np.float64) - expected).max()) if expected.size else 0.0
    return difference / scale if scale else difference


def test_every_sample_loads_with_the_same_layers(backend_run, tensorflow_reference):
    backend, result, _ = backend_run
    assert result["backend"] == backend
    for name, (layers, _, _) in tensorflow_reference.items():
        assert result["models"][name]["layers"] == layers, f"{name} on {backend}"


def test_activations_match_tensorflow(backend_run, tensorflow_reference):
    backend, _, arrays = backend_run
    worst = {}
    for name, (_, _, expected) in tensorflow_reference.items():
        for row, reference in enumerate(expected):
            array = arrays[f"{name}/{row}"]
            assert array.shape == reference.shape and array.dtype == np.float32, f"{name} row {row}"
            worst[name] = max(worst.get(name, 0.0), relative_difference(array, reference))
    print(f"largest relative difference {backend} vs tensorflow: {worst}")
    assert all(value <= RELATIVE_TOLERANCE for value in worst.values()), worst


def test_statistics_match_tensorflow(backend_run, tensorflow_reference):
    backend, result, _ = backend_run
    for name, (_, stats, _) in tensorflow_reference.items():
        got = result["models"][name]["stats"]
        assert set(got) == {str(row) for row in stats}, name
        for row, reference in stats.items():
            values, where = got[str(row)], f"{name} row {row} on {backend}"
            scale = max(abs(reference.minimum), abs(reference.maximum), 1e-12)
            for key in ("minimum", "maximum", "mean"):
                assert abs(values[key] - getattr(reference, key)) <= RELATIVE_TOLERANCE * scale, (where, key)
            assert abs(values["zero_fraction"] - reference.zero_fraction) <= 1e-3, where
            assert (values["dead_channels"], values["channels"]) == (reference.dead_channels, reference.channels), where


def test_export_writes_a_png(backend_run):
    _, result, _ = backend_run
    (path,) = map(Path, result["exported"])
    assert path.suffix == ".png" and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_reads_the_legacy_tf_keras_h5(backend_run):
    _, _, arrays = backend_run
    expected = np.load(TF_KERAS_EXPECTED)["output"]
    np.testing.assert_allclose(arrays["tf_keras_output"], expected, rtol=1e-4, atol=1e-5)


def test_summary_names_backend_and_device(backend_run):
    backend, result, _ = backend_run
    summary = result["summary"]
    assert result["summary_exit"] == 0
    assert summary["backend"] == backend
    assert summary["device"] == result["device"]
    assert summary["device"] == "CPU" or summary["device"].split(":")[0] in ("GPU", "TPU", "XPU")
    assert summary["model"].endswith("chest_xray_cnn.h5") and summary["layers"][-1]["stats"]["maximum"] > 0.5
    assert f"backend {backend} " in result["version"] and "keras " in result["version"]


def test_tensorflow_is_never_imported(backend_run):
    backend, result, _ = backend_run
    assert not result["tensorflow_imported"], f"TensorFlow was imported on the {backend} backend"
