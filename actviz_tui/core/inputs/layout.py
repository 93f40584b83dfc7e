"""What a model input takes -- an image, an image laid out flat, or an array from
a ``.npy`` file -- and how a file becomes the model's batch and a picture of it.

Images are read and preprocessed as (H, W, C) (``image_input``), then laid out
as the input wants them: (C, H, W) for a channels_first model, flattened for a
Dense input of N*N or 3*N*N values, (N, N) for a square 2-D input. ``.npy``
arrays go in as they are (no preprocessing), with or without a batch axis of 1.
The picture is what the explorer and the input figure show, channels last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actviz_tui.core.pictures.colormap import vector_block
from actviz_tui.core.errors import ImageLoadError
from actviz_tui.core.inputs.images import load_model_input

ARRAY_SUFFIX = ".npy"
MIN_FLAT_SIDE = 8  # a flat input of 64 values or more may be a square image; fewer are features


@dataclass(frozen=True)
class PreparedInput:
    batch: np.ndarray  # (1, *input shape): what the model gets
    picture: np.ndarray  # the input as a picture, channels last: (H, W, C), or (H, W) for sequences/vectors


def is_array_file(path: str | Path) -> bool:
    return Path(path).suffix.lower() == ARRAY_SUFFIX


def image_layout(shape: tuple, channels_first: bool = False) -> tuple | None:
    """(H, W, C) of the image an input of ``shape`` (no batch axis) takes; None: arrays only."""
    if len(shape) == 3:
        return (shape[1], shape[2], shape[0]) if channels_first else tuple(shape)
    if len(shape) == 2 and shape[0] is not None and shape[0] == shape[1] and shape[0] >= MIN_FLAT_SIDE:
        return (shape[0], shape[1], 1)
    if len(shape) == 1 and shape[0]:
        return _square_layout(int(shape[0]))
    return None


def _square_layout(size: int) -> tuple[int, int, int] | None:
    for channels in (1, 3):
        side = math.isqrt(size // channels)
        if side >= MIN_FLAT_SIDE and side * side * channels == size:
            return side, side, channels
    return None


def prepare_image(path: str | Path, info, mode: str, size: tuple[int, int] | None) -> PreparedInput:
    """An image file for an input that takes images (``image_layout`` is not None)."""
    layout = image_layout(info.shape, info.channels_first)
    assert layout is not None  # the caller checked that this input takes images
    hwc = load_model_input(path, layout, mode, size)
    return PreparedInput(_model_layout(hwc, info), hwc[0])


def _model_layout(hwc: np.ndarray, info) -> np.ndarray:
    rank = len(info.shape)
    if rank == 3 and info.channels_first:
        return np.ascontiguousarray(hwc.transpose(0, 3, 1, 2))
    if rank == 2:
        return hwc[..., 0]
    if rank == 1:
        return hwc.reshape(1, -1)
    return hwc


def prepare_array(path: str | Path, info) -> PreparedInput:
    """A ``.npy`` file for any input: shape checked, values as they are."""
    path = Path(path).expanduser()
    batch = _fit_shape(read_array(path), info, path)
    return PreparedInput(batch, array_picture(batch[0], info))


def read_array(path: Path) -> np.ndarray:
    if not path.exists():
        raise ImageLoadError(f"input array not found: {path}")
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:
        raise ImageLoadError(f"cannot read array {path}: {error}") from error
    if not isinstance(array, np.ndarray) or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        raise ImageLoadError(f"{path} does not hold a numeric array")
    return array.astype(np.float32)


def _fit_shape(array: np.ndarray, info, path: Path) -> np.ndarray:
    """(1, *shape) from an array with or without its batch axis; a free (None) size matches any."""
    if _matches(array.shape, info.shape):
        return array[None]
    if array.ndim == len(info.shape) + 1 and array.shape[0] == 1 and _matches(array.shape[1:], info.shape):
        return array
    dims = ", ".join("any" if d is None else str(d) for d in info.shape)
    wanted = "(" + dims + ("," if len(info.shape) == 1 else "") + ")"
    raise ImageLoadError(
        f"array {path.name} has shape {array.shape}, but input {info.name} takes {wanted} "
        "(optionally with a batch axis of 1 in front)"
    )


def _matches(shape: tuple, wanted: tuple) -> bool:
    return len(shape) == len(wanted) and all(w is None or s == w for s, w in zip(shape, wanted))


def array_picture(sample: np.ndarray, info) -> np.ndarray:
    """One sample as a picture: an image channels last, a sequence channels x time, a vector a block."""
    layout = image_layout(info.shape, info.channels_first)
    if sample.ndim == 3:
        return np.moveaxis(sample, 0, -1) if info.channels_first else sample
    if layout is not None and None not in layout:
        return sample.reshape(layout)
    if sample.ndim == 2:  # (T, C), or (C, T) channels_first: shown as channels x time
        return sample if info.channels_first else sample.T
    if sample.ndim == 1:
        return vector_block(sample)
    return sample.reshape(-1, sample.shape[-1])
