"""``actviz evaluate``: how fast masked inputs are scored, and how long a real run takes.

- throughput: deletion and insertion's scoring path (``causal_curves`` with the scorer of
  ``class_scorer``: building every masked copy AND running it, batches of 64, 20 steps,
  baseline zero) against a bare batched forward of the very same masked inputs, built
  beforehand (``keras_model.predict_on_batch``, same batch size); same process, both warmed
  up, alternated A/B for several rounds, best of each; masked inputs per second and the
  ratio (goal >= 0.8x); on the chest sample (150x150 RGB) and the grayscale sample (64x64);
- minutes: ``python -m actviz_tui evaluate CHEST IMAGES --methods hirescam gradcam gradcam++
  saliency occlusion --json`` (defaults: 20 steps, baseline zero), the whole process, on 40
  X-rays: the two bundled ones (actviz_tui/samples/images) and 38 augmented copies of them
  (flips and crops, resized back to 300x300), written to a temporary folder; then the split
  in one process: explaining (``Model.explain`` per method) vs scoring (``causal_curves`` and
  Average Drop/Increase, the random floor included).

Figures (2026-12-02, this 2-core CPU machine, other helpers' work running beside it: load
average 9-10 through the throughput rows, 10-30 through the minutes):

- throughput, best of 5 / 15 alternated rounds, 168 masked inputs (4 X-rays x 2 x 21):
  chest sample 56.3 masked inputs/s vs 62.2 bare ``predict_on_batch`` (0.91x); grayscale
  sample 2368 vs 2699 (0.88x); a second run, load average 24: 113 vs 125 (0.90x) and 3812
  vs 3944 (0.97x). Goal >= 0.8x: met, after one change in
  core/evaluate/model_scores.py: batches are scored through ``predict_on_batch`` (the compiled
  step) instead of an eager call of the score graph. Before it: 26.0 vs 48.3 (0.54x) and
  1388 vs 3484 (0.40x); cProfile put all of the gap in the eager op-by-op forward (building
  the masked copies took 0.04 of 7.3 s); the scores are the same to the bit (36 masked
  inputs checked, both samples).
- 5 methods x 40 X-rays, chest sample, CPU (2 cores, loaded): 10.9 minutes end to end (the
  CLI, the whole process); split, in one process: explaining 6.7 min (occlusion 6.4 of it:
  40 x 256 patch placements, 10,240 forwards, through its own eager forward; hirescam,
  gradcam, gradcam++, saliency 0.07-0.10 each), scoring 4.0 min (10,080 masked inputs:
  6 maps, the random floor included, x 40 images x 42, about 42 a second).
- GPU: not measured (no device lent).

    python benchmarks/bench_evaluate.py [throughput] [minutes] [--quick]   (default: both)

``--quick``: 2 images, 4 steps, 2 rounds, the grayscale sample only, and the minutes part on
2 images and 2 quick methods: a smoke run (20-40 s here), whose ratio means nothing (one batch
of 20 inputs, 2 rounds).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as actviz runs: off unless a model needs it
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

SAMPLES = REPO / "actviz_tui" / "samples"
XRAYS = (SAMPLES / "images" / "xray_clear.png", SAMPLES / "images" / "xray_opacity.png")
MODELS = {"chest sample": SAMPLES / "chest_xray_cnn.h5", "grayscale sample": SAMPLES / "grayscale_cnn.keras"}
METHODS = ("hirescam", "gradcam", "gradcam++", "saliency", "occlusion")
STEPS, BATCH, GOAL = 20, 64, 0.8
FULL = {"images": 4, "steps": STEPS, "rounds": {"chest sample": 5, "grayscale sample": 15}, "models": tuple(MODELS),
        "count": 40, "methods": METHODS}
QUICK = {"images": 2, "steps": 4, "rounds": {"grayscale sample": 2}, "models": ("grayscale sample",), "count": 2,
         "methods": ("hirescam", "gradcam")}


def device() -> str:
    import tensorflow as tf

    return "GPU" if tf.config.list_physical_devices("GPU") else f"CPU ({os.cpu_count()} cores)"


def augmented_xrays(folder: Path, count: int) -> list[Path]:
    """``count`` X-rays: the bundled two, then flipped and cropped copies of them (300x300 PNGs)."""
    from PIL import Image, ImageOps

    originals = [Image.open(path).convert("RGB") for path in XRAYS]
    files = []
    for index in range(count):
        image = originals[index % len(originals)]
        variant = index // len(originals)
        if variant:
            image = ImageOps.mirror(image) if variant % 2 else image
            margin = 6 * ((variant + 1) // 2)  # crops of 6, 12, ... pixels a side, alternately flipped
            side = image.width
            image = image.crop((margin, margin // 2, side - margin // 2, side - margin)).resize((side, side))
        path = folder / f"xray_{index:02d}.png"
        image.save(path)
        files.append(path)
    return files


def masked_inputs(pictures: np.ndarray, heatmaps: np.ndarray, steps: int) -> np.ndarray:
    """Every masked copy ``causal_curves`` builds, in its order, built independently (baseline zero)."""
    from actviz_tui.core.evaluate.causal import pixel_order, step_counts

    count, height, width, channels = pictures.shape
    order, counts = pixel_order(heatmaps), step_counts(height * width, steps)
    flat = pictures.reshape(count, height * width, channels)
    copies = []
    for mode in ("deletion", "insertion"):
        for image in range(count):
            for point in counts:
                keep = np.zeros(height * width, dtype=bool)
                keep[order[image, :point]] = True
                if mode == "deletion":
                    keep = ~keep
                copies.append(np.where(keep[:, None], flat[image], 0.0).astype(np.float32))
    return np.stack(copies).reshape(-1, height, width, channels)


def scoring_path(model, x, heatmaps, steps: int):
    """() -> seconds for evaluate's scoring path on these maps."""
    from actviz_tui.core.evaluate.causal import causal_curves
    from actviz_tui.core.evaluate.model_scores import class_scorer

    classes = model.explain(x, method="hirescam").classes
    pictures, score = class_scorer(model, x, classes)

    def timed() -> float:
        start = time.perf_counter()
        causal_curves(score, pictures, heatmaps, steps, "zero", BATCH)
        return time.perf_counter() - start

    return pictures, timed


