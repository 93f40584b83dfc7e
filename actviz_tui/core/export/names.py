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
    model: str, kind: str, layer: str | None = None, channel: int | None = None, ext: str = "png",
    *, image: str | None = None, number: str | None = None,
) -> str:
    """A descriptive, stable, file-system-safe name such as
    ``chest_xray_cnn__xray_opacity__conv2d_1__ch029__channel.png`` (``image``: the
    image's stem, for the figures drawn from one image).

    Nested layer paths (``backbone/conv_a``) become ``backbone.conv_a``;
    channel numbers are zero-padded to three digits. ``number`` (see
    ``layer_number``) goes first, so that ``ls`` lists a model's layers in order.
    """
    parts = [] if number is None else [safe_name_part(number)]
    parts.append(safe_name_part(model))
    if image is not None:
        parts.append(safe_name_part(image))
    if layer is not None:
        parts.append(safe_name_part(layer.replace("/", ".")))
    if channel is not None:
        if channel < 0:
            raise ValueError(f"channel must be >= 0, got {channel}")
        parts.append(f"ch{channel:03d}")
    parts.append(safe_name_part(kind))
    return "__".join(parts) + "." + safe_name_part(ext.lstrip("."))


def session_filename(session, kind: str, layer: str | None = None, channel: int | None = None,
                     numbered_row: int | None = None) -> str:
    """``figure_filename`` for a figure of ``session`` (an ImageResults): its model's
    name, its image's stem if it has one, and with ``numbered_row`` the row's number first."""
    image = session.image_path.stem if session.has_image and session.image_path is not None else None
    number = None if numbered_row is None else layer_number(numbered_row, len(session.layers))
    return figure_filename(session.name, kind, layer, channel, image=image, number=number)


def layer_number(row: int, rows: int) -> str:
    """A table row zero-padded to the model's width (at least 3 digits): ``007`` of 150 rows."""
    return f"{row:0{max(3, len(str(max(rows - 1, 0))))}d}"


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
