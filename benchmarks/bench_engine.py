"""Engine benchmarks: time to first activations, and peak memory of one deep layer.

1. Time to first activations on the bundled sample (chest_xray_cnn.h5 with
   images/xray_opacity.png): a fresh Python process that opens the model with
   ModelSession, reads the image and layer 0's activation, against a bare
   script that imports TensorFlow, loads the model and runs it once on the same
   image. Both are timed by this (parent) process as the wall time of the whole
   subprocess, interpreter start included; median of RUNS each, interleaved.

2. Peak RSS while reading one deep layer (conv5_block3_out) of
   keras.applications.ResNet50(weights=None): our lazy probe against the
   all-layers-at-once approach (one multi-output model over every layer, run
   with ``predict`` as in the classic "visualizing intermediate activations"
   recipe), each in its own process, read from getrusage(RUSAGE_SELF).ru_maxrss.
   A plain single-output Keras model for that layer is measured too: ours
   should be close to it.

    python benchmarks/bench_engine.py
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from result_row import result_row  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SAMPLE_MODEL = REPO / "actviz_tui" / "samples" / "chest_xray_cnn.h5"
SAMPLE_IMAGE = REPO / "actviz_tui" / "samples" / "images" / "xray_opacity.png"
RUNS = 3
DEEP_LAYER = "conv5_block3_out"
GOAL_TIME_RATIO = 1.15
GOAL_RSS_RATIO = 0.85
GOAL_RSS_VS_SINGLE = 1.05

OURS_FIRST = """
import sys
from actviz_tui.core.session.model_session import ModelSession
session = ModelSession.open(sys.argv[1])
activation = session.image(sys.argv[2]).activation(0)
assert activation.size > 0
"""

BARE_FIRST = """
import sys
import numpy as np
from PIL import Image
import tensorflow as tf
model = tf.keras.models.load_model(sys.argv[1], compile=False)
height, width = model.inputs[0].shape[1:3]
with Image.open(sys.argv[2]) as image:
    x = np.asarray(image.convert("RGB").resize((width, height)), dtype="float32")[None] / 255.0
out = model(x)
assert out.shape[0] == 1
"""

MAKE_STAND_IN = """
import sys
import numpy as np
import keras
from PIL import Image
from keras import layers
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((150, 150, 3)),
    layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
    layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2),
    layers.Conv2D(128, 3, activation="relu"), layers.MaxPooling2D(2),
    layers.Conv2D(128, 3, activation="relu"), layers.MaxPooling2D(2),
    layers.Flatten(), layers.Dense(512, activation="relu"), layers.Dense(1, activation="sigmoid")])
assert model.count_params() == 3_453_121
model.save(sys.argv[1])
pixels = np.random.default_rng(0).integers(0, 256, (300, 300), dtype=np.uint8)
Image.fromarray(pixels).convert("RGB").save(sys.argv[2])
"""

RSS_PRELUDE = """
import resource, sys
import numpy as np
from actviz_tui.core.model.backend_env import import_backend
import_backend()
import keras
keras.utils.set_random_seed(0)
model = keras.applications.ResNet50(weights=None)
x = np.random.default_rng(0).random((1, 224, 224, 3), dtype=np.float32)
layer = sys.argv[1]
"""

RSS_OURS = RSS_PRELUDE + """
from actviz_tui.core.model.engine import Model
engine = Model(model)
activation = engine.activations(x, [layer])[layer][0]
assert activation.shape == (7, 7, 2048)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

RSS_ALL_LAYERS = RSS_PRELUDE + """
everything = keras.Model(model.inputs, [l.output for l in model.layers])
outputs = everything.predict(x, verbose=0)  # the classic activation_model.predict(img)
activation = outputs[[l.name for l in model.layers].index(layer)][0]
assert activation.shape == (7, 7, 2048)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

RSS_SINGLE = RSS_PRELUDE + """
single = keras.Model(model.inputs[0], model.get_layer(layer).output)
activation = keras.ops.convert_to_numpy(single(x))[0]
assert activation.shape == (7, 7, 2048)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("KERAS_BACKEND", "tensorflow")
    env.setdefault("CUDA_VISIBLE_DEVICES", "")  # a CPU benchmark, the same on every machine
    return env


