"""Rebuild the sample models and images that actviz ships.

    python sample_models/make_samples.py

Everything is made here from code: the training data are synthetic
chest-X-ray-like images (see ``xray``), so nothing is downloaded. The run is
deterministic (fixed seeds, TensorFlow op determinism) and takes a few minutes
on two CPU cores. Files written:

    sample_models/chest_xray_cnn.h5        the notebook's CNN, legacy HDF5
    sample_models/residual_nested.keras    nested backbone + BatchNorm + Add
    sample_models/grayscale_cnn.keras      1-channel input CNN
    sample_models/images/*.png|jpg         sample inputs
    sample_models/README.md                what each file is, with accuracies
    tests/data/tf_keras_small.h5           written by tf_keras (Keras 2), if installed
    tests/data/tf_keras_small_expected.npz its output for a fixed input
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

import keras
import tensorflow as tf
from keras import layers

HERE = Path(__file__).resolve().parent
IMAGES = HERE / "images"
TEST_DATA = HERE.parent / "tests" / "data"

NOTEBOOK_PARAMS = 3_453_121
XRAY_SAMPLE_SIZE = 300  # the shipped x-ray PNGs are 300x300; models resize them
SHAPES_SIZE = (200, 160)  # (width, height) of shapes.jpg
TF_KERAS_INPUT = np.linspace(-1.0, 1.0, 2 * 16 * 16 * 3, dtype="float32").reshape(2, 16, 16, 3)


# --------------------------------------------------------------------------
# Synthetic chest X-rays
# --------------------------------------------------------------------------

def soft_ellipse(x, y, cx, cy, rx, ry, edge=0.06):
    """1 inside the ellipse, 0 outside, with a soft sigmoid rim."""
    r = np.sqrt(((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2)
    return 1.0 / (1.0 + np.exp((r - 1.0) / edge))


def xray(rng, size, opacities=0):
    """One grayscale chest-X-ray-like image, float32 in [0, 1], shape (size, size).

    Dark background, a bright thorax with a spine, two darker lung fields
    crossed by rib arcs, noise, and a random shift / scale / contrast.
    ``opacities`` soft bright blobs (a positive case) are put in the lungs.
    """
    y, x = np.mgrid[0:size, 0:size].astype("float32") / (size - 1) * 2 - 1
    scale = rng.uniform(0.9, 1.1)
    x = (x - rng.uniform(-0.06, 0.06)) / scale
    y = (y - rng.uniform(-0.06, 0.06)) / scale

    body = soft_ellipse(x, y, 0.0, 0.15, 0.85, 1.05, edge=0.035)
    img = 0.06 + 0.45 * body + 0.18 * np.exp(-(x / 0.09) ** 2) * body  # thorax + spine
    ribs = sum(np.exp(-((y - k - 0.3 * x**2) / 0.035) ** 2) for k in np.linspace(-0.7, 0.35, 6))
    lungs = soft_ellipse(x, y, -0.4, -0.05, 0.28, 0.62) + soft_ellipse(x, y, 0.4, -0.05, 0.28, 0.62)
    img += lungs * (0.08 * ribs - 0.28)

    for _ in range(opacities):
        cx = rng.choice([-0.4, 0.4]) + rng.uniform(-0.14, 0.14)
        cy = -0.05 + rng.uniform(-0.35, 0.35)
        sigma = rng.uniform(0.07, 0.14)
        blob = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma**2))
        img += rng.uniform(0.2, 0.35) * blob * lungs

    img = (img - 0.3) * rng.uniform(0.8, 1.2) + 0.3 + rng.uniform(-0.05, 0.05)
    img += rng.normal(0.0, 0.03, img.shape)
    return np.clip(img, 0.0, 1.0).astype("float32")


def xray_dataset(seed, n, size, channels):
    """n balanced images (half positive) and their 0/1 labels."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % 2).astype("float32")
    images = np.stack([xray(rng, size, int(label) * rng.integers(1, 4)) for label in labels])
    return np.repeat(images[..., None], channels, axis=-1), labels


def to_rgb_uint8(gray):
    """A [0, 1] grayscale array as an RGB uint8 array (an X-ray read as RGB)."""
    return np.repeat((np.round(gray * 255)).astype("uint8")[..., None], 3, axis=-1)


def model_input(path, size=(150, 150)):
    """An image file as the notebook fed it: RGB, resized, scaled by 1/255."""
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB").resize(size), dtype="float32")
    return pixels[None] / 255.0


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------

def fresh_session(seed=0):
    """Reset Keras' layer names and all random seeds before building a model."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)


def notebook_cnn():
    """The notebook's CNN, layer for layer (3,453,121 parameters)."""
    return keras.Sequential(
        [
            keras.Input((150, 150, 3)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(128, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(128, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(512, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="chest_xray_cnn",
    )


def backbone(input_shape):
    """A small functional conv stack, used as one layer of residual_nested."""
    inputs = keras.Input(input_shape, name="backbone_input")
    x = inputs
    for filters in (16, 32):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"bb_conv{filters}")(x)
        x = layers.BatchNormalization(momentum=0.9, name=f"bb_bn{filters}")(x)
        x = layers.ReLU(name=f"bb_relu{filters}")(x)
        x = layers.MaxPooling2D(2, name=f"bb_pool{filters}")(x)
    return keras.Model(inputs, x, name="backbone")


def residual_nested():
    """Nested backbone -> residual block (conv, conv, BatchNorm, Add) -> head."""
    inputs = keras.Input((64, 64, 3), name="image")
    features = backbone((64, 64, 3))(inputs)
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="res_conv1")(features)
    x = layers.Conv2D(32, 3, padding="same", name="res_conv2")(x)
    x = layers.BatchNormalization(momentum=0.9, name="res_bn")(x)
    x = layers.Add(name="skip_add")([features, x])
    x = layers.ReLU(name="res_relu")(x)
    x = layers.GlobalMaxPooling2D(name="global_max")(x)
    x = layers.Dense(16, activation="relu", name="fc")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="opacity")(x)
    return keras.Model(inputs, outputs, name="residual_nested")


def grayscale_cnn():
    """A small CNN on one-channel 64x64 images."""
    return keras.Sequential(
        [
            keras.Input((64, 64, 1)),
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(32, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ],
        name="grayscale_cnn",
    )


def train(model, train_set, test_set, epochs, optimizer):
    """Fit on train_set, print and return the accuracy on the held-out test_set."""
    model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(*train_set, batch_size=32, epochs=epochs, shuffle=True, verbose=2)
    _, accuracy = model.evaluate(*test_set, batch_size=64, verbose=0)
    print(f"{model.name}: held-out accuracy {accuracy:.4f} on {len(test_set[1])} images")
    return float(accuracy)
