"""Datasets and models for the scan tests: generated pictures in nested folders with bad files
among them, a brute-force reference computed with plain Keras, and a comparison of ``scan show --json``.

Importing this module costs nothing (Keras, Pillow inside the functions).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

SIDE = 16
PAUSE_SOURCE = '''
import os
import time

import keras


@keras.saving.register_keras_serializable(package="actviz_scan_tests")
class Pause(keras.layers.Layer):
    """Sleeps $SCAN_TEST_PAUSE seconds per eager call (a batch of one), so that a test can stop a scan midway."""

    def call(self, inputs):
        time.sleep(float(os.environ.get("SCAN_TEST_PAUSE", "0")))
        return inputs
'''


def write_dataset(root: Path, count: int = 200, seed: int = 3) -> dict:
    """``count`` grey 16x16 PNGs in nested folders (their brightness varies, so channels rank them),
    plus: an RGB picture of another size, a ``.npy`` array, an empty ``.png``, a truncated PNG,
    a text file named ``.png`` (three to skip) and a ``.txt`` (not read, not listed).
    Returns {"good": paths read, "bad": paths skipped, "ignored": paths not listed}."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    good: list[Path] = []
    for number in range(count):
        folder = root / f"part{number % 4}" / ("deep" if number % 3 else "") / ("deeper" if number % 5 == 0 else "")
        folder.mkdir(parents=True, exist_ok=True)
        level = rng.uniform(0.1, 1.0)
        pixels = (rng.random((SIDE, SIDE)) * level * 255).astype(np.uint8)
        path = folder / f"img{number:03d}.png"
        Image.fromarray(pixels).save(path)
        good.append(path)
    rgb = root / "colour.png"
    Image.fromarray(rng.integers(0, 256, (24, 20, 3), dtype=np.uint8)).save(rgb)
    array = root / "part1" / "array.npy"
    np.save(array, rng.random((SIDE, SIDE, 1)).astype(np.float32))
    good += [rgb, array]
    empty, truncated, text = root / "empty.png", root / "part2" / "truncated.png", root / "part3" / "text.png"
    empty.write_bytes(b"")
    truncated.write_bytes(good[0].read_bytes()[:60])
    text.write_text("not a picture\n")
    ignored = root / "part0" / "notes.txt"
    ignored.write_text("not listed\n")
    return {"good": good, "bad": [empty, truncated, text], "ignored": [ignored]}


def scan_model(path: Path, pause: bool = False) -> Path:
    """A grey 16x16 CNN saved at ``path``: conv_a (4, relu), pool, conv_b (6, relu, channel 5 dead),
    a Dense ``head`` of 3 (no maps). With ``pause``, a Pause layer first (see PAUSE_SOURCE)."""
    import keras

    from models_factory import _seed

    _seed(11)
    namespace: dict = {}
    if pause:
        exec(PAUSE_SOURCE, namespace)
    inputs = keras.Input((SIDE, SIDE, 1), name="gray")
    x = namespace["Pause"](name="pause")(inputs) if pause else inputs
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv_a")(x)
    x = keras.layers.MaxPooling2D(2, name="pool")(x)
    x = keras.layers.Conv2D(6, 3, activation="relu", name="conv_b")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = keras.layers.Dense(3, name="head")(x)
    model = keras.Model(inputs, outputs, name="scan_test")
    kernel, bias = model.get_layer("conv_b").get_weights()
    kernel[..., 5], bias[5] = -np.abs(kernel[..., 5]), -1.0  # never > 0 on inputs >= 0 after a relu
    model.get_layer("conv_b").set_weights([kernel, bias])
    model.save(path)
    return path


def brute_force(model_path: Path, images: list[str], layers: list[str], k: int, by: str) -> dict:
    """What ``scan show --json`` must hold, from plain Keras: ``keras.Model`` on the layer
    outputs, numpy max/argmax/mean over each map; the inputs decoded as actviz decodes them."""
    import keras

    from actviz_tui.core.model.engine import Model

    model = Model.open(model_path)
    kept, arrays, skipped = [], [], []
    for image in images:
        try:
            arrays.append(model.prepare_input(image).batch)
            kept.append(image)
        except Exception:  # noqa: BLE001 - the reference only needs to know it was skipped
            skipped.append(image)
    probe = keras.Model(model.keras_model.inputs, [model.keras_model.get_layer(name).output for name in layers])
    outputs = probe([np.concatenate(arrays)], training=False)
    outputs = [np.asarray(keras.ops.convert_to_numpy(out)) for out in keras.tree.flatten(outputs)]
    return {
        "images": len(kept),
        "skipped": skipped,
        "layers": [_reference_layer(name, out, kept, k, by) for name, out in zip(layers, outputs)],
    }


def _reference_layer(name: str, out: np.ndarray, kept: list[str], k: int, by: str) -> dict:
    maps = out.ndim == 4
    flat = out.reshape(len(out), -1, out.shape[-1])
    maximum, mean = flat.max(axis=1), flat.mean(axis=1)
    peak = flat.argmax(axis=1)
    width = out.shape[2] if maps else 1
    score = maximum if by == "max" else mean
    channels = []
    for channel in range(out.shape[-1]):
        order = sorted(range(len(kept)), key=lambda i: (-float(score[i, channel]), i))[:k]
        channels.append({
            "channel": channel,
            "mean": float(mean[:, channel].astype(np.float64).mean()),
            "max": float(maximum[:, channel].max()),
            "active": float((maximum[:, channel] > 0).mean()),
            "top": [{"image": kept[i], "score": float(score[i, channel]),
                     "y": int(peak[i, channel] // width) if maps else None,
                     "x": int(peak[i, channel] % width) if maps else None} for i in order],
        })
    return {"name": name, "channels": channels}


def assert_same(actual, expected, rel: float = 1e-9, path: str = "") -> None:
    """Equal JSON values; floats to ``rel`` (relative, or absolute near zero)."""
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        assert math.isclose(actual, expected, rel_tol=rel, abs_tol=rel), f"{path}: {actual} != {expected}"
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and actual.keys() == expected.keys(), f"{path}: {actual} != {expected}"
        for key in expected:
            assert_same(actual[key], expected[key], rel, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{path}: {actual} != {expected}"
        for number, (mine, theirs) in enumerate(zip(actual, expected)):
            assert_same(mine, theirs, rel, f"{path}[{number}]")
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
