"""Writing exported figures and data without ever losing a user's files.

Every write goes to a hidden temporary file in the destination folder, is
flushed to disk, and only then appears under its final name. Without
``overwrite`` an existing file is never replaced: the new one gets the first
free ``name-2.ext``, ``name-3.ext``, ... instead.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import numpy as np

import actviz_tui
from actviz_tui.core.errors import ActvizError, ExportError
from actviz_tui.core.file_hash import file_sha256 as hashed
from actviz_tui.core.export.names import unique_path, unique_stem
from actviz_tui.core.figures import render_png_bytes

TEMP_PREFIX = ".actviz-"
TEMP_SUFFIX = ".part"

_CAUSES = {
    getattr(errno, name): cause
    for name, cause in (
        ("EACCES", "permission denied"),
        ("EPERM", "permission denied"),
        ("ENOSPC", "disk full"),
        ("EDQUOT", "disk quota exceeded"),
        ("EROFS", "read-only file system"),
        ("ENOTDIR", "part of the path is a file, not a folder"),
        ("ENOENT", "the folder does not exist"),
        ("EISDIR", "it is a folder"),
        ("ENAMETOOLONG", "file name too long"),
        ("EEXIST", "a file with that name already exists"),
    )
    if hasattr(errno, name)
}


# --------------------------------------------------------------------------
# Folders and atomic writes


def ensure_folder(path: str | os.PathLike) -> Path:
    """The output folder, created with its parents if needed; ExportError if impossible."""
    folder = Path(path).expanduser()
    if folder.is_dir():
        return folder
    blocking_file = _first_existing_non_folder(folder)
    if blocking_file is not None:
        raise ExportError(f"cannot create folder {folder}: {blocking_file} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create folder {folder}: {_folder_problem(folder, exc)}") from exc
    return folder


def _folder_problem(folder: Path, exc: OSError) -> str:
    """Which part of the path is in the way: the missing one, or a read-only or locked parent."""
    existing = next((parent for parent in folder.parents if parent.is_dir()), None)
    if existing is None:
        return describe_os_error(exc)
    missing = folder if folder.parent == existing else next(p for p in folder.parents if p.parent == existing)
    if exc.errno == errno.EROFS or _is_read_only(existing):
        return f"{existing} is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{existing} does not let you create folders (permission denied)"
    if exc.errno == errno.ENOENT:
        return f"{missing} does not exist and cannot be created in {existing}"
    return describe_os_error(exc)


def _is_read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False


def write_bytes_atomic(path: Path, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` all at once or not at all; returns the final path.

    With ``overwrite=False`` an existing file is never touched: the data lands
    at the first free numbered name. On any failure the temporary file is
    removed and ExportError names the path and the cause.
    """
    path = Path(path)
    temp: Path | None = None
    try:
        temp = _write_temp_file(path.parent, data)
        final = _publish_replacing(temp, path) if overwrite else _publish_without_replacing(temp, path)
        _sync_folder(path.parent)
        return final
    except ExportError:
        raise
    except OSError as exc:
        raise ExportError(f"cannot write to {path}: {describe_os_error(exc)}") from exc
    except Exception as exc:
        raise ExportError(f"cannot write to {path}: {exc}") from exc
    finally:
        # After a failure the temporary file must go; after the rename it is
        # already gone and this does nothing.
        if temp is not None:
            _remove_quietly(temp)