def bare_forward(model, masked: np.ndarray):
    """() -> seconds for ``predict_on_batch`` over the prebuilt masked inputs, same batches."""
    def timed() -> float:
        start = time.perf_counter()
        for first in range(0, len(masked), BATCH):
            np.asarray(model.keras_model.predict_on_batch(masked[first:first + BATCH]))
        return time.perf_counter() - start

    return timed


def throughput_rows(name: str, settings: dict) -> list[dict]:
    from actviz_tui.core.model.engine import Model

    model = Model.open(MODELS[name])
    with tempfile.TemporaryDirectory() as folder:
        x = model.prepare(augmented_xrays(Path(folder), settings["images"]))
    heatmaps = model.explain(x, method="hirescam").heatmaps
    pictures, ours = scoring_path(model, x, heatmaps, settings["steps"])
    masked = masked_inputs(pictures, heatmaps, settings["steps"])
    if model.inputs[model.image_input_index].channels_first or len(model.inputs) != 1:
        raise SystemExit(f"{name}: the bare forward here feeds one channels-last image input")
    bare = bare_forward(model, masked)
    ours(), bare()  # warm-up: every batch shape traced once by each path
    a_times, b_times = [], []
    rounds = settings["rounds"][name]
    for _ in range(rounds):
        a_times.append(ours())
        b_times.append(bare())
    inputs = len(masked)
    a_rate, b_rate = inputs / min(a_times), inputs / min(b_times)
    what = (f"evaluate scoring path, {name} ({settings['images']} images x 2 x {settings['steps'] + 1} = {inputs} "
            f"masked inputs, batches of {BATCH}) on {device()}: masked inputs/s, vs bare predict_on_batch "
            f"of the same inputs (best of {rounds}, alternated)")
    return [{"metric": what, "value": a_rate, "baseline": b_rate, "ratio": a_rate / b_rate,
             "goal": f">= {GOAL:g}x", "met": a_rate / b_rate >= GOAL}]


