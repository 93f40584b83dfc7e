"""TensorFlow hygiene: quiet logs, GPU memory growth, lazy import.

TensorFlow's C++ runtime writes start-up lines (oneDNN notice, cuInit errors,
absl warnings) straight to file descriptor 2, whatever TF_CPP_MIN_LOG_LEVEL
says. ``divert_native_stderr`` points fd 2 at a log file for the rest of the
process and gives Python's ``sys.stderr`` a private copy of the real terminal,
so our own messages still reach the user while TensorFlow's do not.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import tempfile
import warnings
from pathlib import Path

_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_FORCE_GPU_ALLOW_GROWTH": "true",
    "KERAS_BACKEND": "tensorflow",
}

_diverted_log: Path | None = None


def prepare_environment() -> None:
    """Set TensorFlow's environment before it is imported (user values win)."""
    for name, value in _ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("MPLBACKEND", "Agg")


def default_log_path() -> Path:
    """Where TensorFlow's diverted output goes: ~/.cache/actviz/tensorflow.log."""
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "actviz" / "tensorflow.log"


def _open_log(path: Path) -> tuple[int, Path]:
    for candidate in (path, Path(tempfile.gettempdir()) / f"actviz-{os.getuid()}.log"):
        try:
            candidate.parent.mkdir(parents=True, exist_ok=True)
            return os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), candidate
        except OSError:
            continue
    return os.open(os.devnull, os.O_WRONLY), Path(os.devnull)


def divert_native_stderr(log_path: Path | None = None) -> Path:
    """Send fd 2 to a log file; keep ``sys.stderr`` on the real terminal.

    Idempotent: a second call returns the log already in use.
    """
    global _diverted_log
    if _diverted_log is not None:
        return _diverted_log
    sys.stderr.flush()
    terminal_fd = os.dup(2)
    log_fd, _diverted_log = _open_log(log_path or default_log_path())
    os.dup2(log_fd, 2)
    os.close(log_fd)
    terminal = os.fdopen(terminal_fd, "w", buffering=1, encoding="utf-8", errors="replace")
    # Textual draws on sys.__stderr__, so that one must reach the terminal too.
    sys.stderr = sys.__stderr__ = terminal
    _route_python_warnings_to_log(_diverted_log)
    return _diverted_log


def _route_python_warnings_to_log(path: Path) -> None:
    if path == Path(os.devnull):
        warnings.simplefilter("ignore")
        return
    handler = logging.FileHandler(path, encoding="utf-8")
    logging.getLogger().addHandler(handler)  # every library's records: matplotlib, h5py, ...
    for name in ("py.warnings", "tensorflow", "absl", "keras"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]  # TensorFlow adds its own stderr handler
        logger.propagate = False
    logging.captureWarnings(True)


@functools.lru_cache(maxsize=None)
def import_tensorflow():
    """Import TensorFlow quietly, with GPU memory growth on; returns the module."""
    prepare_environment()
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # already initialised by someone else
            pass
    return tf


@functools.lru_cache(maxsize=None)
def compute_device() -> str:
    """A short description of where TensorFlow computes: 'CPU' or the GPU's name."""
    tf = import_tensorflow()
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    details = tf.config.experimental.get_device_details(gpus[0])
    name = details.get("device_name", gpus[0].name)
    return f"GPU: {name}" + (f" (+{len(gpus) - 1})" if len(gpus) > 1 else "")
