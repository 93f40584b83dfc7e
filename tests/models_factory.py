"""Keras models shared by the tests: tiny ones (8x8 or 16x16 inputs, a few filters)
and one deep one (``deep_resnet``: 170 layers with long ResNet-style names).

Every builder seeds Keras first, so two calls give the same weights. Imports of
Keras happen inside the functions: importing this module costs nothing.
"""

from __future__ import annotations

import numpy as np

SIDE = 8


def _keras():
    from actviz_tui.core.model.backend_env import import_backend

    import_backend()
    import keras

    return keras


def _seed(seed: int = 0):
    keras = _keras()
    keras.utils.set_random_seed(seed)
    return keras


def sequential_no_input(side: int = SIDE):
    """Sequential WITHOUT an Input layer, built with ``.build`` (the notebook's style)."""
    keras = _seed(1)
    model = keras.Sequential(
        [
            keras.layers.Conv2D(4, 3, activation="relu", name="conv_a"),
            keras.layers.MaxPooling2D(2, name="pool_a"),
            keras.layers.Conv2D(6, 2, activation="relu", padding="same", name="conv_b"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(5, activation="relu", name="dense_a"),
            keras.layers.Dense(1, activation="sigmoid", name="out"),
        ],
        name="seq_no_input",
    )
    model.build((None, side, side, 3))
    return model


def functional_branches(side: int = SIDE):
    """Two conv branches joined by Add, then a Concatenate with the input."""
    keras = _seed(2)
    inputs = keras.Input((side, side, 3), name="image")
    left = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="left")(inputs)
    right = keras.layers.Conv2D(4, 1, padding="same", name="right")(inputs)
    added = keras.layers.Add(name="add")([left, right])
    joined = keras.layers.Concatenate(name="concat")([added, inputs])
    pooled = keras.layers.GlobalAveragePooling2D(name="gap")(joined)
    outputs = keras.layers.Dense(3, name="head")(pooled)
    return keras.Model(inputs, outputs, name="branches")


def nested_functional(side: int = SIDE):
    """A functional backbone used as a layer of a functional model."""
    keras = _seed(3)
    inner_in = keras.Input((side, side, 3), name="inner_in")
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv")(inner_in)
    x = keras.layers.Conv2D(5, 3, padding="same", activation="relu", name="conv2")(x)
    backbone = keras.Model(inner_in, x, name="backbone")
    inputs = keras.Input((side, side, 3), name="image")
    y = keras.layers.Rescaling(2.0, offset=-1.0, name="scale")(inputs)
    y = backbone(y)
    y = keras.layers.GlobalAveragePooling2D(name="gap")(y)
    outputs = keras.layers.Dense(2, name="head")(y)
    return keras.Model(inputs, outputs, name="nested_functional")


def nested_sequential(side: int = SIDE):
    """Transfer-learning style: a Sequential base inside a Sequential model."""
    keras = _seed(4)
    base = keras.Sequential(
        [
            keras.Input((side, side, 3)),
            keras.layers.Conv2D(4, 3, activation="relu", name="base_conv"),
            keras.layers.Conv2D(3, 3, activation="relu", name="base_conv2"),
        ],
        name="base",
    )
    model = keras.Sequential(
        [
            keras.Input((side, side, 3)),
            base,
            keras.layers.GlobalAveragePooling2D(name="gap"),
            keras.layers.Dense(2, activation="softmax", name="head"),
        ],
        name="transfer",
    )
    return model


def transfer_functional(side: int = SIDE):
    """The keras.io transfer-learning recipe: a frozen base called with training=False."""
    keras = _seed(12)
    base_in = keras.Input((side, side, 3), name="base_in")
    x = keras.layers.Conv2D(4, 3, padding="same", name="conv")(base_in)
    x = keras.layers.BatchNormalization(name="bn")(x)
    x = keras.layers.ReLU(name="relu")(x)
    base = keras.Model(base_in, x, name="base")
    bn = base.get_layer("bn")  # moving statistics far from the defaults: inference mode shows
    gamma, beta, _, _ = bn.get_weights()
    bn.set_weights([gamma * 1.5, beta + 0.1, np.full(4, 0.3, np.float32), np.full(4, 2.0, np.float32)])
    base.trainable = False
    inputs = keras.Input((side, side, 3), name="image")
    y = keras.layers.Rescaling(1 / 127.5, offset=-1.0, name="prep")(inputs)
    y = base(y, training=False)
    y = keras.layers.GlobalAveragePooling2D(name="gap")(y)
    y = keras.layers.Dropout(0.5, name="drop")(y)
    outputs = keras.layers.Dense(1, name="head")(y)
    return keras.Model(inputs, outputs, name="transfer_functional")


