"""The scan's inputs: the file list of the data folders, and batches of files read for the model."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from actviz_tui.core.errors import ActvizError, one_line
from actviz_tui.core.model.runners import ChannelReductions
from actviz_tui.core.inputs.image_files import folder_inputs
from actviz_tui.core.inputs.layout import is_array_file
from actviz_tui.core.scan.settings import ScanError


def dataset_images(data_dirs: Sequence[str | Path]) -> list[str]:
    """Image and ``.npy`` files under the folders, recursive; paths as found (the folder as given,
    joined with the path under it), sorted by path, part by part, so that a tie between two images
    goes to the first path whatever the order the folders were given in."""
    images: list[str] = []
    for folder in data_dirs:
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise ScanError(f"data folder not found: {folder}" if not folder.exists()
                            else f"{folder} is a file; scan takes folders of images")
        images.extend(str(path) for path in folder_inputs(folder))
    images.sort(key=lambda image: Path(image).parts)
    if not images:
        raise ScanError(f"no image or .npy file under {', '.join(map(str, data_dirs))}")
    return images


def layer_shapes(model, rows: Sequence[int]) -> list[tuple[str, int, bool]]:
    """(name, channels, has_maps) of each scanned row, as ScanTotals.empty takes them."""
    return [(model.layers[row].name, int(model.layers[row].channels), bool(model.layers[row].has_maps))
            for row in rows]


def batch_reductions(model, x: np.ndarray, rows: Sequence[int] | Sequence[str]) -> dict:
    """``model.reductions`` through the compiled step whatever the batch's size: a batch of one
    (a short last batch, a resume's remainder) would run eagerly, and XLA (a GPU, JAX) can round
    differently, so an image's score would depend on where the batches fall."""
    if len(x) != 1:
        return model.reductions(x, rows)
    reduced = model.reductions(np.concatenate([x, x]), rows)
    return {name: ChannelReductions(values.maximum[:1], values.position[:1], values.mean[:1], values.positive[:1])
            for name, values in reduced.items()}


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
    free_arrays = any(dim is None for dim in model.inputs[model.array_input_index].shape)
    for index, path in zip(indices, paths):
        if free_arrays and is_array_file(path):  # never resized: its size would depend on the file
            skipped[int(index)] = f"{path}: arrays are not resized, and this model's input size is free"
            continue
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