def cli_minutes(files: list[Path], methods: tuple[str, ...], steps: int) -> tuple[float, float]:
    """(wall minutes, CPU minutes) of the whole ``actviz evaluate`` process."""
    command = [sys.executable, "-m", "actviz_tui", "evaluate", str(MODELS["chest sample"]), *map(str, files),
               "--methods", *methods, "--steps", str(steps), "--json"]
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    before, start = children_cpu_seconds(), time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=environment, cwd=REPO)
    return (time.perf_counter() - start) / 60, (children_cpu_seconds() - before) / 60


def children_cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def split_minutes(files: list[Path], methods: tuple[str, ...], steps: int) -> tuple[dict, float]:
    """({method: explaining minutes}, scoring minutes) in one process, as ``evaluate_methods`` runs them."""
    from actviz_tui.core.evaluate.averages import masked_by_heatmap
    from actviz_tui.core.evaluate.causal import causal_curves
    from actviz_tui.core.evaluate.evaluation import RANDOM
    from actviz_tui.core.evaluate.model_scores import class_scorer
    from actviz_tui.core.model.engine import Model

    model = Model.open(MODELS["chest sample"])
    x = model.prepare(files)
    explaining, maps, classes = {}, {}, None
    for method in methods:
        start = time.perf_counter()
        explanation = model.explain(x, method=method, classes=classes)
        explaining[method] = (time.perf_counter() - start) / 60
        classes, maps[method] = explanation.classes, explanation.heatmaps
    start = time.perf_counter()
    pictures, score = class_scorer(model, x, classes)
    everyone = np.arange(len(pictures))
    score(pictures, everyone)
    maps[RANDOM] = np.random.default_rng(0).random(pictures.shape[:3])
    for heatmaps in maps.values():
        causal_curves(score, pictures, heatmaps, steps, "zero", BATCH)
        score(masked_by_heatmap(pictures, heatmaps), everyone)
    return explaining, (time.perf_counter() - start) / 60


def minutes_rows(settings: dict) -> list[dict]:
    count, methods = settings["count"], settings["methods"]
    what = f"actviz evaluate, chest sample, {len(methods)} methods x {count} X-rays, {settings['steps']} steps, " \
           f"on {device()}"
    with tempfile.TemporaryDirectory() as folder:
        files = augmented_xrays(Path(folder), count)
        explaining, scoring = split_minutes(files, methods, settings["steps"])
        whole, cpu = cli_minutes(files, methods, settings["steps"])
    per_method = ", ".join(f"{method} {minutes:.2f}" for method, minutes in explaining.items())
    return [info(f"{what}: minutes, the CLI end to end ({' '.join(methods)}; {cpu:.1f} CPU minutes)", whole),
            info(f"{what}: minutes explaining, in process ({per_method})", sum(explaining.values())),
            info(f"{what}: minutes scoring, in process ({len(methods) + 1} maps incl. random x {count} x "
                 f"{2 * (settings['steps'] + 1)} masked inputs + averages)", scoring)]


def info(metric: str, value: float) -> dict:
    return {"metric": metric, "value": value, "baseline": math.nan, "ratio": math.nan, "goal": "info", "met": None}


def run(parts: tuple[str, ...] = ("throughput", "minutes"), quick: bool = False) -> list[dict]:
    settings = QUICK if quick else FULL
    rows: list[dict] = []
    if "throughput" in parts:
        for name in settings["models"]:
            rows += throughput_rows(name, settings)
    if "minutes" in parts:
        rows += minutes_rows(settings)
    return rows


if __name__ == "__main__":
    arguments = [argument for argument in sys.argv[1:] if argument != "--quick"]
    for row in run(tuple(arguments) or ("throughput", "minutes"), quick="--quick" in sys.argv[1:]):
        ratio = "" if math.isnan(row["ratio"]) else f" vs {row['baseline']:.3f} ({row['ratio']:.2f}x)"
        print(f"{row['metric']}: {row['value']:.3f}{ratio}, goal {row['goal']}, met {row['met']}", flush=True)