def two_inputs(side: int = SIDE):
    """An image input and a vector input, joined after the conv part."""
    keras = _seed(5)
    image = keras.Input((side, side, 3), name="image")
    vector = keras.Input((4,), name="meta")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(image)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    v = keras.layers.Dense(4, name="meta_dense")(vector)
    joined = keras.layers.Concatenate(name="concat")([x, v])
    outputs = keras.layers.Dense(1, name="head")(joined)
    return keras.Model([image, vector], outputs, name="two_inputs")


def dense_mlp():
    keras = _seed(6)
    inputs = keras.Input((10,), name="features")
    x = keras.layers.Dense(8, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(3, name="logits")(x)
    return keras.Model(inputs, outputs, name="mlp")


def conv1d_sequence(steps: int = 16):
    keras = _seed(7)
    inputs = keras.Input((steps, 3), name="sequence")
    x = keras.layers.Conv1D(6, 3, padding="same", activation="relu", name="conv1d")(inputs)
    x = keras.layers.GlobalAveragePooling1D(name="gap")(x)
    outputs = keras.layers.Dense(2, name="head")(x)
    return keras.Model(inputs, outputs, name="sequence_model")


def grayscale_cnn(side: int = SIDE):
    keras = _seed(8)
    inputs = keras.Input((side, side, 1), name="gray")
    x = keras.layers.Conv2D(3, 3, padding="same", activation="relu", name="conv")(inputs)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = keras.layers.Dense(1, name="head")(x)
    return keras.Model(inputs, outputs, name="grayscale")


def dead_units_cnn(side: int = 16):
    """Grayscale input; ``conv_g`` (8 filters over one input) with filters 2 and 5 all zero,
    so its channels 2 and 5 are dead (the others alive); ``conv_d`` with filter 1 at
+-2e-34 (float dust), its channel 1 dead;
    a 1000-way softmax head of zeros: every class at p = 0.001."""
    keras = _seed(9)
    inputs = keras.Input((side, side, 1), name="gray")
    x = keras.layers.Conv2D(8, 3, activation="relu", name="conv_g")(inputs)
    x = keras.layers.Conv2D(6, 3, activation="relu", name="conv_d")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    outputs = keras.layers.Dense(1000, activation="softmax", name="classes")(x)
    model = keras.Model(inputs, outputs, name="dead_units")
    kernel, bias = model.get_layer("conv_g").get_weights()
    bias[:] = 0.5  # every other filter alive on any input
    kernel[..., [2, 5]], bias[[2, 5]] = 0.0, 0.0
    model.get_layer("conv_g").set_weights([kernel, bias])
    kernel, bias = model.get_layer("conv_d").get_weights()
    bias[:] = 0.5
    kernel[..., 1], bias[1] = np.sign(kernel[..., 1]) * 2e-34, 0.0
    model.get_layer("conv_d").set_weights([kernel, bias])
    head = model.get_layer("classes")
    head.set_weights([np.zeros_like(w) for w in head.get_weights()])
    return model


def free_size_cnn():
    """``keras.Input((None, None, 3))`` + GlobalAveragePooling: any image size."""
    keras = _seed(9)
    inputs = keras.Input((None, None, 3), name="image")
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv")(inputs)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(2, name="head")(x)
    return keras.Model(inputs, outputs, name="free_size")


def lambda_model(side: int = SIDE):
    """Holds a Lambda layer: Keras safe mode refuses to load it from .keras."""
    keras = _seed(10)
    inputs = keras.Input((side, side, 3), name="image")
    outputs = keras.layers.Lambda(lambda t: t * 2.0, name="double")(inputs)
    return keras.Model(inputs, outputs, name="with_lambda")


def channels_first_cnn(side: int = 16):
    """``data_format="channels_first"`` throughout: input (3, side, side), maps (C, H, W)."""
    keras = _seed(11)
    inputs = keras.Input((3, side, side), name="image_chw")
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu", data_format="channels_first", name="conv_a")(inputs)
    x = keras.layers.BatchNormalization(axis=1, name="bn")(x)
    x = keras.layers.MaxPooling2D(data_format="channels_first", name="pool")(x)
    x = keras.layers.Conv2D(5, 3, padding="same", data_format="channels_first", name="conv_b")(x)
    x = keras.layers.GlobalAveragePooling2D(data_format="channels_first", name="gap")(x)
    outputs = keras.layers.Dense(2, name="head")(x)
    return keras.Model(inputs, outputs, name="channels_first")


def flat_mlp(side: int = 28):
    """An MNIST-style MLP on a flat (side*side,) input."""
    keras = _seed(12)
    inputs = keras.Input((side * side,), name="pixels")
    x = keras.layers.Dense(16, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(10, name="digits")(x)
    return keras.Model(inputs, outputs, name="flat_mlp")


def rescaling_base_transfer(side: int = 16):
    """EfficientNet-style: the Rescaling + Normalization sit inside a nested base model."""
    keras = _seed(13)
    base_in = keras.Input((side, side, 3), name="base_input")
    x = keras.layers.Rescaling(1 / 255, name="rescaling")(base_in)
    x = keras.layers.Normalization(axis=-1, mean=[0.5, 0.5, 0.5], variance=[0.25, 0.25, 0.25], name="normalization")(x)
    x = keras.layers.Conv2D(4, 3, name="stem_conv")(x)
    base = keras.Model(base_in, x, name="efficientnetb0")
    inputs = keras.Input((side, side, 3), name="image")
    y = keras.layers.GlobalAveragePooling2D(name="gap")(base(inputs))
    return keras.Model(inputs, keras.layers.Dense(1, name="head")(y), name="transfer")


DEEP_SIDE = 32
# (stage, blocks, bottleneck filters, output filters); a stage after the first halves the map
DEEP_STAGES = ((2, 3, 8, 32), (3, 4, 16, 64), (4, 6, 16, 96), (5, 2, 24, 128))


def deep_resnet(side: int = DEEP_SIDE):
    """A small ResNet50-style model with its layer names: 150+ layers on a 32x32 RGB input.

    ``conv2_block1_1_conv``, ``conv2_block1_1_bn``, ``conv2_block1_1_relu``, ...,
    ``conv5_block2_out``, then a Keras auto-named tail (``conv2d_12``,
    ``batch_normalization_12``, ``activation_12``). Maps shrink 32 -> 2 and
    channels grow 8 -> 128, so most rows are spatial and many have 64+
    channels; few filters keep it fast on a CPU. The batch-norm statistics are
    set away from the defaults so inference mode shows in the activations.
    """
    keras = _seed(13)
    layers = keras.layers
    inputs = keras.Input((side, side, 3), name="input_image")
    x = layers.ZeroPadding2D(1, name="conv1_pad")(inputs)
    x = layers.Conv2D(16, 3, name="conv1_conv")(x)
    x = layers.BatchNormalization(name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, blocks, filters, out in DEEP_STAGES:
        for block in range(1, blocks + 1):
            stride = 2 if block == 1 and stage > 2 else 1
            x = _bottleneck(layers, x, f"conv{stage}_block{block}", filters, out, stride, project=block == 1)
    x = layers.Conv2D(64, 1, name="conv2d_12")(x)
    x = layers.BatchNormalization(name="batch_normalization_12")(x)
    x = layers.Activation("relu", name="activation_12")(x)
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
    model = keras.Model(inputs, outputs, name="deep_resnet")
    rng = np.random.default_rng(13)
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            gamma, beta, _, _ = layer.get_weights()
            size = gamma.shape[0]
            mean = rng.normal(0.0, 0.1, size).astype(np.float32)
            variance = rng.uniform(0.5, 2.0, size).astype(np.float32)
            layer.set_weights([gamma, beta + 0.05, mean, variance])
    return model


def _bottleneck(layers, x, prefix: str, filters: int, out: int, stride: int, project: bool):
    """ResNet50's block: 1x1 -> 3x3 -> 1x1 convolutions added to a shortcut (12 layers, 10 without projection)."""
    if project:
        shortcut = layers.Conv2D(out, 1, strides=stride, name=f"{prefix}_0_conv")(x)
        shortcut = layers.BatchNormalization(name=f"{prefix}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{prefix}_1_conv")(x)
    x = layers.BatchNormalization(name=f"{prefix}_1_bn")(x)
    x = layers.Activation("relu", name=f"{prefix}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{prefix}_2_conv")(x)
    x = layers.BatchNormalization(name=f"{prefix}_2_bn")(x)
    x = layers.Activation("relu", name=f"{prefix}_2_relu")(x)
    x = layers.Conv2D(out, 1, name=f"{prefix}_3_conv")(x)
    x = layers.BatchNormalization(name=f"{prefix}_3_bn")(x)
    x = layers.Add(name=f"{prefix}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{prefix}_out")(x)


def random_batch(shape: tuple, seed: int = 0) -> np.ndarray:
    """A float32 batch of one sample in [0, 1)."""
    return np.random.default_rng(seed).random((1, *shape), dtype=np.float32)


def gradient_rgb(width: int = 24, height: int = 16) -> np.ndarray:
    """A deterministic uint8 RGB picture: red ramps left-right, green top-down."""
    ys, xs = np.mgrid[0:height, 0:width]
    red = xs * 255 // max(width - 1, 1)
    green = ys * 255 // max(height - 1, 1)
    blue = np.full_like(red, 128)
    return np.stack([red, green, blue], axis=2).astype(np.uint8)


def compare_chain(width: int = 4):
    """img -> c1 -> c2 -> c3 (``width`` channels) -> gap -> head: two checkpoints of it for ``actviz compare``."""
    keras = _seed(0)
    inputs = keras.Input((16, 16, 3), name="img")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="c1")(inputs)
    x = keras.layers.Conv2D(4, 3, activation="relu", name="c2")(x)
    x = keras.layers.Conv2D(width, 3, activation="relu", name="c3")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    return keras.Model(inputs, keras.layers.Dense(2, name="head")(x), name="chain")
