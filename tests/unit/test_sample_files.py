"""The models and images shipped in actviz_tui/samples/ and the tf_keras test file.

They are made by ``python sample_models/make_samples.py``; these tests check
that what is committed loads with Keras 3 and is what the README says.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "actviz_tui" / "samples"
IMAGES = SAMPLES / "images"
TF_KERAS_FILE = ROOT / "tests" / "data" / "tf_keras_small.h5"
TF_KERAS_EXPECTED = ROOT / "tests" / "data" / "tf_keras_small_expected.npz"

MAX_BYTES = 16_000_000
IMAGE_SIZES = {  # (width, height)
    "xray_opacity.png": (300, 300),
    "xray_clear.png": (300, 300),
    "shapes.jpg": (200, 160),
}
SHIPPED = [
    SAMPLES / "chest_xray_cnn.h5",
    SAMPLES / "residual_nested.keras",
    SAMPLES / "grayscale_cnn.keras",
    *(IMAGES / name for name in IMAGE_SIZES),
    TF_KERAS_FILE,
    TF_KERAS_EXPECTED,
]
NOTEBOOK_LAYERS = ["Conv2D", "MaxPooling2D"] * 4 + ["Flatten", "Dense", "Dense"]


def load(path):
    return keras.models.load_model(path, compile=False)


@pytest.fixture(scope="module")
def notebook_model():
    return load(SAMPLES / "chest_xray_cnn.h5")


@pytest.fixture(scope="module")
def nested_model():
    return load(SAMPLES / "residual_nested.keras")


@pytest.fixture(scope="module")
def grayscale_model():
    return load(SAMPLES / "grayscale_cnn.keras")


def notebook_input(path):
    """The image as the notebook fed it: RGB, 150x150, scaled by 1/255."""
    with Image.open(path) as image:
        pixels = np.asarray(image.convert("RGB").resize((150, 150)), dtype="float32")
    return pixels[None] / 255.0


def all_layers(model):
    """Every layer of the model, descending into nested models."""
    for layer in model.layers:
        yield layer
        if isinstance(layer, keras.Model):
            yield from all_layers(layer)


def test_notebook_model_is_the_notebook_architecture(notebook_model):
    assert notebook_model.count_params() == 3_453_121
    assert tuple(notebook_model.input_shape) == (None, 150, 150, 3)
    assert [type(layer).__name__ for layer in notebook_model.layers] == NOTEBOOK_LAYERS


@pytest.mark.parametrize(
    "name, positive", [("xray_opacity.png", True), ("xray_clear.png", False)]
)
def test_notebook_model_classifies_the_sample_xrays(notebook_model, name, positive):
    probability = float(notebook_model.predict(notebook_input(IMAGES / name), verbose=0)[0, 0])
    assert (probability > 0.5) == positive, probability


def test_nested_model_has_a_submodel_batchnorm_and_add(nested_model):
    assert any(isinstance(layer, keras.Model) for layer in nested_model.layers)
    kinds = {type(layer) for layer in all_layers(nested_model)}
    assert keras.layers.BatchNormalization in kinds
    assert keras.layers.Add in kinds


def test_grayscale_model_takes_one_channel(grayscale_model):
    assert len(grayscale_model.input_shape) == 4
    assert grayscale_model.input_shape[-1] == 1


@pytest.mark.parametrize("name, size", IMAGE_SIZES.items())
def test_sample_images_open_with_expected_size(name, size):
    with Image.open(IMAGES / name) as image:
        image.load()
        assert image.size == size
        assert image.mode == "RGB"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_shipped_file_is_at_most_16_mb(path):
    if path.parent == TF_KERAS_FILE.parent and not path.exists():
        pytest.skip("tf_keras was not installed when the samples were made")
    assert path.stat().st_size <= MAX_BYTES


def test_keras3_reproduces_the_tf_keras_file():
    if not TF_KERAS_FILE.exists():
        pytest.skip("tf_keras was not installed when the samples were made")
    expected = np.load(TF_KERAS_EXPECTED)
    output = load(TF_KERAS_FILE).predict(expected["input"], verbose=0)
    np.testing.assert_allclose(output, expected["output"], atol=1e-5)
