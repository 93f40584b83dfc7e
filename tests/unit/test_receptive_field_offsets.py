"""Receptive-field offsets: the centre of position 0's field in input pixels (position i's
at offset + i * jump), worked out by hand and measured on real Keras models as the box of
input pixels a position's gradient reaches."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from actviz_tui.core.analysis.receptive_field import receptive_fields
from actviz_tui.core.model.engine import Model
from actviz_tui.core.model.graph import LayerInfo


def by_name(model: Model) -> dict:
    return {info.name: field for info, field in zip(model.layers, model.receptive_fields)}


def test_a_plain_chain_the_bundled_sample(sample_h5):
    fields = by_name(Model.open(sample_h5))
    # 3x3 valid conv: + 1 * jump; 2x2/2 pool: + 0.5 * jump; four times
    offsets = {"conv2d": 1, "max_pooling2d": 1.5, "conv2d_1": 3.5, "max_pooling2d_1": 4.5, "conv2d_2": 8.5,
               "max_pooling2d_2": 10.5, "conv2d_3": 18.5, "max_pooling2d_3": 22.5}
    assert {name: fields[name].offset for name in offsets} == {name: (v, v) for name, v in offsets.items()}
    assert fields["max_pooling2d_3"].centre((6, 6)) == (118.5, 118.5)  # as explain's geometry places cell 6
    assert fields["max_pooling2d_3"].as_json() == {"size": [46, 46], "stride": [16, 16], "offset": [22.5, 22.5],
                                                   "global_context": False}
    assert fields["flatten"].as_json() is None


def test_a_nested_base(sample_nested_keras):
    fields = by_name(Model.open(sample_nested_keras))
    # backbone: 3x3 same conv (centre stays 0), 2x2/2 pool (+0.5), 3x3 same, 2x2/2 pool (+0.5 * 2) = 1.5
    assert fields["backbone/bb_pool32"].offset == fields["backbone"].offset == (1.5, 1.5)
    assert fields["skip_add"].offset == (1.5, 1.5)  # the union of two fields centred alike


def test_vgg16_offsets(zoo_path):
    fields = by_name(Model.open(zoo_path("vgg16")))
    # same 3x3 convs keep the centre; each 2x2/2 pool adds half its input jump: 0.5, 1.5, 3.5, 7.5, 15.5
    assert [fields[f"block{b}_pool"].offset[0] for b in range(1, 6)] == [0.5, 1.5, 3.5, 7.5, 15.5]


def row(index, name, kind, shape, inputs=()) -> LayerInfo:
    return LayerInfo(index, name, kind, (None, *shape), 0, 0, False, inputs=tuple(inputs))


def layer(kind: str, **attributes):
    return type(kind, (SimpleNamespace,), {})(**attributes)


def conv(kernel, stride, padding, dilation=1):
    return layer("Conv2D", kernel_size=(kernel, kernel), strides=(stride, stride),
                 dilation_rate=(dilation, dilation), padding=padding)


@pytest.mark.parametrize("side, offset", [(8, 1), (7, 0)])
def test_same_padding_with_a_stride_pads_as_tensorflow(side, offset):
    """3x3/2 same: total padding (ceil(n/2) - 1) * 2 + 3 - n: 1 on 8 (0 before), 2 on 7 (1 before)."""
    rows = [row(0, "in", "InputLayer", (side, side, 1)), row(1, "c", "Conv2D", ((side + 1) // 2,) * 2 + (1,), ["in"])]
    (field,) = receptive_fields(rows, {"c": conv(3, 2, "same")})[1:]
    assert field.offset == (offset, offset) and field.size == (3, 3) and field.jump == (2, 2)


def test_padding_cropping_and_a_union_of_shifted_branches():
    rows = [
        row(0, "in", "InputLayer", (16, 16, 1)),
        row(1, "pad", "ZeroPadding2D", (20, 18, 1), ["in"]),  # 2 rows, 1 column before
        row(2, "crop", "Cropping2D", (18, 16, 1), ["pad"]),  # 1 row, 1 column cropped before
        row(3, "a", "Conv2D", (16, 14, 1), ["crop"]),  # 3x3 valid: +1
        row(4, "b", "Conv2D", (16, 14, 1), ["crop"]),  # 1x1 valid: +0, size 1
        row(5, "sum", "Add", (16, 14, 1), ["a", "b"]),
    ]
    objects = {"pad": layer("ZeroPadding2D", padding=((2, 2), (1, 1))),
               "crop": layer("Cropping2D", cropping=((1, 1), (1, 1))),
               "a": conv(3, 1, "valid"), "b": conv(1, 1, "valid")}
    fields = receptive_fields(rows, objects)
    assert fields[1].offset == (-2, -1) and fields[2].offset == (-1, 0)
    assert fields[3].offset == (0, 1) and fields[4].offset == (-1, 0)
    # a's box: [-1.5, 1.5] x [-0.5, 2.5]; b's: [-1.5, -0.5] x [-0.5, 0.5]: the union is a's
    assert fields[5].offset == (0, 1) and fields[5].size == (3, 3)


def gradient_box(keras_model, layer_name: str, position: tuple[int, int]) -> tuple[tuple, tuple]:
    """(rows, cols) of input pixels the gradient of one position's channel sum reaches, clipped to the image."""
    import keras
    import tensorflow as tf

    probe = keras.Model(keras_model.inputs, keras_model.get_layer(layer_name).output)
    x = tf.constant(np.random.default_rng(0).uniform(0.5, 1.5, (1, *keras_model.input_shape[1:])), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        value = tf.reduce_sum(probe(x)[0, position[0], position[1], :])
    reached = np.abs(tape.gradient(value, x).numpy()[0]).sum(axis=-1) > 0
    rows, cols = np.nonzero(reached.any(axis=1))[0], np.nonzero(reached.any(axis=0))[0]
    return (rows.min(), rows.max()), (cols.min(), cols.max())


def test_offsets_match_the_pixels_a_position_really_sees():
    """A chain with same and valid padding, strides, a dilation and a pooling window: the field's box
    around each probed position is the box the gradient reaches (where it lies inside the image)."""
    import keras

    inputs = keras.Input((37, 37, 1), name="rf_in")
    x = keras.layers.Conv2D(2, 3, strides=2, padding="same", name="rf_a")(inputs)
    x = keras.layers.Conv2D(2, 3, dilation_rate=2, padding="valid", name="rf_b")(x)
    x = keras.layers.AveragePooling2D(3, strides=2, padding="same", name="rf_c")(x)  # max: sparse gradients
    x = keras.layers.Conv2D(2, 5, padding="same", name="rf_d")(x)
    model = keras.Model(inputs, x, name="rf_chain")
    for layer in model.layers[1:]:
        layer.set_weights([np.ones_like(w) if w.ndim > 1 else np.full_like(w, 0.1) for w in layer.get_weights()])
    engine = Model(model, None)
    fields = by_name(engine)
    for name in ("rf_a", "rf_b", "rf_c", "rf_d"):
        field = fields[name]
        side = model.get_layer(name).output.shape[1]
        for position in {(side // 2, side // 2), (1, side - 2)}:
            centre = field.centre(position)
            expected = [(max(0, int(np.ceil(c - s / 2))), min(36, int(np.floor(c + s / 2 - 1e-9))))
                        for c, s in zip(centre, field.size)]
            assert gradient_box(model, name, position) == tuple(expected), (name, position)
