"""A scan folder on disk: ``manifest.json``, ``images.json`` and ``results.h5``, each replaced atomically.

- ``manifest.json``: what was scanned and how (settings, model SHA-256, actviz version,
  image count and the SHA-256 of the list, status, skipped files); read by people.
- ``images.json``: the whole sorted image list (every shard's), paths as found; result
  rows name images by their index in it.
- ``results.h5`` (HDF5, h5py): ``done`` (images,) bool, ``skipped_index``/``skipped_reason``,
  and one group per layer ``layers/NNN`` (attrs ``name``, ``has_maps``) with
  ``top_score``, ``top_image``, ``top_y``, ``top_x`` (channels, k), best first (image -1:
  empty slot), and ``mean_sum``, ``maximum``, ``active`` (channels,).

HDF5 because h5py is already a dependency, every numerical tool reads it, and arrays keep
their dtypes and shapes; each checkpoint writes a new file and renames it over the old,
so a kill at any moment leaves the previous checkpoint whole.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from actviz_tui.core.scan.settings import ScanError
from actviz_tui.core.scan.totals import LayerTotals, ScanTotals

MANIFEST = "manifest.json"
IMAGES = "images.json"
RESULTS = "results.h5"
FORMAT = "actviz-scan/1"
_ARRAYS = ("top_score", "top_image", "top_y", "top_x", "mean_sum", "maximum", "active")


def is_scan_dir(folder: Path) -> bool:
    return (Path(folder) / MANIFEST).is_file()


def list_sha256(images: list[str]) -> str:
    return hashlib.sha256("\n".join(images).encode("utf-8", "surrogateescape")).hexdigest()


def write_json(path: Path, value) -> None:
    _replace(path, lambda temporary: temporary.write_text(json.dumps(value, indent=1) + "\n", encoding="utf-8"))


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScanError(f"{folder} is not a scan folder (no {MANIFEST})") from None
    except (OSError, ValueError) as error:
        raise ScanError(f"cannot read {path}: {error}") from None
    if manifest.get("format") != FORMAT:
        raise ScanError(f"{path} is not an actviz scan manifest ({FORMAT})")
    return manifest


def write_images(folder: Path, images: list[str]) -> None:
    write_json(Path(folder) / IMAGES, images)


def read_images(folder: Path) -> list[str]:
    try:
        return json.loads((Path(folder) / IMAGES).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ScanError(f"cannot read the image list of scan {folder}: {error}") from None


def write_results(folder: Path, totals: ScanTotals) -> None:
    def write(temporary: Path) -> None:
        import h5py

        with h5py.File(temporary, "w") as file:
            file.create_dataset("done", data=totals.done, compression="gzip")
            indices = sorted(totals.skipped)
            file.create_dataset("skipped_index", data=np.asarray(indices, np.int64))
            file.create_dataset("skipped_reason", data=[totals.skipped[i] for i in indices],
                                dtype=h5py.string_dtype())
            for number, layer in enumerate(totals.layers):
                group = file.create_group(f"layers/{number:03d}")
                group.attrs["name"] = layer.name
                group.attrs["has_maps"] = layer.has_maps
                for key in _ARRAYS:
                    group.create_dataset(key, data=getattr(layer, key))

    _replace(Path(folder) / RESULTS, write)


def read_results(folder: Path) -> ScanTotals:
    import h5py

    path = Path(folder) / RESULTS
    try:
        with h5py.File(path, "r") as file:
            layers = [
                LayerTotals(str(group.attrs["name"]), bool(group.attrs["has_maps"]),
                            *(group[key][()] for key in _ARRAYS))
                for _, group in sorted(file["layers"].items(), key=lambda item: int(item[0]))
            ] if "layers" in file else []
            reasons = [_text(reason) for reason in file["skipped_reason"][()]]
            skipped = dict(zip(file["skipped_index"][()].tolist(), reasons))
            return ScanTotals(layers, file["done"][()].astype(bool), skipped)
    except FileNotFoundError:
        raise ScanError(f"scan {folder} has no results yet ({RESULTS})") from None
    except (OSError, KeyError) as error:
        raise ScanError(f"cannot read {path}: {error}") from None


def remove_stale_temporaries(folder: Path) -> None:
    """Temporary files left by a writer killed mid-write (kill -9); a live writer's are kept."""
    for path in Path(folder).glob(".*.tmp"):
        pid = path.suffixes[-2].lstrip(".") if len(path.suffixes) >= 2 else ""
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _replace(path: Path, write) -> None:
    """Write through a temporary file beside ``path``, flushed to disk, then rename it over."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ScanError(f"cannot write {path}: {error.strerror or error}") from None
