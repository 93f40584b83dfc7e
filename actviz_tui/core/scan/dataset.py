"""The scan's inputs: the file list of the data folders, and batches of files read for the model."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from actviz_tui.core.errors import ActvizError, one_line
from actviz_tui.core.inputs.image_files import folder_inputs
from actviz_tui.core.scan.settings import ScanError


def dataset_images(data_dirs: Sequence[str | Path]) -> list[str]:
    """Image and ``.npy`` files under each folder, recursive, sorted per folder (folders in the
    order given); paths as found (the folder as given, joined with the path under it)."""
    images: list[str] = []
    for folder in data_dirs:
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise ScanError(f"data folder not found: {folder}" if not folder.exists()
                            else f"{folder} is a file; scan takes folders of images")
        images.extend(str(path) for path in folder_inputs(folder))
    if not images:
        raise ScanError(f"no image or .npy file under {', '.join(map(str, data_dirs))}")
    return images


def layer_shapes(model, rows: Sequence[int]) -> list[tuple[str, int, bool]]:
    """(name, channels, has_maps) of each scanned row, as ScanTotals.empty takes them."""
    return [(model.layers[row].name, int(model.layers[row].channels), bool(model.layers[row].has_maps))
            for row in rows]


class ReadBatch:
    """Files of one batch read for the model: the batch, the indices that made it, the ones skipped."""

    def __init__(self, indices: np.ndarray, x: np.ndarray | None, skipped: dict[int, str]):
        self.indices = indices  # image indices of the rows of x, in order
        self.x = x  # (B, ...) float32, None when every file was skipped
        self.skipped = skipped  # image index -> why it was not read


def read_batch(model, indices: Sequence[int], paths: Sequence[str]) -> ReadBatch:
    """Read and preprocess ``paths`` (image ``indices[i]`` each); unreadable files are skipped, never fatal."""
    kept: list[int] = []
    arrays: list[np.ndarray] = []
    skipped: dict[int, str] = {}
    expected = None
    for index, path in zip(indices, paths):
        try:
            batch = model.prepare_input(path).batch
        except ActvizError as error:
            skipped[int(index)] = one_line(error)
            continue
        except Exception as error:  # a decoder's own failure on a hostile file: skip it, say why
            skipped[int(index)] = f"cannot read {path}: {one_line(error)}"
            continue
        if expected is not None and batch.shape != expected:
            skipped[int(index)] = f"comes out as {batch.shape[1:]}, not {expected[1:]} like the others"
            continue
        expected = batch.shape
        kept.append(int(index))
        arrays.append(batch)
    x = np.concatenate(arrays).astype(np.float32, copy=False) if arrays else None
    return ReadBatch(np.asarray(kept, np.int64), x, skipped)
