"""Load a saved Keras model file, turning every failure into ModelLoadError."""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from pathlib import Path

from actviz_tui.core.errors import ModelLoadError, one_line
from actviz_tui.core.model.backend_env import import_backend, tensorflow_hidden

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp"})


_UNKNOWN_OBJECT = re.compile(r"Could not locate (?:class|function) '([^']+)'")


def load_model(path: str | Path, custom_modules: tuple[str | Path, ...] = ()):
    """Load a ``.keras`` or legacy ``.h5`` model (compile=False, safe mode on).

    ``custom_modules``: Python files imported first, so the custom layers they
    register with ``keras.saving.register_keras_serializable`` resolve.
    """
    path = Path(path).expanduser()
    check_model_file(path)
    import_backend()
    import keras

    for module_path in custom_modules:
        import_custom_module(module_path)
    try:
        with tensorflow_hidden():  # Keras' .h5 reader would import it on any backend
            model = keras.models.load_model(path, compile=False, safe_mode=True)
    except Exception as error:  # Keras raises many types; all mean "refused"
        raise ModelLoadError(f"cannot load model {path}: {_refusal_reason(error)}") from error
    if not isinstance(model, keras.Model):
        raise ModelLoadError(f"cannot load model {path}: it holds a {type(model).__name__}, not a model")
    return model


def import_custom_module(path: str | Path) -> None:
    """Run a user's Python file as a module (its decorators register custom objects)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ModelLoadError(f"--custom-objects file not found: {path}")
    name = f"actviz_custom_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ModelLoadError(f"--custom-objects {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up here
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the user's code: any failure is theirs to see
        del sys.modules[name]
        raise ModelLoadError(
            f"--custom-objects {path} failed to import: {type(error).__name__}: {one_line(error)}"
        ) from error


def _refusal_reason(error: Exception) -> str:
    unknown = _UNKNOWN_OBJECT.search(str(error))
    if unknown is None:
        return one_line(error)
    return (
        f"it uses a custom class or function {unknown.group(1)!r} that is not registered; "
        "pass the Python file that defines it (decorated with @keras.saving.register_keras_serializable) "
        "with --custom-objects FILE.py"
    )


def check_model_file(path: Path, *, read_all: bool = True) -> None:
    """ModelLoadError unless ``path`` looks like a model file; without ``read_all``
    only its first bytes and a zip's member list are read (instant, no Keras)."""
    if not path.exists():
        raise ModelLoadError(f"model file not found: {path}")
    if path.is_dir():
        raise ModelLoadError(_directory_message(path))
    try:
        with path.open("rb") as file:
            head = file.read(8)
    except OSError as error:
        raise ModelLoadError(f"cannot read model file {path}: {error.strerror or error}") from error
    if not head:
        raise ModelLoadError(f"model file is empty: {path}")
    if head.startswith(ZIP_SIGNATURE):
        _check_keras_zip(path, read_all)
    elif not head.startswith(HDF5_SIGNATURE):
        looks_like_image = path.suffix.lower() in IMAGE_SUFFIXES
        hint = "; the model comes first: actviz MODEL IMAGE" if looks_like_image else ""
        raise ModelLoadError(
            f"not a Keras model file: {path} (expected a .keras archive or an HDF5 .h5 file){hint}"
        )


def _check_keras_zip(path: Path, read_all: bool = True) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            broken = archive.testzip() if read_all else None
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ModelLoadError(f"model file is corrupt or truncated: {path} ({error})") from error
    if broken is not None:
        raise ModelLoadError(f"model file is corrupt: {path} (bad member {broken})")
    if "config.json" not in names:
        raise ModelLoadError(f"not a Keras model file: {path} (a zip archive without config.json)")


def _directory_message(path: Path) -> str:
    if (path / "saved_model.pb").exists():
        return (
            f"{path} is a TensorFlow SavedModel directory; Keras 3 cannot load its layers. "
            "Re-save the model as .keras or .h5 with the code that built it "
            "(for a tf.keras model: tf_keras.models.load_model(dir).save('model.h5'))"
        )
    return f"{path} is a directory, not a model file (.keras or .h5)"


def declares_channels_first(path: str | Path) -> bool:
    """Whether a saved model's config mentions ``channels_first``, read without Keras
    (the backend's environment must be settled before it is imported)."""
    path = Path(path).expanduser()
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                return b'"channels_first"' in archive.read("config.json")
        import h5py

        with h5py.File(path, "r") as file:
            config = file.attrs.get("model_config", b"")
        return "channels_first" in (config.decode() if isinstance(config, bytes) else str(config))
    except (OSError, KeyError, ValueError):
        return False  # not a model file: loading says so later
