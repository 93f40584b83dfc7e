"""Rebuild the sample models and images that actviz ships.

    python sample_models/make_samples.py

Everything is made here from code: the training data are synthetic
chest-X-ray-like images (see ``xray``), so nothing is downloaded. The run is
deterministic (fixed seeds, TensorFlow op determinism) and takes a few minutes
on two CPU cores. Files written (the models and images are package data, so
they ship inside the wheel):

    actviz_tui/samples/chest_xray_cnn.h5       the notebook's CNN, legacy HDF5
    actviz_tui/samples/residual_nested.keras   nested backbone + BatchNorm + Add
    actviz_tui/samples/grayscale_cnn.keras     1-channel input CNN
    actviz_tui/samples/images/*.png|jpg        sample inputs
    sample_models/README.md                    what each file is, with accuracies
    tests/data/tf_keras_small.h5           written by tf_keras (Keras 2), if installed
    tests/data/tf_keras_small_expected.npz its output for a fixed input

The committed models were then re-saved, same weights, with the floor Keras
(3.3.3): older Keras cannot read files that newer Keras writes.
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
OUT = HERE.parent / "actviz_tui" / "samples"  # package data: read with importlib.resources
IMAGES = OUT / "images"
TEST_DATA = HERE.parent / "tests" / "data"

NOTEBOOK_PARAMS = 3_453_121
XRAY_SAMPLE_SIZE = 300  # the shipped x-ray PNGs are 300x300; models resize them
SHAPES_SIZE = (200, 160)  # (width, height) of shapes.jpg
CHEST_TRAIN, CHEST_EPOCHS = 2000, 6  # 150x150 images for chest_xray_cnn
SMALL_TRAIN, SMALL_EPOCHS = 3000, 4  # 64x64 images for the two small models
TEST_SIZE = 500  # held-out images per test set
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


# --------------------------------------------------------------------------
# Sample images
# --------------------------------------------------------------------------

def save_xray_sample(model, path, opacities, first_seed):
    """Save the first X-ray from first_seed on that the model gets confidently right.

    Returns the model's probability for the saved file, read back the way the
    notebook read images (RGB, resized to 150x150, /255).
    """
    for seed in range(first_seed, first_seed + 100):
        gray = xray(np.random.default_rng(seed), XRAY_SAMPLE_SIZE, opacities)
        Image.fromarray(to_rgb_uint8(gray)).save(path)
        probability = float(model.predict(model_input(path), verbose=0)[0, 0])
        if (probability > 0.95) if opacities else (probability < 0.05):
            print(f"{path.name}: seed {seed}, predicted {probability:.4f}")
            return probability
    raise RuntimeError(f"no confident sample for {path.name}")


def save_shapes(path):
    """A colourful picture of simple shapes, 200x160, for resizing and colour."""
    width, height = SHAPES_SIZE
    ramp = np.linspace(0, 1, width)[None, :, None]
    sky = np.array([40, 60, 120]) * (1 - ramp) + np.array([230, 200, 120]) * ramp
    image = Image.fromarray(np.repeat(sky, height, axis=0).astype("uint8"))
    draw = ImageDraw.Draw(image)
    draw.ellipse((15, 20, 85, 90), fill=(220, 40, 40), outline=(255, 255, 255), width=3)
    draw.rectangle((105, 15, 180, 70), fill=(30, 90, 220))
    draw.polygon([(40, 150), (100, 150), (70, 100)], fill=(40, 180, 60))
    draw.ellipse((115, 90, 185, 145), fill=(250, 210, 30))
    draw.line((0, 95, width, 80), fill=(255, 255, 255), width=4)
    image.save(path, quality=92)


# --------------------------------------------------------------------------
# A Keras 2 (tf_keras) HDF5 file for the loader tests
# --------------------------------------------------------------------------

def make_tf_keras_file(path, expected_path):
    """Save a tiny CNN with tf_keras (Keras 2) and its output on TF_KERAS_INPUT.

    TF_KERAS_INPUT is np.linspace(-1, 1, 1536).reshape(2, 16, 16, 3); the
    output has shape (2, 2). Checks that Keras 3 loads the file and agrees.
    """
    try:
        import tf_keras
    except ImportError:
        print(f"tf_keras is not installed: skipping {path.name}")
        return False
    tf_keras.utils.set_random_seed(0)
    L = tf_keras.layers
    model = tf_keras.Sequential(
        [
            tf_keras.Input((16, 16, 3)),
            L.Conv2D(4, 3, activation="relu", bias_initializer="random_normal"),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dense(2, bias_initializer="random_normal"),
        ],
        name="tf_keras_small",
    )
    model.save(path)
    expected = model.predict(TF_KERAS_INPUT, verbose=0)
    np.savez(expected_path, input=TF_KERAS_INPUT, output=expected)

    reloaded = keras.models.load_model(path, compile=False)
    np.testing.assert_allclose(reloaded.predict(TF_KERAS_INPUT, verbose=0), expected, atol=1e-5)
    print(f"{path.name}: tf_keras {tf_keras.__version__}, Keras 3 reproduces its output")
    return True


# --------------------------------------------------------------------------
# README and main
# --------------------------------------------------------------------------

README = """\
# Sample models and images

