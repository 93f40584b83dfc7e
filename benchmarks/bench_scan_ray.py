"""``scan --engine ray`` on one machine: images/s with 1 and 2 local Ray workers, and what bounds it.

A 64x64 CNN (three convolutions, random weights) over IMAGES generated 96x96 JPEGs
(resized to 64x64 on reading), three layers scanned, batches of 32. Measured in
this process, same run:

- the baseline: the core's own loop in this process (read_batch, model.reductions,
  ScanTotals.add_batch, batch after batch: what the local engine does without its
  decoding pool), images/s;
- Ray with 1 and 2 workers on a local cluster of this machine's cores: images/s from
  the first batch back to the last, and the seconds before that first batch (actors
  start, import Keras, load the model; the cluster is already up);
each figure the best of ROUNDS rounds, the three measured in turn within each round.
- what bounds it: decoding alone (read_batch) and the model alone (reductions of
  batches already read), images/s each, one process.

    python benchmarks/bench_scan_ray.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from result_row import result_row  # noqa: E402

IMAGES = 640
BATCH = 32
SIDE = 64
LAYERS = ("conv1", "conv2", "conv3")
ROUNDS = 2  # each figure is the best of these


def _model(path: Path) -> None:
    from actviz_tui.core.model.backend_env import import_backend

    keras = import_backend()
    keras.utils.set_random_seed(0)
    inputs = keras.Input((SIDE, SIDE, 3), name="image")
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1")(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2")(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(64, 3, padding="same", activation="relu", name="conv3")(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    keras.Model(inputs, keras.layers.Dense(10, name="head")(x), name="cnn64").save(path)


def _pictures(folder: Path) -> None:
    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(0)
    folder.mkdir()
    for index in range(IMAGES):
        noise = Image.fromarray(rng.integers(0, 256, (96, 96, 3), dtype=np.uint8))
        noise.filter(ImageFilter.GaussianBlur(2)).save(folder / f"{index:04d}.jpg", quality=90)


def _job(root: Path, model_path: Path, data: Path, name: str):
    from actviz_tui.core.export.files import file_sha256
    from actviz_tui.core.model.engine import Model
    from actviz_tui.core.scan.dataset import dataset_images, layer_shapes
    from actviz_tui.core.scan.job import ScanJob
    from actviz_tui.core.scan.settings import ScanSettings

    model = Model.open(model_path)
    settings = ScanSettings(str(model_path), file_sha256(model_path), LAYERS)
    shapes = layer_shapes(model, [model.find_layer(layer) for layer in LAYERS])
    return ScanJob.start(root / name, settings, dataset_images([data]), shapes, [str(data)], "ray")


def _in_process(model_path: Path, images: list[str]) -> tuple[float, float, float]:
    """images/s of the core loop, of decoding alone and of the model alone."""
    import numpy as np

    from actviz_tui.core.model.engine import Model
    from actviz_tui.core.scan.dataset import layer_shapes, read_batch
    from actviz_tui.core.scan.totals import ScanTotals

    model = Model.open(model_path)
    batches = [np.arange(start, min(start + BATCH, len(images))) for start in range(0, len(images), BATCH)]
    model.reductions(read_batch(model, batches[0], [images[i] for i in batches[0]]).x, list(LAYERS))  # warm-up
    totals = ScanTotals.empty(layer_shapes(model, [model.find_layer(n) for n in LAYERS]), 9, len(images))
    start = time.perf_counter()
    for indices in batches:
        read = read_batch(model, indices, [images[i] for i in indices])
        reduced = model.reductions(read.x, list(LAYERS))
        totals.add_batch(read.indices, [reduced[name] for name in LAYERS], "max")
    loop = time.perf_counter() - start
    start = time.perf_counter()
    read_all = [read_batch(model, indices, [images[i] for i in indices]).x for indices in batches]
    decode = time.perf_counter() - start
    start = time.perf_counter()
    for x in read_all:
        model.reductions(x, list(LAYERS))
    compute = time.perf_counter() - start
    return len(images) / loop, len(images) / decode, len(images) / compute


def _ray_rate(root: Path, model_path: Path, data: Path, workers: int, turn: int) -> tuple[float, float]:
    """(seconds to the first batch back: actors start, import Keras, load the model;
    images/s from the first batch back to the last)."""
    from actviz_tui.core.model.options import ModelOptions
    from actviz_tui.core.scan.ray_run import run_ray

    job = _job(root, model_path, data, f"ray{workers}-{turn}")
    arrivals: list[tuple[float, int]] = []
    start = time.perf_counter()
    run_ray(job, ModelOptions(), BATCH, workers, lambda done, total: arrivals.append((time.perf_counter(), done)))
    first_time, first_done = arrivals[1]  # arrivals[0] is the 0/N call before any batch
    steady = (arrivals[-1][1] - first_done) / max(arrivals[-1][0] - first_time, 1e-9)
    return first_time - start, steady


def run() -> list[dict]:
    import ray

    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        model_path, data = root / "cnn64.keras", root / "data"
        _model(model_path)
        _pictures(data)
        images = _job(root, model_path, data, "probe").images
        cores = os.cpu_count() or 1
        ray.init(address="local", num_cpus=cores, include_dashboard=False, log_to_driver=False, logging_level="ERROR",
                 _node_ip_address="127.0.0.1")
        try:  # rounds alternate the three, so that other load on the machine hits each alike
            rounds = [(_in_process(model_path, images),
                       {workers: _ray_rate(root, model_path, data, workers, turn) for workers in (1, 2)})
                      for turn in range(ROUNDS)]
        finally:
            ray.shutdown()
    loop, decode, compute = (max(values) for values in zip(*(measured for measured, _ in rounds)))
    rates = {workers: (min(ray_rates[workers][0] for _, ray_rates in rounds),
                       max(ray_rates[workers][1] for _, ray_rates in rounds)) for workers in (1, 2)}
    what = f"{IMAGES} JPEGs 96x96 -> 64x64 CNN, 3 layers, batches of {BATCH}, {cores} cores"
    rows = []
    for workers, (first, steady) in rates.items():
        rows.append(result_row(f"Ray, {workers} local worker(s), images/s from the first batch back to the last "
                               f"({what}; baseline: the core loop in one process)", steady, loop, "recorded", None))
        rows.append(result_row(f"Ray, {workers} local worker(s), s to the first batch back (actors start, "
                               "load Keras and the model; cluster already up)", first, float("nan"), "info", None))
    rows.append(result_row("decoding alone (read_batch), images/s, one process (vs the model alone)",
                           decode, compute, "info", None))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['metric']}: {row['value']:.1f} vs {row['baseline']:.1f} ({row['ratio']:.2f}x, goal {row['goal']})")
