"""The batch-first engine against plain Keras, same batch, same process.

- activations of a batch of 32: ``Model.activations(x, layers)`` vs a bare
  ``keras.Model(inputs, [layer outputs]).predict(x)`` (goal: >= 0.9x its throughput);
- per-channel reductions on the backend vs the same bare model's maps reduced in numpy.
On the bundled sample (150x150) and ResNet50 (random weights, 128x128), four layers each.
Each figure is the best of REPEATS timed calls after one warm-up call, ours and the
baseline alternating.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from result_row import result_row  # noqa: E402

BATCH = 32
REPEATS = 5


def _best_pair(ours, baseline) -> tuple[float, float]:
    """Best time of each, the two calls alternating so that load on the machine hits both alike."""
    ours(), baseline()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEATS):
        for call, kept in ((ours, times[0]), (baseline, times[1])):
            start = time.perf_counter()
            call()
            kept.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def _models():
    import keras

    from actviz_tui.core.inputs.samples import sample_model_path
    from actviz_tui.core.model.engine import Model

    sample = Model.open(sample_model_path())
    resnet = Model(keras.applications.ResNet50(weights=None, input_shape=(128, 128, 3)))
    return [("sample", sample, (150, 150, 3)), ("ResNet50 128x128", resnet, (128, 128, 3))]


def _compare(name: str, model, shape) -> list[dict]:
    import keras
    import numpy as np

    x = np.random.default_rng(0).random((BATCH, *shape), dtype=np.float32)
    spatial = [info.index for info in model.layers if len(info.output_shape) == 4 and info.type != "InputLayer"]
    rows = [spatial[0], spatial[len(spatial) // 3], spatial[2 * len(spatial) // 3], spatial[-1]]
    bare = keras.Model(model.traced.inputs, [model.traced.outputs[row] for row in rows])
    engine_s, bare_s = _best_pair(lambda: model.activations_by_row(x, rows),
                                  lambda: bare.predict(x, batch_size=BATCH, verbose=0))

    def bare_reduced():
        for maps in bare.predict(x, batch_size=BATCH, verbose=0):
            flat = maps.reshape(len(maps), -1, maps.shape[-1])
            flat.max(axis=1), flat.argmax(axis=1), flat.mean(axis=1), (flat > 0).mean(axis=1)

    reduce_s, bare_reduce_s = _best_pair(lambda: model.reductions(x, rows), bare_reduced)
    images = f"{BATCH} images/s"
    return [
        result_row(f"activations, batch of {BATCH}, {name} ({images}; baseline bare predict)",
                   BATCH / engine_s, BATCH / bare_s, ">= 0.9x", BATCH / engine_s >= 0.9 * BATCH / bare_s),
        result_row(f"channel reductions, batch of {BATCH}, {name} ({images}; baseline predict + numpy)",
                   BATCH / reduce_s, BATCH / bare_reduce_s, "faster", reduce_s < bare_reduce_s),
    ]


def run() -> list[dict]:
    rows = []
    for name, model, shape in _models():
        rows.extend(_compare(name, model, shape))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['metric']}: {row['value']:.1f} vs {row['baseline']:.1f} ({row['ratio']:.2f}x, goal {row['goal']})")
