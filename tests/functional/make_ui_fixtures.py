"""Rebuild the tiny deterministic model and images the UI tests use.

Run from the repo root: python tests/functional/make_ui_fixtures.py
The committed ui_tiny_cnn.keras is saved with the floor Keras (3.3.3), which
cannot read files that newer Keras writes: run this with that Keras.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1] / "data"


def build_model():
    import keras

    keras.utils.set_random_seed(7)
    inputs = keras.Input((24, 24, 3), name="image")
    x = keras.layers.Conv2D(6, 3, activation="relu", name="conv_a")(inputs)
    x = keras.layers.MaxPooling2D(name="pool_a")(x)
    x = keras.layers.Conv2D(12, 3, activation="relu", name="conv_b")(x)
    x = keras.layers.Flatten(name="flat")(x)
    x = keras.layers.Dense(10, activation="relu", name="dense_a")(x)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="score")(x)
    return keras.Model(inputs, outputs, name="tiny_cnn")


def write_images() -> None:
    from PIL import Image

    y, x = np.mgrid[0:48, 0:48]
    rings = (np.sin(np.hypot(y - 24, x - 20) / 3.0) + 1) * 127.5
    rgb = np.stack([rings, x * 5.3, y * 5.3], axis=2).astype(np.uint8)
    Image.fromarray(rgb).save(DATA / "ui_rings.png")
    Image.fromarray(255 - rgb).save(DATA / "ui_rings_inverted.png")


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    DATA.mkdir(exist_ok=True)
    build_model().save(DATA / "ui_tiny_cnn.keras")
    write_images()
    print("wrote", *sorted(p.name for p in DATA.glob("ui_*")))