The models and images that actviz ships live in `actviz_tui/samples/` (package
data, inside the wheel; actviz finds them with `importlib.resources`). They are
rebuilt, deterministically and without any download, by

    python sample_models/make_samples.py

(last run: {seconds:.0f} s wall time on {cpus} CPU cores, no GPU, TensorFlow {tf_version}, Keras {keras_version}).

## Data

The models are trained on synthetic chest-X-ray-like images made in code
(`xray()` in the script): a dark background, a bright thorax with a spine,
two darker lung fields crossed by rib arcs, Gaussian noise, and a random
shift, scale and contrast per image. A *positive* image has 1-3 soft bright
opacities (Gaussian blobs) inside the lung fields; a *negative* one has clear
lungs. Classes are balanced. Inputs are scaled to [0, 1] (rescale 1/255, as in
the notebook); loss binary cross-entropy, optimizer Adam. Held-out test sets
use a different seed from the training sets.

## Models

| file | input | params | trained on | held-out accuracy |
|---|---|---|---|---|
| `chest_xray_cnn.h5` | 150x150x3 | {chest_params:,} | {chest_n} images, {chest_epochs} epochs | {chest_acc:.1%} ({test_n} images) |
| `residual_nested.keras` | 64x64x3 | {nested_params:,} | {small_n} images, {small_epochs} epochs | {nested_acc:.1%} ({test_n} images) |
| `grayscale_cnn.keras` | 64x64x1 | {gray_params:,} | {small_n} images, {small_epochs} epochs | {gray_acc:.1%} ({test_n} images) |

- `chest_xray_cnn.h5` is the notebook's model layer for layer, saved in the
  legacy HDF5 format (`model.save("....h5")`, without optimizer state):
  Conv2D(32)-MaxPool-Conv2D(64)-MaxPool-Conv2D(128)-MaxPool-Conv2D(128)-MaxPool
  -Flatten-Dense(512)-Dense(1, sigmoid); 3x3 kernels, ReLU.
- `residual_nested.keras` is functional: a nested functional sub-model
  `backbone` (two Conv2D-BatchNormalization-ReLU-MaxPool stages) used as a
  layer, then a residual block (Conv2D, Conv2D, BatchNormalization, `Add`
  skip connection from the backbone output, ReLU), global max pooling and a
  small Dense head.
- `grayscale_cnn.keras` is Sequential: three Conv2D-MaxPool stages on a
  one-channel input, Flatten, Dense(32), Dense(1, sigmoid).

## Images (`actviz_tui/samples/images/`)

| file | size | what |
|---|---|---|
| `xray_opacity.png` | {xray}x{xray} RGB | the default image: a positive X-ray with three opacities; `chest_xray_cnn.h5` gives {opacity_p:.4f} |
| `xray_clear.png` | {xray}x{xray} RGB | a negative X-ray (clear lungs); `chest_xray_cnn.h5` gives {clear_p:.4f} |
| `shapes.jpg` | {shapes_w}x{shapes_h} RGB | coloured geometric shapes on a gradient, to show resizing and colour |

