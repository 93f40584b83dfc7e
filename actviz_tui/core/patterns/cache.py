"""Patterns on disk, one file per channel, so a revisit is instant and any set of
channels reuses what was computed before (a channel's pattern does not depend on
its batch). Keyed by the model file's SHA-256, the layer and the recipe
(``settings.cache_key``): ``~/.cache/actviz/patterns/<sha>/<recipe>/<layer>/<channel>.npz``.
Writes go to a temporary file renamed into place: a crash never leaves half a file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np


def default_cache_root() -> Path:
    """``$ACTVIZ_CACHE_DIR``, else ``$XDG_CACHE_HOME/actviz``, else ``~/.cache/actviz``."""
    explicit = os.environ.get("ACTVIZ_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "actviz"


class PatternCache:
    def __init__(self, model_sha256: str, recipe: str, layer: str, root: Path | None = None) -> None:
        layer_key = hashlib.sha256(layer.encode()).hexdigest()[:12]  # nested names hold "/"
        self.folder = (root or default_cache_root()) / "patterns" / model_sha256[:32] / recipe / layer_key

    def path(self, channel: int) -> Path:
        return self.folder / f"{channel}.npz"

    def has(self, channel: int) -> bool:
        return self.path(channel).exists()

    def load(self, channel: int) -> tuple[np.ndarray, np.ndarray, float] | None:
        """(pixels, input as fed, score), or None when absent; an unreadable file is removed."""
        path = self.path(channel)
        if not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as saved:
                return saved["pixels"], saved["input"], float(saved["score"])
        except Exception:  # noqa: BLE001 - a truncated or foreign file (BadZipFile, ...): compute it again
            path.unlink(missing_ok=True)
            return None

    def save(self, channel: int, pixels: np.ndarray, model_input: np.ndarray, score: float) -> None:
        """Best effort: an unwritable cache folder only costs the next visit its time."""
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".npz.tmp")
            with os.fdopen(handle, "wb") as stream:
                np.savez(stream, pixels=pixels, input=model_input, score=np.float32(score))
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path(channel))
        except OSError:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
