"""The Keras backend (TensorFlow, JAX or PyTorch): quiet logs, GPU manners, lazy import.

Keras picks its backend once, when it is first imported: ``$KERAS_BACKEND``, else
the ``backend`` of ``~/.keras/keras.json``, else TensorFlow. ``backend_name()``
reads the same places without importing anything, so that
``prepare_environment()`` can set each backend's variables before its import:

- TensorFlow: C++ log level 2, GPU memory growth (instead of grabbing every
  GPU whole) and oneDNN optimisations off (``TF_ENABLE_ONEDNN_OPTS=0``): with
  them on, TensorFlow 2.21's ``conv2d_backprop_filter`` corrupts the heap and
  kills the process on some models (separable convolutions, residual adds),
  a crash no ``except`` can catch; forward passes are only ~5 % slower.
  ``import_backend()`` also quiets its Python logger.
- JAX: ``XLA_PYTHON_CLIENT_PREALLOCATE=false`` (no 75 % of GPU memory up front).
- PyTorch: nothing; it allocates GPU memory on demand.

Values the user set win. TensorFlow is imported only when it is the backend.

Native libraries (TensorFlow's and XLA's C++ runtime) write start-up lines
(oneDNN notice, cuInit errors, absl warnings) straight to file descriptor 2,
whatever their log level says. ``divert_native_stderr`` points fd 2 at a log
file for the rest of the process and gives Python's ``sys.stderr`` a private
copy of the real terminal, so our own messages still reach the user while the
backend's do not.
"""

from __future__ import annotations

import functools
import json
from contextlib import contextmanager
import logging
import os
import sys
import tempfile
import warnings
from importlib import metadata
from pathlib import Path

BACKENDS = ("tensorflow", "jax", "torch")

_ENVIRONMENT = {
    "tensorflow": {"TF_CPP_MIN_LOG_LEVEL": "2", "TF_FORCE_GPU_ALLOW_GROWTH": "true", "TF_ENABLE_ONEDNN_OPTS": "0"},
    "jax": {"TF_CPP_MIN_LOG_LEVEL": "2", "XLA_PYTHON_CLIENT_PREALLOCATE": "false"},  # XLA reads TF's level
    "torch": {},
}

# Distributions that provide each backend's module, for version strings.
_DISTRIBUTIONS = {
    "tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos", "tf-nightly"),
    "jax": ("jax",),
    "torch": ("torch",),
}

_diverted_log: Path | None = None


def backend_name() -> str:
    """The Keras backend in use, or the one Keras will pick when imported."""
    keras = sys.modules.get("keras")
    if keras is not None and hasattr(keras, "backend"):
        return keras.backend.backend()
    return os.environ.get("KERAS_BACKEND") or _keras_json_backend() or "tensorflow"


def _keras_json_backend() -> str | None:
    """The ``backend`` of Keras' config file, found the way Keras finds it."""
    if "KERAS_HOME" in os.environ:
        folder = Path(os.environ["KERAS_HOME"])
    else:
        home = os.path.expanduser("~")
        folder = Path(home if os.access(home, os.W_OK) else "/tmp") / ".keras"
    try:
        config = json.loads((folder / "keras.json").read_text())
    except (OSError, ValueError):
        return None
    backend = config.get("backend") if isinstance(config, dict) else None
    return backend if isinstance(backend, str) else None


def prepare_environment(channels_first: bool = False, gradients: bool = True) -> None:
    """Set the chosen backend's environment before it is imported (user values win).

    ``channels_first``: the model about to be loaded declares that layout. Its
    convolutions exist on TensorFlow's CPU only as oneDNN kernels, so oneDNN
    stays on for it (and its gradients carry the risk described above).
    ``gradients=False``: the command only runs forward passes (``actviz scan``), so
    the crash above cannot happen and oneDNN's faster kernels stay on (ResNet50 at
    224x224 scanned 1.23x slower than a bare Keras loop without them, 1.0x with).
    """
    for name, value in _ENVIRONMENT.get(backend_name(), {}).items():
        if name == "TF_ENABLE_ONEDNN_OPTS" and (channels_first or not gradients):
            value = "1"
        os.environ.setdefault(name, value)
    os.environ.setdefault("MPLBACKEND", "Agg")


def package_version(name: str) -> str | None:
    """An installed distribution's version, without importing it."""
    for distribution in _DISTRIBUTIONS.get(name, (name,)):
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    return None


