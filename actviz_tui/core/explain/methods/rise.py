"""RISE (Petsiuk, Das, Saenko, BMVC 2018): the class score of the image seen through
``masks`` random masks, each pixel weighted by how much of it each mask let through.

saliency(pixel) = sum_i score(x * M_i) M_i(pixel) / (N p), the paper's Monte Carlo
estimate of E[score(x * M) M(pixel)] / p. ``score`` is the class's probability, as
the paper and eclique/RISE take it (softmax or sigmoid; a one-unit sigmoid's class 0
is 1 - p; a linear head: its raw score). The map is shifted to its minimum (0) before
the engine scales it by its maximum: a min-max scaling, as the authors' figures show it
(imshow), which also keeps a raw score's negative maps; the order of the pixels, which
deletion and insertion read, is the formula's.

A mask is made as the authors' code makes it (eclique/RISE ``generate_masks``): a
``cell`` x ``cell`` grid of cells kept with probability ``p``, upsampled bilinearly
(half-pixel centres, mirrored at the border) to (cell + 1) x the cell's size in pixels
(ceil(H / cell), ceil(W / cell)), then cropped to H x W at a random shift of less than
one cell. Masked pixels go to 0 in the model's input space (x * M), as there.

Mask i is drawn from its own generator, seeded by (``seed``, i): the same whatever
the batch size or the number of masks, and built on demand per batch (2000 masks of
224 x 224 would be 400 MB at once).

Defaults: ``cell`` 7 and ``p`` 0.5 are the paper's (and Xplique's ``grid_size`` and
``preservation_probability``). ``masks`` 2000: the paper uses 4000 (ResNet-50) to
8000 (VGG16) masks and Xplique 4000; the estimate's noise falls as 1 / sqrt(N). On
the bundled chest X-ray model, a 2000-mask map ranks the pixels as an independent
4000-mask one does with Spearman 0.86 (1000: 0.73, 500: 0.65) in half the time:
2000 model calls an image, 85 s for that small model on a 2-core CPU.
"""

from __future__ import annotations

import math

import numpy as np

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.explain.registry import Method, register

MASK_CHUNK = 64  # masks built at once when weighting them by their scores


def upsampling(cells: int, size: int) -> np.ndarray:
    """(size, cells): bilinear weights from ``cells`` values to ``size`` pixels, half-pixel
    centres, mirrored past the border (skimage's ``resize(order=1, mode="reflect")``)."""
    weights = np.zeros((size, cells))
    source = (np.arange(size) + 0.5) * cells / size - 0.5
    low = np.floor(source).astype(int)
    fraction = source - low
    for index, weight in ((low, 1.0 - fraction), (low + 1, fraction)):
        np.add.at(weights, (np.arange(size), mirrored(index, cells)), weight)
    return weights


def mirrored(index: np.ndarray, cells: int) -> np.ndarray:
    """Indices past either end reflected about the end cell (-1 -> 1, cells -> cells - 2)."""
    if cells == 1:
        return np.zeros_like(index)
    period = 2 * (cells - 1)
    index = np.abs(index) % period
    return np.where(index > cells - 1, period - index, index)


class RiseMasks:
    """The masks of one RISE run: ``masks(indices) -> (k, height, width)`` float32 in [0, 1]."""

    def __init__(self, count: int, height: int, width: int, cells: int = 7, p: float = 0.5, seed: int = 0):
        self.count, self.height, self.width = count, height, width
        cell_size = (math.ceil(height / cells), math.ceil(width / cells))
        self.rows = upsampling(cells, (cells + 1) * cell_size[0]).astype(np.float32)
        self.columns = upsampling(cells, (cells + 1) * cell_size[1]).astype(np.float32)
        grids, shifts = [], []
        for index in range(count):
            generator = np.random.default_rng((seed, index))
            grids.append(generator.random((cells, cells)) < p)
            shifts.append((generator.integers(0, cell_size[0]), generator.integers(0, cell_size[1])))
        self.grids = np.asarray(grids, dtype=np.float32).reshape(count, cells, cells)
        self.shifts = np.asarray(shifts, dtype=int).reshape(count, 2)

    def masks(self, indices) -> np.ndarray:
        indices = np.asarray(indices, dtype=int)
        rows = self.rows[self.shifts[indices, :1] + np.arange(self.height)]  # (k, H, cells)
        columns = self.columns[self.shifts[indices, 1:] + np.arange(self.width)]  # (k, W, cells)
        return rows @ self.grids[indices] @ columns.transpose(0, 2, 1)


def is_count(value, least: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, np.integer)) and bool(value >= least)


def checked(masks, cell, p, seed, height: int, width: int) -> tuple[int, int, float, int]:
    if not is_count(masks, 1):
        raise ActvizError(f"RISE's masks is a count of random masks (1 or more): not {masks!r}")
    if not is_count(cell, 1) or cell > min(height, width):
        raise ActvizError(f"RISE's cell is the grid's cells per side, 1 to {min(height, width)}: not {cell!r}")
    if isinstance(p, bool) or not isinstance(p, (int, float, np.integer, np.floating)) or not 0 < p <= 1:
        raise ActvizError(f"RISE's p is the probability of keeping a cell, in (0, 1]: not {p!r}")
    if not is_count(seed, 0):
        raise ActvizError(f"RISE's seed is a whole number, 0 or more: not {seed!r}")
    return int(masks), int(cell), float(p), int(seed)


def rise(data, masks=2000, cell=7, p=0.5, seed=0) -> np.ndarray:
    pictures = data.pictures
    count, height, width = pictures.shape[:3]
    masks, cell, p, seed = checked(masks, cell, p, seed, height, width)
    mask_set = RiseMasks(masks, height, width, cell, p, seed)
    owners = np.repeat(np.arange(count), masks)
    mask_of = np.tile(np.arange(masks), count)

    def masked(indices):
        return pictures[owners[indices]] * mask_set.masks(mask_of[indices])[..., None]

    scores = data.runs.scores(owners, masked, probabilities=True).reshape(count, masks)
    saliency = np.zeros((count, height * width))
    for start in range(0, masks, MASK_CHUNK):
        chunk = np.arange(start, min(start + MASK_CHUNK, masks))
        saliency += scores[:, chunk] @ mask_set.masks(chunk).reshape(len(chunk), -1).astype(np.float64)
    saliency = saliency.reshape(count, height, width) / (masks * p)
    return saliency - saliency.min(axis=(1, 2), keepdims=True)


METHOD = register(Method("rise", "RISE", rise, target="input",
                         options={"masks": 2000, "cell": 7, "p": 0.5, "seed": 0}, expensive=True,
                         detail=lambda settings, data: f"{settings['masks']} masks",
                         check=lambda settings: checked(settings["masks"], settings["cell"], settings["p"],
                                                        settings["seed"], 2**31, 2**31)))  # the size: checked later