def _python(script: str, *args, timeout: float = 600) -> tuple[float, str]:
    """Run a script in a fresh interpreter; (wall seconds, stdout)."""
    seconds, _, out = _timed_python(script, *args, timeout=timeout)
    return seconds, out


def _timed_python(script: str, *args, timeout: float = 600) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, stdout) of a script in a fresh interpreter."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=REPO, env=_env(), capture_output=True, text=True, timeout=timeout,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark script failed ({done.returncode}):\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, done.stdout


def _sample_files(folder: Path) -> tuple[Path, Path, bool]:
    """The bundled sample, or a same-architecture stand-in when it is not built yet."""
    if SAMPLE_MODEL.is_file() and SAMPLE_IMAGE.is_file():
        return SAMPLE_MODEL, SAMPLE_IMAGE, False
    model, image = folder / "stand_in_cnn.h5", folder / "stand_in_xray.png"
    _python(MAKE_STAND_IN, model, image)
    return model, image, True


def time_to_first_activations(runs: int = RUNS) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="actviz-bench-") as folder:
        model, image, stand_in = _sample_files(Path(folder))
        _python(BARE_FIRST, model, image)  # warm the file cache for both
        ours, bare = [], []
        for _ in range(runs):  # interleaved, so drifting machine load hits both
            ours.append(_timed_python(OURS_FIRST, model, image))
            bare.append(_timed_python(BARE_FIRST, model, image))
    ours_s, bare_s = statistics.median(o[0] for o in ours), statistics.median(b[0] for b in bare)
    ours_cpu, bare_cpu = statistics.median(o[1] for o in ours), statistics.median(b[1] for b in bare)
    label = "time to first activations, s" + (" (stand-in model)" if stand_in else "")
    return [
        result_row(label, ours_s, bare_s, f"<= {GOAL_TIME_RATIO:g}x bare load+predict",
             ours_s <= GOAL_TIME_RATIO * bare_s),
        # CPU time of the same runs: less swayed by other work on a busy machine
        result_row(label.replace(", s", ", CPU s"), ours_cpu, bare_cpu, "info", None),
    ]


def _max_rss_mb(script: str) -> float:
    _, out = _python(script, DEEP_LAYER)
    kilobytes = int(out.strip().splitlines()[-1])  # Linux: KiB
    return kilobytes / 1024.0


def peak_memory_one_deep_layer() -> list[dict]:
    ours = _max_rss_mb(RSS_OURS)
    all_layers = _max_rss_mb(RSS_ALL_LAYERS)
    single = _max_rss_mb(RSS_SINGLE)
    return [
        result_row(f"peak RSS MB, ResNet50 {DEEP_LAYER} (vs all layers)", ours, all_layers,
             f"< {GOAL_RSS_RATIO:g}x all-layers", ours < GOAL_RSS_RATIO * all_layers),
        result_row(f"peak RSS MB, ResNet50 {DEEP_LAYER} (vs one Keras layer)", ours, single,
             f"<= {GOAL_RSS_VS_SINGLE:g}x single-layer", ours <= GOAL_RSS_VS_SINGLE * single),
    ]


def run() -> list[dict]:
    return time_to_first_activations() + peak_memory_one_deep_layer()


def format_rows(rows: list[dict]) -> str:
    header = ("metric", "value", "baseline", "ratio", "goal", "met")
    table = [header] + [
        (r["metric"], f"{r['value']:.3f}", f"{r['baseline']:.3f}", f"{r['ratio']:.3f}",
         r["goal"], "-" if r["met"] is None else "yes" if r["met"] else "NO")
        for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    return "\n".join(" | ".join(cell.ljust(width) for cell, width in zip(line, widths)) for line in table)


if __name__ == "__main__":
    print(format_rows(run()))