def version_line(actviz_version: str) -> str:
    """``actviz 0.1.0 (keras 3.15.1, backend tensorflow 2.21.0)``, importing nothing."""
    backend = backend_name()
    keras_version = package_version("keras") or "not installed"
    backend_version = package_version(backend) or "not installed"
    return f"actviz {actviz_version} (keras {keras_version}, backend {backend} {backend_version})"


def default_log_path() -> Path:
    """Where the backend's diverted output goes: ~/.cache/actviz/backend.log."""
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "actviz" / "backend.log"


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
    sys.stderr = sys.__stderr__ = terminal  # type: ignore[misc]  # Final in typeshed, rebound on purpose
    _route_python_warnings_to_log(_diverted_log)
    return _diverted_log


def _route_python_warnings_to_log(path: Path) -> None:
    if path == Path(os.devnull):
        warnings.simplefilter("ignore")
        return
    handler = logging.FileHandler(path, encoding="utf-8")
    logging.getLogger().addHandler(handler)  # every library's records: matplotlib, h5py, ...
    for name in ("py.warnings", "tensorflow", "absl", "keras", "jax", "torch"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]  # TensorFlow adds its own stderr handler
        logger.propagate = False
    logging.captureWarnings(True)


@functools.lru_cache(maxsize=None)
def import_backend():
    """Import Keras on the chosen backend, quietly; returns the keras module.

    With TensorFlow: its Python logger at ERROR and GPU memory growth on.
    """
    prepare_environment()
    if backend_name() == "tensorflow":
        _prepare_tensorflow()
    import keras

    return keras


def _prepare_tensorflow() -> None:
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # already initialised by someone else
            pass


@contextmanager
def tensorflow_hidden():
    """On a backend other than TensorFlow, make ``import tensorflow`` fail meanwhile.

    Keras' legacy-HDF5 reader imports TensorFlow whenever it is installed (only to
    decode TensorShape / TypeSpec entries, which a model's config does not need),
    which costs seconds and GPU memory on a JAX or PyTorch run. A ``None`` entry
    in ``sys.modules`` makes the import raise ImportError, which Keras takes as
    "TensorFlow not available". Nothing changes when TensorFlow is the backend
    or is already imported.
    """
    if backend_name() == "tensorflow" or "tensorflow" in sys.modules:
        yield
        return
    sys.modules["tensorflow"] = None
    try:
        yield
    finally:
        if "tensorflow" in sys.modules and sys.modules["tensorflow"] is None:
            del sys.modules["tensorflow"]


@functools.lru_cache(maxsize=None)
def compute_device() -> str:
    """Where the backend computes: 'CPU', 'GPU: NVIDIA H200', 'GPU: ... (+3)', 'TPU: ...'."""
    keras = import_backend()
    backend = keras.backend.backend()
    if backend == "tensorflow":
        return _tensorflow_device()
    if backend == "jax":
        return _jax_device()
    if backend == "torch":
        return _torch_device()
    return "CPU"


def backend_device_label() -> str:
    """The backend and its device in a few words, for status lines: 'jax · CPU'."""
    return f"{backend_name()} · {compute_device()}"


def _named(kind: str, name: str, count: int) -> str:
    return f"{kind}: {name}" + (f" (+{count - 1})" if count > 1 else "")


def _tensorflow_device() -> str:
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    details = tf.config.experimental.get_device_details(gpus[0])
    return _named("GPU", details.get("device_name", gpus[0].name), len(gpus))


def _jax_device() -> str:
    import jax

    devices = jax.devices()  # the default platform's: gpu, tpu or cpu
    first = devices[0]
    if first.platform == "cpu":
        return "CPU"
    kind = "GPU" if first.platform in ("gpu", "cuda", "rocm") else first.platform.upper()
    return _named(kind, first.device_kind, len(devices))


def _torch_device() -> str:
    import torch

    # Keras' torch backend: $KERAS_TORCH_DEVICE, else mps, cuda, xpu, cpu in that order.
    chosen = os.environ.get("KERAS_TORCH_DEVICE", "")
    mps = getattr(torch.backends, "mps", None)
    if chosen.startswith("mps") or (not chosen and mps is not None and mps.is_available()):
        return "GPU: Apple MPS"
    if chosen.startswith("cuda") or (not chosen and torch.cuda.is_available()):
        return _named("GPU", torch.cuda.get_device_name(torch.device(chosen or "cuda")), torch.cuda.device_count())
    xpu = getattr(torch, "xpu", None)
    if xpu is not None and (chosen.startswith("xpu") or (not chosen and xpu.is_available())):
        return _named("XPU", xpu.get_device_name(0), xpu.device_count())
    return "CPU" if not chosen or chosen == "cpu" else chosen
