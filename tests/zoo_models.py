"""Real architectures for the tests: keras.applications with random weights, plus hand-made shapes.

``ZOO_NAMES`` lists them; ``build(name)`` returns the Keras model and
``save(name, folder)`` writes it (``.keras``, or ``.h5`` for ``legacy_h5``).
Inputs are shrunk to each architecture's smallest size so the whole zoo builds
in seconds on a CPU. Every builder seeds Keras, so weights are reproducible;
``build`` keeps Keras' global auto-name counter as it found it (tests elsewhere
expect layer names such as ``conv2d_3`` from it, and keras.applications
auto-name many of their layers). No pytest here: tests/conftest.py wraps it.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

SIDE = 32  # the smallest input most keras.applications accept with weights=None
CLASSES = 5


def _keras():
    from actviz_tui.core.model.backend_env import import_backend

    import_backend()
    import keras

    return keras


def xception():
    """Xception at its minimum input (71x71)."""
    return _keras().applications.Xception(weights=None, input_shape=(71, 71, 3), classes=CLASSES)


def convnext_tiny():
    """ConvNeXtTiny (its own Normalization preprocessing, LayerScale, stochastic depth)."""
    return _keras().applications.ConvNeXtTiny(weights=None, input_shape=(SIDE, SIDE, 3), classes=CLASSES)


def nasnet_mobile():
    """NASNetMobile (input_shape is compulsory without ImageNet weights)."""
    return _keras().applications.NASNetMobile(weights=None, input_shape=(SIDE, SIDE, 3), classes=CLASSES)


def densenet121():
    return _keras().applications.DenseNet121(weights=None, input_shape=(SIDE, SIDE, 3), classes=CLASSES)


def efficientnetv2_b0():
    """EfficientNetV2B0 (its own Rescaling preprocessing, fused MBConv blocks)."""
    return _keras().applications.EfficientNetV2B0(weights=None, input_shape=(SIDE, SIDE, 3), classes=CLASSES)


def inception_v3():
    """InceptionV3 at its minimum input (75x75); most of its layers are auto-named."""
    return _keras().applications.InceptionV3(weights=None, input_shape=(75, 75, 3), classes=CLASSES)


def vgg16():
    return _keras().applications.VGG16(weights=None, input_shape=(SIDE, SIDE, 3), classes=CLASSES)


def resnet50():
    return _keras().applications.ResNet50(weights=None, input_shape=(SIDE, SIDE, 3), classes=CLASSES)


def mobilenetv2_nested():
    """Transfer learning: MobileNetV2 (no top) called as one layer of an outer model.

    The input goes straight into the base (no layer in between), so the base's
    inner layers see the outer model's input as it is.
    """
    keras = _keras()
    base = keras.applications.MobileNetV2(weights=None, include_top=False, input_shape=(SIDE, SIDE, 3))
    inputs = keras.Input((SIDE, SIDE, 3), name="image")
    x = base(inputs, training=False)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(3, activation="softmax", name="head")(x)
    return keras.Model(inputs, outputs, name="mobilenetv2_transfer")


def channels_first():
    """A residual CNN with data_format="channels_first" everywhere: input (3, 32, 32).

    Building and saving it runs no convolution, so any process may do it. Running
    it does: TensorFlow's CPU has channels_first convolutions only as oneDNN
    kernels, and the test process turns oneDNN off (TF_ENABLE_ONEDNN_OPTS=0, see
    tests/conftest.py ``needs_onednn``). Run it in a subprocess with oneDNN on
    (tests/unit/test_channels_first_process.py).
    """
    keras = _keras()
    layers, fmt = keras.layers, "channels_first"
    inputs = keras.Input((3, SIDE, SIDE), name="image_chw")
    x = layers.Conv2D(8, 3, padding="same", activation="relu", data_format=fmt, name="cf_conv1")(inputs)
    shortcut = x
    x = layers.Conv2D(8, 3, padding="same", activation="relu", data_format=fmt, name="cf_conv2")(x)
    x = layers.Conv2D(8, 3, padding="same", data_format=fmt, name="cf_conv3")(x)
    x = layers.Add(name="cf_add")([shortcut, x])
    x = layers.MaxPooling2D(2, data_format=fmt, name="cf_pool")(x)
    x = layers.Conv2D(16, 3, padding="same", activation="relu", data_format=fmt, name="cf_conv4")(x)
    x = layers.GlobalAveragePooling2D(data_format=fmt, name="cf_gap")(x)
    outputs = layers.Dense(CLASSES, activation="softmax", name="cf_head")(x)
    return keras.Model(inputs, outputs, name="channels_first_residual")


def fully_conv():
    """A segmentation net of any input size: its output is (H, W, 4) class probabilities."""
    keras = _keras()
    layers = keras.layers
    inputs = keras.Input((None, None, 3), name="image_any_size")
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="seg_conv1")(inputs)
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="seg_conv2")(x)
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="seg_conv3")(x)
    outputs = layers.Conv2D(4, 1, activation="softmax", name="seg_classes")(x)
    return keras.Model(inputs, outputs, name="fully_conv_segmenter")


def two_input():
    """An image (32, 32, 3) and a vector (5,), joined after pooling."""
    keras = _keras()
    layers = keras.layers
    image = keras.Input((SIDE, SIDE, 3), name="image")
    vector = keras.Input((5,), name="vector")
    x = layers.Conv2D(8, 3, activation="relu", name="ti_conv1")(image)
    x = layers.MaxPooling2D(2, name="ti_pool")(x)
    x = layers.Conv2D(8, 3, activation="relu", name="ti_conv2")(x)
    x = layers.GlobalAveragePooling2D(name="ti_gap")(x)
    v = layers.Dense(4, activation="relu", name="ti_vector_dense")(vector)
    x = layers.Concatenate(name="ti_concat")([x, v])
    outputs = layers.Dense(CLASSES, activation="softmax", name="ti_head")(x)
    return keras.Model([image, vector], outputs, name="two_input")


def legacy_h5():
    """A Sequential CNN, saved by ``save`` in the legacy HDF5 format (``.h5``)."""
    keras = _keras()
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input((SIDE, SIDE, 3), name="h5_image"),
            layers.Conv2D(8, 3, activation="relu", name="h5_conv1"),
            layers.MaxPooling2D(2, name="h5_pool1"),
            layers.Conv2D(16, 3, activation="relu", name="h5_conv2"),
            layers.MaxPooling2D(2, name="h5_pool2"),
            layers.Flatten(name="h5_flatten"),
            layers.Dense(CLASSES, activation="softmax", name="h5_head"),
        ],
        name="legacy_h5_cnn",
    )


def residual_add():
    """Two residual blocks whose Add layers have Keras' default names ``add`` and ``add_1``.

    The names are given explicitly, so they do not depend on what Keras built
    before (the case that broke class heatmaps: a layer named like the op it is).
    """
    keras = _keras()
    layers = keras.layers
    inputs = keras.Input((SIDE, SIDE, 3), name="image")
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="ra_stem")(inputs)
    for block, add_name in enumerate(("add", "add_1"), start=1):
        y = layers.Conv2D(8, 3, padding="same", activation="relu", name=f"ra_block{block}_conv1")(x)
        y = layers.Conv2D(8, 3, padding="same", name=f"ra_block{block}_conv2")(y)
        x = layers.Add(name=add_name)([x, y])
        x = layers.Activation("relu", name=f"ra_block{block}_relu")(x)
    x = layers.GlobalAveragePooling2D(name="ra_gap")(x)
    outputs = layers.Dense(CLASSES, activation="softmax", name="ra_head")(x)
    return keras.Model(inputs, outputs, name="residual_add")


BUILDERS = {
    "xception": xception,
    "convnext_tiny": convnext_tiny,
    "nasnet_mobile": nasnet_mobile,
    "densenet121": densenet121,
    "efficientnetv2_b0": efficientnetv2_b0,
    "inception_v3": inception_v3,
    "vgg16": vgg16,
    "resnet50": resnet50,
    "mobilenetv2_nested": mobilenetv2_nested,
    "channels_first": channels_first,
    "fully_conv": fully_conv,
    "two_input": two_input,
    "legacy_h5": legacy_h5,
    "residual_add": residual_add,
}
ZOO_NAMES = tuple(BUILDERS)
SEEDS = {name: seed for seed, name in enumerate(ZOO_NAMES, start=100)}


def build(name: str):
    """The model ``name`` with its seeded random weights; Keras' name counter is left as it was."""
    if name not in BUILDERS:
        raise ValueError(f"no zoo model {name!r}; the zoo has {', '.join(ZOO_NAMES)}")
    keras = _keras()
    with _name_counter_kept():
        keras.utils.set_random_seed(SEEDS[name])
        return BUILDERS[name]()


def file_name(name: str) -> str:
    return f"{name}.h5" if name == "legacy_h5" else f"{name}.keras"


def save(name: str, folder: Path) -> Path:
    """Build ``name`` and save it in ``folder``; returns the file's path."""
    path = Path(folder) / file_name(name)
    with _name_counter_kept():  # saving .h5 may create objects too
        build(name).save(path)
    return path


@contextlib.contextmanager
def _name_counter_kept():
    """Restore Keras' auto-name counter (``conv2d``, ``conv2d_1``, ...) on the way out.

    Keras keeps it in a private global; if that moves in a later Keras, the
    counter is simply not restored (names in other tests may then shift).
    """
    try:
        from keras.src.backend.common import global_state
    except ImportError:
        yield
        return
    uids = global_state.get_global_attribute("object_name_uids")
    saved = None if uids is None else uids.copy()
    try:
        yield
    finally:
        global_state.set_global_attribute("object_name_uids", saved)
