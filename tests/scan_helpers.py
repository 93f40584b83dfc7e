"""Scans for tests, made straight with the core (no CLI): pictures in a folder, a ScanJob fed batch by batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from actviz_tui.core.export.files import file_sha256
from actviz_tui.core.scan.dataset import dataset_images, layer_shapes, read_batch
from actviz_tui.core.scan.job import ScanJob
from actviz_tui.core.scan.report import ScanResult
from actviz_tui.core.scan.settings import ScanSettings


def write_pictures(folder: Path, count: int = 6, side: int = 32, seed: int = 3) -> list[Path]:
    """``count`` distinct RGB PNGs (stripes, rings and noise) named pic_00.png, pic_01.png, ..."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:side, 0:side]
    paths = []
    for number in range(count):
        rings = (np.sin(np.hypot(y - side * rng.random(), x - side * rng.random()) / (1.5 + number)) + 1) * 127.5
        stripes = ((x + number * y) % (4 + number) < 2) * 255.0
        noise = rng.integers(0, 256, (side, side))
        rgb = np.stack([rings, stripes, noise], axis=2).astype(np.uint8)
        path = folder / f"pic_{number:02d}.png"
        Image.fromarray(rgb).save(path)
        paths.append(path)
    return paths


def make_scan(model_path: Path, data_dir: Path, out: Path, layers: tuple[str, ...], top_k: int = 4,
              batch: int = 4, model=None) -> ScanResult:
    """Scan every picture under ``data_dir`` for ``layers`` of the model at ``model_path`` into ``out``."""
    from actviz_tui.core.model.engine import Model

    model = model or Model.open(model_path)
    images = dataset_images([data_dir])
    rows = [model.find_layer(name) for name in layers]
    names = tuple(model.layers[row].name for row in rows)
    settings = ScanSettings(str(model_path), file_sha256(model_path), names, top_k=top_k,
                            preprocessing=model.options.preprocessing)
    job = ScanJob.start(out, settings, images, layer_shapes(model, rows), [str(data_dir)])
    for start in range(0, len(images), batch):
        indices = list(range(start, min(start + batch, len(images))))
        read = read_batch(model, indices, [images[i] for i in indices])
        for index, reason in read.skipped.items():
            job.add_skipped(index, reason)
        if read.x is not None:
            reductions = model.reductions(read.x, list(names))
            job.add_batch(read.indices, [reductions[name] for name in names])
    job.finish()
    return ScanResult.open(out)