The X-rays are gray values stored as RGB. The probabilities are for the file
read as RGB, resized to 150x150 with Pillow and divided by 255.

## Test data

`tests/data/tf_keras_small.h5` {tf_keras_note}
"""

TF_KERAS_NOTE = (
    "is a tiny Sequential CNN (16x16x3 input, Conv2D(4)-MaxPool-Flatten-Dense(2)) "
    "saved by `tf_keras` (Keras 2, as the notebook used) in HDF5; "
    "`tests/data/tf_keras_small_expected.npz` holds its output for a fixed input "
    "(`input`: `np.linspace(-1, 1, 1536).reshape(2, 16, 16, 3)`, `output`: shape (2, 2))."
)


def as_rgb(dataset):
    images, labels = dataset
    return np.repeat(images, 3, axis=-1), labels


def make_notebook_model_and_images():
    """Train and save chest_xray_cnn.h5, then the sample images it classifies."""
    fresh_session()
    model = notebook_cnn()
    assert model.count_params() == NOTEBOOK_PARAMS, model.count_params()
    accuracy = train(
        model, xray_dataset(1, CHEST_TRAIN, 150, 3), xray_dataset(2, TEST_SIZE, 150, 3),
        CHEST_EPOCHS, keras.optimizers.Adam(5e-4),
    )
    path = OUT / "chest_xray_cnn.h5"
    model.save(path, include_optimizer=False)
    model = keras.models.load_model(path, compile=False)  # the images are checked on the file
    save_shapes(IMAGES / "shapes.jpg")
    return dict(
        chest_acc=accuracy,
        chest_params=model.count_params(),
        opacity_p=save_xray_sample(model, IMAGES / "xray_opacity.png", 3, first_seed=1001),
        clear_p=save_xray_sample(model, IMAGES / "xray_clear.png", 0, first_seed=2000),
    )


def make_small_models():
    """Train and save residual_nested.keras and grayscale_cnn.keras on 64x64 images."""
    train_set, test_set = xray_dataset(3, SMALL_TRAIN, 64, 1), xray_dataset(4, TEST_SIZE, 64, 1)
    facts = {}
    for key, build, rgb in (("nested", residual_nested, True), ("gray", grayscale_cnn, False)):
        fresh_session()
        model = build()
        data = (as_rgb(train_set), as_rgb(test_set)) if rgb else (train_set, test_set)
        facts[f"{key}_acc"] = train(model, *data, SMALL_EPOCHS, keras.optimizers.Adam(1e-3))
        facts[f"{key}_params"] = model.count_params()
        model.save(OUT / f"{model.name}.keras")
    return facts


def main():
    start = time.perf_counter()
    tf.config.experimental.enable_op_determinism()
    IMAGES.mkdir(parents=True, exist_ok=True)
    TEST_DATA.mkdir(parents=True, exist_ok=True)

    facts = make_notebook_model_and_images()
    facts.update(make_small_models())
    made = make_tf_keras_file(TEST_DATA / "tf_keras_small.h5", TEST_DATA / "tf_keras_small_expected.npz")
    facts.update(
        tf_keras_note=TF_KERAS_NOTE if made else "was not made: tf_keras is not installed.",
        seconds=time.perf_counter() - start, cpus=os.cpu_count(),
        tf_version=tf.__version__, keras_version=keras.__version__,
        chest_n=CHEST_TRAIN, chest_epochs=CHEST_EPOCHS, small_n=SMALL_TRAIN,
        small_epochs=SMALL_EPOCHS, test_n=TEST_SIZE,
        xray=XRAY_SAMPLE_SIZE, shapes_w=SHAPES_SIZE[0], shapes_h=SHAPES_SIZE[1],
    )
    (HERE / "README.md").write_text(README.format(**facts))
    print(f"done in {facts['seconds']:.0f} s")


if __name__ == "__main__":
    main()