def _new_file_mode() -> int:
    """0o666 less the process umask: the mode an ordinary new file gets."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_temp_file(folder: Path, data: bytes) -> Path:
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    temp = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), _new_file_mode())  # mkstemp's 0600 would hide it from colleagues
            os.fsync(handle.fileno())
    except BaseException:
        _remove_quietly(temp)
        raise
    return temp


def _publish_replacing(temp: Path, path: Path) -> Path:
    os.replace(temp, path)
    return path


def _publish_without_replacing(temp: Path, path: Path) -> Path:
    """Give ``temp`` the first free name next to ``path``; never replaces a file.

    The name is reserved with an exclusive create (``O_EXCL`` fails if the
    name is taken, so a file appearing between the check and the create, from
    another export or another program, is safe), then our own placeholder is
    renamed over. Works on every file system, hard links or not.
    """
    for _attempt in range(100):
        candidate = unique_path(path)
        try:
            placeholder = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        os.close(placeholder)
        try:
            os.replace(temp, candidate)
        except BaseException:
            _remove_quietly(candidate)
            raise
        return candidate
    raise FileExistsError(errno.EEXIST, "every free name was taken while writing", str(path))


def _sync_folder(folder: Path) -> None:
    """Make the new directory entry durable; best effort (not possible on Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _remove_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _first_existing_non_folder(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate):
            return None if candidate.is_dir() else candidate
    return None


def describe_os_error(exc: OSError) -> str:
    """A short lower-case cause for an OSError ("permission denied", "disk full")."""
    if exc.errno in _CAUSES:
        return _CAUSES[exc.errno]
    return (exc.strerror or str(exc) or type(exc).__name__).lower()


# --------------------------------------------------------------------------
# Figures and data


def write_figure(fig, folder: str | os.PathLike, filename: str, *, dpi: int = 150, overwrite: bool = False) -> Path:
    """Render ``fig`` to PNG and write it as ``folder/filename``; returns the final path."""
    _check_plain_filename(filename)
    target = ensure_folder(folder) / filename
    return write_bytes_atomic(target, render_png_bytes(fig, dpi=dpi), overwrite=overwrite)


def write_data(
    folder: str | os.PathLike, stem: str, array: np.ndarray, metadata: dict, *, overwrite: bool = False
) -> tuple[Path, Path]:
    """The raw activation as ``stem.npy`` plus a ``stem.json`` sidecar.

    The sidecar holds ``metadata`` plus ``actviz_version`` and ``created``
    (ISO UTC). Without ``overwrite`` both files get the same free stem.
    """
    _check_plain_filename(stem)
    folder = ensure_folder(folder)
    if not overwrite:
        stem = unique_stem(folder, stem, (".npy", ".json"))
    npy_path = write_bytes_atomic(folder / f"{stem}.npy", _npy_bytes(array), overwrite=overwrite)
    json_path = write_bytes_atomic(folder / f"{stem}.json", _sidecar_bytes(metadata), overwrite=overwrite)
    return npy_path, json_path


def write_sidecar(path: Path, metadata: dict) -> Path:
    """``metadata`` alone as a sidecar at ``path`` (a saved view without a figure), never replacing a file."""
    return write_bytes_atomic(Path(path), _sidecar_bytes(metadata))


def file_sha256(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file (core/file_hash.py), a read failure said as an ExportError."""
    try:
        return hashed(path, chunk_size)
    except ActvizError as exc:
        raise ExportError(str(exc)) from exc


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def _sidecar_bytes(metadata: dict) -> bytes:
    record = dict(metadata)
    record["actviz_version"] = actviz_tui.__version__
    record["created"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    text = json.dumps(record, indent=2, sort_keys=True, default=_json_value, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _json_value(value):
    """JSON for the numpy scalars/arrays and paths metadata tends to carry."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (Path, os.PathLike)):
        return os.fspath(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"metadata value of type {type(value).__name__} is not JSON serialisable")


def _check_plain_filename(name: str) -> None:
    if not name or Path(name).name != name or name in (".", ".."):
        raise ValueError(f"expected a plain file name without folders, got {name!r}")


def writable_folder(path: str | os.PathLike) -> Path:
    """The output folder, created if needed, checked writable before any figure is drawn."""
    folder = ensure_folder(path)
    if not os.access(folder, os.W_OK | os.X_OK):
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
        why = "read-only file system" if read_only else "permission denied"
        raise ExportError(f"cannot write to folder {folder}: {why}")
    return folder
