"""A file's SHA-256, which names a model file's exact version (scans, export sidecars). Light to import."""

from __future__ import annotations

import hashlib
import os

from actviz_tui.core.errors import ActvizError


def file_sha256(path: str | os.PathLike, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file, read in chunks (models can be large)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(chunk_size):
                digest.update(chunk)
    except OSError as exc:
        raise ActvizError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return digest.hexdigest()
