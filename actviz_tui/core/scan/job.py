"""A scan in progress: starts or resumes a scan folder, takes results as they come, checkpoints.

Runners (the local one, Ray's) ask ``pending()`` for the images still to do, then hand
back ``add_batch``/``add_skipped`` (or whole ``add_part`` totals) and call
``checkpoint()`` after each; ``finish()`` marks the scan complete. A folder made
with another model file (SHA-256), other settings or another image list is refused
before anything in it is touched.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from actviz_tui import __version__
from actviz_tui.core.scan import store
from actviz_tui.core.scan.settings import ScanError, ScanSettings, shard_indices
from actviz_tui.core.scan.totals import ScanTotals


class ScanJob:
    CHECKPOINT_BATCHES = 8  # write at most every 8 batches...
    CHECKPOINT_SECONDS = 30.0  # ...or 30 s, whichever comes first

    def __init__(self, folder: Path, settings: ScanSettings, images: list[str], totals: ScanTotals,
                 manifest: dict):
        self.folder = folder
        self.settings = settings
        self.images = images
        self.totals = totals
        self.manifest = manifest
        self.resumed_from = int(totals.done[self._mine()].sum())  # images already done when opened
        self._batches_since = 0
        self._written_at = time.monotonic()

    @classmethod
    def start(cls, folder: Path, settings: ScanSettings, images: list[str],
              layer_shapes: list[tuple[str, int, bool]], data_dirs: list[str], engine: str = "local") -> "ScanJob":
        """Open ``folder`` for this scan: resume what is there, or begin (creating the folder)."""
        folder = Path(folder)
        if store.is_scan_dir(folder):
            return cls._resume(folder, settings, images)
        if folder.exists() and not folder.is_dir():
            raise ScanError(f"--out {folder} is a file, not a folder")
        if folder.is_dir() and not _only_a_started_scan(folder) and any(folder.iterdir()):
            raise ScanError(f"--out {folder} holds other files and no scan; give an empty or new folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ScanError(f"cannot create {folder}: {error.strerror or error}") from None
        manifest = new_manifest(settings, images, data_dirs, engine)
        job = cls(folder, settings, images, ScanTotals.empty(layer_shapes, settings.top_k, len(images)), manifest)
        store.write_images(folder, images)
        job.checkpoint(force=True)
        return job

    @classmethod
    def _resume(cls, folder: Path, settings: ScanSettings, images: list[str]) -> "ScanJob":
        manifest = store.read_manifest(folder)
        previous = ScanSettings.from_dict(manifest["settings"])
        if previous.model_sha256 != settings.model_sha256:
            raise ScanError(
                f"{folder} holds a scan of another model file ({previous.model_path}, "
                f"SHA-256 {previous.model_sha256[:12]}...); refusing to write there"
            )
        difference = settings.difference(previous)
        if difference:
            raise ScanError(f"{folder} holds a scan with other settings ({difference}); give another --out")
        if manifest["images"]["sha256"] != store.list_sha256(images):
            raise ScanError(f"{folder} holds a scan of another image list "
                            f"({manifest['images']['count']} images); give another --out")
        store.remove_stale_temporaries(folder)
        return cls(folder, settings, images, store.read_results(folder), manifest)

    # ----- progress -----------------------------------------------------------------
    def _mine(self) -> np.ndarray:
        return shard_indices(len(self.images), self.settings.shard)

    def pending(self) -> np.ndarray:
        """This run's image indices not done yet, in order."""
        mine = self._mine()
        return mine[~self.totals.done[mine]]

    @property
    def total(self) -> int:
        """Images this run (its shard) covers."""
        return len(self._mine())

    @property
    def complete(self) -> bool:
        return self.manifest.get("status") == "complete"

    def add_batch(self, indices, reductions: list) -> None:
        self.totals.add_batch(np.asarray(indices), reductions, self.settings.by)
        self._batches_since += 1

    def add_skipped(self, index: int, reason: str) -> None:
        self.totals.add_skipped(index, reason)

    def add_part(self, layers: list, indices, skipped: dict[int, str]) -> None:
        """Totals computed elsewhere (a Ray actor's batch): LayerTotals per layer over ``indices``."""
        self.totals.add_part(layers, indices, skipped)
        self._batches_since += 1

    # ----- writing --------------------------------------------------------------------
    def checkpoint(self, force: bool = False) -> bool:
        """Write the results if due (or ``force``); True when written."""
        due = (self._batches_since >= self.CHECKPOINT_BATCHES
               or time.monotonic() - self._written_at >= self.CHECKPOINT_SECONDS)
        if not (force or due):
            return False
        store.write_results(self.folder, self.totals)
        self._update_manifest()
        self._batches_since, self._written_at = 0, time.monotonic()
        return True

    def finish(self) -> None:
        self.manifest["status"] = "complete" if not self.pending().size else "running"
        self.checkpoint(force=True)

    def _update_manifest(self) -> None:
        self.manifest.update(
            updated=_now(),
            scanned=self.totals.scanned,
            skipped=self.totals.skipped_list(self.images),
        )
        store.write_json(self.folder / store.MANIFEST, self.manifest)


def _only_a_started_scan(folder: Path) -> bool:
    """A scan stopped while it was first written (before its manifest): only our own files, which
    the new start overwrites."""
    ours = {store.IMAGES, store.RESULTS}
    return all(path.name in ours or (path.name.startswith(".") and path.name.endswith(".tmp"))
               for path in folder.iterdir())


def new_manifest(settings: ScanSettings, images: list[str], data_dirs: list[str], engine: str) -> dict:
    return {
        "format": store.FORMAT,
        "actviz_version": __version__,
        "created": _now(),
        "updated": _now(),
        "status": "running",
        "engine": engine,
        "settings": settings.as_dict(),
        "data_dirs": list(data_dirs),
        "cwd": os.getcwd(),  # where relative image paths start from
        "images": {"count": len(images), "sha256": store.list_sha256(images), "file": store.IMAGES},
        "scanned": 0,
        "skipped": [],
    }


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
