"""A file's new versions, as a training run saves checkpoints over one path (``actviz render --watch``).

Each poll looks at the file's modification time and size; only when they moved is it
read whole for its SHA-256, and a version is new when that differs from the last one
taken. Light to import (no numpy).
"""

from __future__ import annotations

import os
from pathlib import Path

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.file_hash import file_sha256


class FileVersions:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.taken_sha256: str | None = None  # the last version used
        self._seen: tuple[int, int] | None = None  # (mtime_ns, size) when last read

    def new_version(self) -> str | None:
        """The file's SHA-256 when it changed into a version not taken yet, else None
        (unchanged, the same bytes again, or missing for now: mid-replace)."""
        try:
            stat = os.stat(self.path)
        except OSError:
            return None
        seen = (stat.st_mtime_ns, stat.st_size)
        if seen == self._seen:
            return None
        try:
            sha256 = file_sha256(self.path)
        except ActvizError:  # replaced between the stat and the read: next poll
            return None
        self._seen = seen
        return None if sha256 == self.taken_sha256 else sha256

    def take(self, sha256: str) -> None:
        """``sha256`` was used: only another version is new."""
        self.taken_sha256 = sha256

    def look_again(self) -> None:
        """The version could not be used (half written?): read it again at the next poll."""
        self._seen = None
