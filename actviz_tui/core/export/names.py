"""File names of exported figures: descriptive, file-system safe, never taken."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from actviz_tui.core.errors import ExportError

MAX_NAME_PART = 80
MAX_NUMBERED_COPIES = 10_000

_UNSAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


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
