"""Shards of one scan combined into one scan folder: checked alike (model, settings, image list), then merged.

The parts must share the model file's SHA-256, every setting but the shard, and the
image list; they must not overlap (a shard given twice, or shards of different N
that share images). Any order gives the same folder as the single run: the totals'
merge is exact and associative (mean sums to float64 rounding). The merged folder
is an ordinary scan (no shard): its manifest lists the parts, and when some images
are still missing, running ``actviz scan`` with the same settings into it finishes it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from actviz_tui.core.scan import store
from actviz_tui.core.scan.job import ScanJob, new_manifest
from actviz_tui.core.scan.settings import ScanError, ScanSettings
from actviz_tui.core.scan.totals import ScanTotals


@dataclass
class ScanPart:
    folder: Path
    manifest: dict
    settings: ScanSettings
    images: list[str]

    @classmethod
    def open(cls, folder: str | Path) -> "ScanPart":
        folder = Path(folder).expanduser()
        manifest = store.read_manifest(folder)
        return cls(folder, manifest, ScanSettings.from_dict(manifest["settings"]), store.read_images(folder))

    @property
    def shard_text(self) -> str:
        shard = self.settings.shard
        return f"{shard[0]}/{shard[1]}" if shard else "all"


def merge_scans(folders: Sequence[str | Path], out: str | Path) -> ScanJob:
    """Merge the scans in ``folders`` into the new folder ``out``; the merged job, written."""
    out = Path(out).expanduser()
    parts = [ScanPart.open(folder) for folder in folders]
    if not parts:
        raise ScanError("scan merge takes at least one scan folder")
    _check_alike(parts)
    _check_out(out, parts)
    first = parts[0]
    settings = replace(first.settings, shard=None)
    totals = ScanTotals.empty([], settings.top_k, len(first.images))
    for part in parts:
        theirs = store.read_results(part.folder)
        if not totals.layers:
            totals = ScanTotals.empty([(layer.name, layer.channels, layer.has_maps) for layer in theirs.layers],
                                      settings.top_k, len(first.images))
        try:
            totals.merge(theirs)
        except ValueError as error:
            raise ScanError(f"cannot merge {part.folder}: {error}") from None
    return _write(out, settings, first, parts, totals)


def _check_alike(parts: list[ScanPart]) -> None:
    first = parts[0]
    seen: dict[str, Path] = {}
    for part in parts:
        if part.settings.model_sha256 != first.settings.model_sha256:
            raise ScanError(f"{part.folder} is a scan of another model file than {first.folder} "
                            f"(SHA-256 {part.settings.model_sha256[:12]}... vs {first.settings.model_sha256[:12]}...)")
        difference = first.settings.difference(part.settings, ignore=("model_path", "shard"))
        if difference:
            raise ScanError(f"{part.folder} was scanned with other settings than {first.folder}: {difference}")
        if part.manifest["images"]["sha256"] != first.manifest["images"]["sha256"]:
            raise ScanError(f"{part.folder} scanned another image list than {first.folder} "
                            f"({part.manifest['images']['count']} vs {first.manifest['images']['count']} images)")
        if part.shard_text in seen:
            raise ScanError(f"shard {part.shard_text} is given twice: {seen[part.shard_text]} and {part.folder}")
        seen[part.shard_text] = part.folder


def _check_out(out: Path, parts: list[ScanPart]) -> None:
    if any(out.resolve() == part.folder.resolve() for part in parts):
        raise ScanError(f"--out {out} is one of the scans being merged; give a new folder")
    if store.is_scan_dir(out):
        raise ScanError(f"--out {out} already holds a scan; give a new folder")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ScanError(f"--out {out} is not an empty folder; give a new one")


def _write(out: Path, settings: ScanSettings, first: ScanPart, parts: list[ScanPart],
           totals: ScanTotals) -> ScanJob:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ScanError(f"cannot create {out}: {error.strerror or error}") from None
    manifest = new_manifest(settings, first.images, first.manifest.get("data_dirs", []), "merge")
    manifest["parts"] = [{"folder": str(part.folder), "shard": part.shard_text,
                          "engine": part.manifest.get("engine")} for part in parts]
    job = ScanJob(out, settings, first.images, totals, manifest)
    store.write_images(out, first.images)
    job.finish()
    return job
