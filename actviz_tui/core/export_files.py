"""Writing exported figures and data without ever losing a user's files.

Every write goes to a hidden temporary file in the destination folder, is
flushed to disk, and only then appears under its final name. Without
``overwrite`` an existing file is never replaced: the new one gets the first
free ``name-2.ext``, ``name-3.ext``, ... instead.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import tempfile
import unicodedata
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import numpy as np

import actviz_tui
from actviz_tui.core.errors import ExportError
from actviz_tui.core.figures import render_png_bytes

TEMP_PREFIX = ".actviz-"
TEMP_SUFFIX = ".part"
MAX_NAME_PART = 80
MAX_NUMBERED_COPIES = 10_000

_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")

# errno values from os.link meaning "this file system has no hard links".
# (Not every platform defines every errno name.)
_NO_HARD_LINKS = {
    getattr(errno, name)
    for name in ("EPERM", "EOPNOTSUPP", "ENOTSUP", "ENOSYS", "EXDEV", "EMLINK")
    if hasattr(errno, name)
}

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
# Names


def figure_filename(
    model: str, kind: str, layer: str | None = None, channel: int | None = None, ext: str = "png"
) -> str:
    """A descriptive, stable, file-system-safe name such as
    ``chest_xray_cnn__conv2d_1__ch029__channel.png``.

    Nested layer paths (``backbone/conv_a``) become ``backbone.conv_a``;
    channel numbers are zero-padded to three digits.
    """
    parts = [safe_name_part(model)]
    if layer is not None:
        parts.append(safe_name_part(layer.replace("/", ".")))
    if channel is not None:
        if channel < 0:
            raise ValueError(f"channel must be >= 0, got {channel}")
        parts.append(f"ch{channel:03d}")
    parts.append(safe_name_part(kind))
    return "__".join(parts) + "." + safe_name_part(ext.lstrip("."))


def safe_name_part(text: str) -> str:
    """``text`` with only ``[A-Za-z0-9._-]`` kept: accents dropped (``ü`` -> ``u``),
    runs of other characters -> ``_``, no leading or trailing ``._-`` (no hidden
    files, no ``..``, no option-like ``-x``), at most MAX_NAME_PART characters."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE_CHARS.sub("_", ascii_text).strip("._-")
    return cleaned[:MAX_NAME_PART].rstrip("._-") or "unnamed"


def unique_path(path: Path) -> Path:
    """``path`` if nothing is there, else the first free ``stem-2.ext``, ``stem-3.ext``, ..."""
    path = Path(path)
    if not os.path.lexists(path):
        return path
    for number in range(2, MAX_NUMBERED_COPIES):
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        if not os.path.lexists(candidate):
            return candidate
    raise ExportError(f"cannot write to {path}: too many numbered copies already exist")


def unique_stem(folder: Path, stem: str, suffixes: tuple[str, ...]) -> str:
    """The first of ``stem``, ``stem-2``, ... free for every suffix, so files
    written together (``.png``, ``.npy``, ``.json``) share one name."""
    folder = Path(folder)
    for number in range(1, MAX_NUMBERED_COPIES):
        candidate = stem if number == 1 else f"{stem}-{number}"
        if not any(os.path.lexists(folder / f"{candidate}{suffix}") for suffix in suffixes):
            return candidate
    raise ExportError(f"cannot write to {folder / stem}: too many numbered copies already exist")


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
        raise ExportError(f"cannot create folder {folder}: {describe_os_error(exc)}") from exc
    return folder


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
        # After a hard link (or a failure) the temporary name must go; after a
        # rename it is already gone and this does nothing.
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
    """Give ``temp`` a free name next to ``path``; never replaces a file.

    ``os.link`` fails if the name is taken, so a file appearing between the
    check and the link (another export, another program) is safe too.
    """
    for _attempt in range(100):
        candidate = unique_path(path)
        try:
            os.link(temp, candidate)
            return candidate
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
            return _publish_by_reserved_rename(temp, path)
    raise FileExistsError(errno.EEXIST, "every free name was taken while writing", str(path))


def _publish_by_reserved_rename(temp: Path, path: Path) -> Path:
    """For file systems without hard links (FAT, some network shares):
    reserve the name with an exclusive create, then rename over our own placeholder."""
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


def file_sha256(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in chunks (models can be large)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(chunk_size):
                digest.update(chunk)
    except OSError as exc:
        raise ExportError(f"cannot read {path}: {describe_os_error(exc)}") from exc
    return digest.hexdigest()


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
