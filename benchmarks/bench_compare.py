"""``compare_checkpoints`` against the notebook way, same inputs, same process.

The notebook way: for each checkpoint a bare ``keras.Model(inputs, [every layer's output])``
predicted on the image, then the same per-layer metrics in numpy. Ours: ``compare_checkpoints``
(one graph pass per checkpoint through the engine, the metrics, the top channels).
On the bundled sample (150x150) and ResNet50 (random weights, 128x128), the second
checkpoint a copy with the weights of one layer halfway down nudged. Best of REPEATS
timed calls after one warm-up, ours and the baseline alternating. Goal: <= 1.2x the time.
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

REPEATS = 5


def _best_pair(ours, baseline) -> tuple[float, float]:
    ours(), baseline()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEATS):
        for call, kept in ((ours, times[0]), (baseline, times[1])):
            start = time.perf_counter()
            call()
            kept.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def _nudged_copy(keras_model):
    """The same architecture, one weighted layer halfway down changed by 1 %."""
    import keras
    import numpy as np

    copy = keras.models.clone_model(keras_model)
    copy.set_weights(keras_model.get_weights())
    weighted = [layer for layer in copy.layers if layer.get_weights()]
    layer = weighted[len(weighted) // 2]
    layer.set_weights([w * np.float32(1.01) for w in layer.get_weights()])
    return copy, layer.name


def _pairs():
    import keras

    from actviz_tui.core.inputs.samples import sample_model_path
    from actviz_tui.core.model.engine import Model

    sample = Model.open(sample_model_path())
    resnet = Model(keras.applications.ResNet50(weights=None, input_shape=(128, 128, 3)))
    for name, model, shape in (("sample 150x150", sample, (150, 150, 3)), ("ResNet50 128x128", resnet, (128, 128, 3))):
        copy, nudged = _nudged_copy(model.keras_model)
        yield name, model, Model(copy), nudged, shape


def _notebook_way(keras_a, keras_b, names, x):
    """What a notebook does: every layer's output of both checkpoints, then the metrics."""
    import keras

    from actviz_tui.core.compare.metrics import cosine, linear_cka, relative_l2, top_channels

    def run():
        outputs = []
        for keras_model in (keras_a, keras_b):
            bare = keras.Model(keras_model.inputs, [keras_model.get_layer(n).output for n in names])
            outputs.append(bare.predict(x, verbose=0))
        for a, b in zip(*outputs):
            a, b = a[0], b[0]
            relative_l2(a, b), cosine(a, b), linear_cka(a, b), top_channels(a, b)

    return run


def _measure(name, model_a, model_b, nudged, shape) -> list[dict]:
    import numpy as np

    from actviz_tui.core.compare.comparison import compare_checkpoints, matched_rows

    x = np.random.default_rng(0).random((1, *shape), dtype=np.float32)
    names = [model_a.layers[row].name for row in matched_rows(model_a, model_b)]
    first = compare_checkpoints(model_a, model_b, x).first_divergent
    ours_s, bare_s = _best_pair(lambda: compare_checkpoints(model_a, model_b, x),
                                _notebook_way(model_a.keras_model, model_b.keras_model, names, x))
    label = f"compare two checkpoints, {name}, {len(names)} layers (first divergent {first}, nudged {nudged}), s"
    return [result_row(label, ours_s, bare_s, "<= 1.2x the notebook way", ours_s <= 1.2 * bare_s)]


def run() -> list[dict]:
    rows = []
    for name, model_a, model_b, nudged, shape in _pairs():
        rows.extend(_measure(name, model_a, model_b, nudged, shape))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['metric']}: {row['value']:.3f} vs {row['baseline']:.3f} ({row['ratio']:.2f}x, goal {row['goal']})")
