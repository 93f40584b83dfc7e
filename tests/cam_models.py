"""Models for the class-heatmap tests: a MobileNetV2 base inside a Sequential
(transfer learning), a separable-convolution residual CNN with a global-pooling
head (the shape whose gradients crash TensorFlow with oneDNN on), a
Flatten + softmax head, a two-output model and a two-input model. Random
weights (``weights=None``), tiny inputs: each builds in a few seconds at most.
"""

from __future__ import annotations

from models_factory import _seed


def mobilenet_in_sequential(side: int = 64, classes: int = 5):
    keras = _seed(21)
    base = keras.applications.MobileNetV2(
        input_shape=(side, side, 3), alpha=0.35, include_top=False, weights=None
    )
    return keras.Sequential(
        [
            keras.Input((side, side, 3)),
            base,
            keras.layers.GlobalAveragePooling2D(name="pool"),
            keras.layers.Dense(classes, activation="softmax", name="classes"),
        ],
        name="mobilenet_transfer",
    )


def separable_residual_gap(side: int = 32):
    """Grayscale input, separable convolutions, residual adds, GAP, sigmoid."""
    keras = _seed(22)
    layers = keras.layers
    inputs = keras.Input((side, side, 1), name="gray")
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="stem")(inputs)
    for block in range(2):
        y = layers.SeparableConv2D(8, 3, padding="same", activation="relu", name=f"sep{block}a")(x)
        y = layers.SeparableConv2D(8, 3, padding="same", name=f"sep{block}b")(y)
        x = layers.ReLU(name=f"relu{block}")(layers.Add(name=f"add{block}")([x, y]))
        x = layers.MaxPooling2D(name=f"pool{block}")(x)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="opacity")(x)
    return keras.Model(inputs, outputs, name="separable_residual")


def flatten_softmax(side: int = 12, classes: int = 3):
    keras = _seed(23)
    return keras.Sequential(
        [
            keras.Input((side, side, 3)),
            keras.layers.Conv2D(4, 3, activation="relu", name="conv"),
            keras.layers.MaxPooling2D(name="pool"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(classes, activation="softmax", name="classes"),
        ],
        name="flatten_softmax",
    )


def two_outputs(side: int = 12):
    """Output "a" depends on conv_a only, output "b" on conv_b only."""
    keras = _seed(24)
    inputs = keras.Input((side, side, 3), name="image")
    a = keras.layers.Conv2D(4, 3, activation="relu", name="conv_a")(inputs)
    b = keras.layers.Conv2D(4, 3, activation="relu", name="conv_b")(inputs)
    out_a = keras.layers.Dense(2, name="a")(keras.layers.GlobalAveragePooling2D(name="gap_a")(a))
    out_b = keras.layers.Dense(2, name="b")(keras.layers.GlobalAveragePooling2D(name="gap_b")(b))
    return keras.Model(inputs, [out_a, out_b], name="two_outputs")


def segmentation(side: int = 16, classes: int = 3):
    """Fully convolutional: (side, side, classes) softmax maps, no dense head."""
    keras = _seed(25)
    layers = keras.layers
    inputs = keras.Input((side, side, 3), name="image")
    x = layers.Conv2D(6, 3, padding="same", activation="relu", name="enc")(inputs)
    x = layers.MaxPooling2D(name="down")(x)
    x = layers.Conv2D(8, 3, padding="same", activation="relu", name="mid")(x)
    x = layers.UpSampling2D(name="up")(x)
    outputs = layers.Conv2D(classes, 1, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="segmentation")


def residual_default_names(side: int = 16):
    """Residual adds under the names Keras gives in a fresh process ("add", "add_1"):
    the names an op added to the graph under its default name would take too."""
    keras = _seed(26)
    layers = keras.layers
    inputs = keras.Input((side, side, 3), name="input_layer")
    x = layers.Conv2D(4, 3, padding="same", activation="relu", name="conv2d")(inputs)
    for block in range(2):
        y = layers.Conv2D(4, 3, padding="same", name=f"conv2d_{block + 1}")(x)
        x = layers.Add(name="add" if block == 0 else f"add_{block}")([x, y])
    x = layers.GlobalAveragePooling2D(name="global_average_pooling2d")(x)
    outputs = layers.Dense(3, activation="softmax", name="dense")(x)
    return keras.Model(inputs, outputs, name="functional")


def layout_twins(side: int = 12, classes: int = 3):
    """The same network (same weights) channels_last and channels_first: (last, first)."""
    keras = _seed(27)
    layers = keras.layers

    def build(fmt: str):
        shape = (side, side, 3) if fmt == "channels_last" else (3, side, side)
        inputs = keras.Input(shape, name="image")
        x = layers.Conv2D(4, 3, padding="same", activation="relu", data_format=fmt, name="conv_a")(inputs)
        x = layers.MaxPooling2D(data_format=fmt, name="pool")(x)
        x = layers.Conv2D(5, 3, activation="relu", data_format=fmt, name="conv_b")(x)
        x = layers.GlobalAveragePooling2D(data_format=fmt, name="gap")(x)
        outputs = layers.Dense(classes, activation="softmax", name="head")(x)
        return keras.Model(inputs, outputs, name=f"twin_{fmt}")

    last, first = build("channels_last"), build("channels_first")
    first.set_weights(last.get_weights())  # kernels are (kh, kw, in, out) in both layouts
    return last, first


def wide_gap(side: int = 12, channels: int = 80, classes: int = 3):
    """One convolution wider than Score-CAM's default cap (64 channels), GAP, softmax."""
    keras = _seed(28)
    inputs = keras.Input((side, side, 3), name="image")
    x = keras.layers.Conv2D(channels, 3, padding="same", activation="relu", name="wide")(inputs)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(classes, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name="wide_gap")
