"""backend_env: which backend, its environment, versions, device (no second backend needed)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from actviz_tui import __version__
from actviz_tui.core.model import backend_env

REPO = Path(__file__).resolve().parents[2]
VARIABLES = ("TF_CPP_MIN_LOG_LEVEL", "TF_FORCE_GPU_ALLOW_GROWTH", "TF_ENABLE_ONEDNN_OPTS", "XLA_PYTHON_CLIENT_PREALLOCATE")


@pytest.fixture
def before_keras(monkeypatch, tmp_path):
    """As if Keras were not imported yet, with an empty Keras home and no backend variables."""
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    for name in ("KERAS_BACKEND", *VARIABLES):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_backend_name_reads_keras_json_then_the_variable(before_keras, monkeypatch):
    assert backend_env.backend_name() == "tensorflow"  # Keras' default
    (before_keras / "keras.json").write_text(json.dumps({"backend": "jax", "floatx": "float32"}))
    assert backend_env.backend_name() == "jax"
    monkeypatch.setenv("KERAS_BACKEND", "torch")
    assert backend_env.backend_name() == "torch"
    (before_keras / "keras.json").write_text("{not json")
    monkeypatch.delenv("KERAS_BACKEND")
    assert backend_env.backend_name() == "tensorflow"


def test_backend_name_once_keras_is_imported():
    import keras

    assert backend_env.backend_name() == keras.backend.backend()


@pytest.mark.parametrize(
    "backend, expected",
    [
        ("tensorflow", {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_FORCE_GPU_ALLOW_GROWTH": "true", "TF_ENABLE_ONEDNN_OPTS": "0"}),
        ("jax", {"TF_CPP_MIN_LOG_LEVEL": "2", "XLA_PYTHON_CLIENT_PREALLOCATE": "false"}),
        ("torch", {}),
    ],
)
def test_prepare_environment_per_backend(before_keras, monkeypatch, backend, expected):
    monkeypatch.setenv("KERAS_BACKEND", backend)
    backend_env.prepare_environment()
    assert {name: os.environ[name] for name in VARIABLES if name in os.environ} == expected


def test_prepare_environment_keeps_user_values(before_keras, monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    monkeypatch.setenv("XLA_PYTHON_CLIENT_PREALLOCATE", "true")
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    backend_env.prepare_environment()
    assert os.environ["XLA_PYTHON_CLIENT_PREALLOCATE"] == "true"
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0"


def test_prepare_environment_keeps_users_onednn_choice(before_keras, monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "1")
    backend_env.prepare_environment()
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "1"


def test_version_line(before_keras, monkeypatch):
    keras_version = metadata.version("keras")
    line = backend_env.version_line("9.9")
    assert line == f"actviz 9.9 (keras {keras_version}, backend tensorflow {metadata.version('tensorflow')})"
    monkeypatch.setenv("KERAS_BACKEND", "no_such_backend")
    assert backend_env.version_line("9.9").endswith("backend no_such_backend not installed)")


def test_compute_device_on_tensorflow():
    device = backend_env.compute_device()
    assert device == "CPU" or device.startswith("GPU: ")
    assert backend_env.backend_device_label() == f"tensorflow · {device}"


def test_version_option_imports_no_framework():
    script = (
        "import sys\n"
        "from actviz_tui.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit as done:\n    assert done.code in (0, None)\n"
        "print(sorted(m for m in ('keras', 'tensorflow', 'jax', 'torch') if m in sys.modules))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO), KERAS_BACKEND="tensorflow")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    version, imported = done.stdout.splitlines()
    assert re.fullmatch(rf"actviz {re.escape(__version__)} \(keras \S+, backend tensorflow \S+\)", version), version
    assert imported == "[]"


def test_forward_only_commands_keep_onednn_on(before_keras, monkeypatch):
    """`actviz scan` computes no gradient (the oneDNN crash is in one), so its faster kernels stay on."""
    from actviz_tui.commands.table import takes_gradients

    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    backend_env.prepare_environment(gradients=takes_gradients("scan"))
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "1"
    assert takes_gradients("export") and takes_gradients("summary") and takes_gradients("explore")
