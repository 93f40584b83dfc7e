"""``actviz scan`` as a whole process against a bare Keras loop over the same files (scan_baseline.py).

- throughput, images/s: a 64x64 CNN and ResNet50 at 224x224 (random weights), JPEG
  files, the same layers; each command run alternately REPEATS times, best of each
  (goal: >= 0.9x the bare loop);
- memory: peak RSS of a scan over 8x the images vs the same scan over 1x (goal <= 1.15x).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from result_row import result_row  # noqa: E402

REPEATS = 3


def _small_model(folder: Path) -> tuple[Path, list[str]]:
    import keras

    layers = keras.layers
    model = keras.Sequential([
        keras.Input((64, 64, 3)),
        layers.Conv2D(32, 3, activation="relu", name="c1"), layers.MaxPooling2D(),
        layers.Conv2D(64, 3, activation="relu", name="c2"), layers.MaxPooling2D(),
        layers.Conv2D(128, 3, activation="relu", name="c3"),
        layers.GlobalAveragePooling2D(), layers.Dense(10, activation="softmax", name="out"),
    ])
    path = folder / "small64.keras"
    model.save(path)
    return path, ["c1", "c2", "c3"]


def _resnet(folder: Path) -> tuple[Path, list[str]]:
    import keras

    model = keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3))
    path = folder / "resnet50.keras"
    model.save(path)
    return path, ["conv2_block3_out", "conv4_block6_out", "conv5_block3_out"]


def _images(folder: Path, count: int, side: int, seed: int = 0) -> Path:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (side, side, 3), dtype=np.uint8)
    for index in range(count):
        sub = folder / f"class_{index % 4}"
        sub.mkdir(parents=True, exist_ok=True)
        shifted = np.roll(base, (index * 7) % side, axis=index % 2)
        Image.fromarray(shifted).save(sub / f"{index:05d}.jpg", quality=90)
    return folder


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"{command[:4]} failed: {process.stderr.read().decode()[-400:]}")
    return wall, usage.ru_maxrss / 1024


def _scan_command(model: Path, data: Path, layers: list[str], out: Path) -> list[str]:
    shutil.rmtree(out, ignore_errors=True)
    return [sys.executable, "-m", "actviz_tui", "scan", str(model), str(data), "--layers", *layers,
            "--out", str(out), "--batch-size", "32"]


def _throughput(name: str, model: Path, layers: list[str], data: Path, count: int, work: Path) -> list[dict]:
    baseline = [sys.executable, str(HERE / "scan_baseline.py"), str(model), str(data), *layers]
    ours_s, bare_s = [], []
    for _ in range(REPEATS):
        ours_s.append(_timed(_scan_command(model, data, layers, work / "scan"))[0])
        bare_s.append(_timed(baseline)[0])
    ours, bare = count / min(ours_s), count / min(bare_s)
    return [result_row(f"scan: {name}, {count} JPEGs, whole process, images/s (baseline bare Keras loop)",
                       ours, bare, ">= 0.9x", ours >= 0.9 * bare)]


def _memory(model: Path, layers: list[str], work: Path, count: int) -> list[dict]:
    small = _images(work / "mem_1x", count, 80)
    large = _images(work / "mem_8x", 8 * count, 80)
    peak_1x = _timed(_scan_command(model, small, layers, work / "scan_mem"))[1]
    peak_8x = _timed(_scan_command(model, large, layers, work / "scan_mem"))[1]
    return [result_row(f"scan: peak RSS MB, {8 * count} images vs {count} (64x64 model)",
                       peak_8x, peak_1x, "<= 1.15x", peak_8x <= 1.15 * peak_1x)]


def run() -> list[dict]:
    work = Path(tempfile.mkdtemp(prefix="actviz_bench_scan_"))
    try:
        small, small_layers = _small_model(work)
        resnet, resnet_layers = _resnet(work)
        rows = _throughput("64x64 CNN", small, small_layers, _images(work / "small", 2048, 80), 2048, work)
        rows += _throughput("ResNet50 224x224", resnet, resnet_layers, _images(work / "big", 192, 256), 192, work)
        rows += _memory(small, small_layers, work, 500)
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    for row in run():
        print(f"{row['metric']}: {row['value']:.1f} vs {row['baseline']:.1f} ({row['ratio']:.2f}x, goal {row['goal']})")
