"""Which rows feed each layer (``LayerInfo.inputs``) and each layer's receptive field.

References for the expected fields (size in input pixels, jump = effective stride):
- VGG16 and ResNet-50: Araujo, Norris & Sim, "Computing Receptive Fields of
  Convolutional Neural Networks", Distill 2019, table 1: vgg_16 212 / 32,
  resnet_v1_50 483 / 32; InceptionV3 1311 / 32 in the same table.
- Every other value below is worked out by hand with size += (k - 1) * dilation * jump,
  jump *= stride, layer by layer (written next to it).
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from actviz_tui.core.analysis.receptive_field import WHOLE_INPUT, ReceptiveField, receptive_fields
from actviz_tui.core.model.engine import Model
from actviz_tui.core.model.graph import LayerInfo


def fields_by_name(path) -> tuple[Model, dict[str, ReceptiveField | None]]:
    model = Model.open(path)
    return model, {info.name: field for info, field in zip(model.layers, model.receptive_fields)}


def square(size: float, jump: float) -> tuple:
    """(size, jump) of a square field: what the published tables give (offsets are tested on their own)."""
    return (size, size), (jump, jump)


def size_jump(field: ReceptiveField | None):
    return field if field is None or field.whole else (field.size, field.jump)


def test_vgg16_matches_the_published_fields(zoo_path):
    _, fields = fields_by_name(zoo_path("vgg16"))
    # 3x3 convs add 2 * jump, 2x2/2 pools add 1 * jump and double it
    expected = {
        "block1_conv1": (3, 1), "block1_conv2": (5, 1), "block1_pool": (6, 2), "block2_conv2": (14, 2),
        "block2_pool": (16, 4), "block3_conv3": (40, 4), "block3_pool": (44, 8), "block4_conv3": (92, 8),
        "block4_pool": (100, 16), "block5_conv3": (196, 16), "block5_pool": (212, 32),  # Distill: 212
    }
    assert {name: size_jump(fields[name]) for name in expected} == {name: square(*v) for name, v in expected.items()}
    assert fields["flatten"] == fields["predictions"] == WHOLE_INPUT
    assert fields["block5_pool"].describe() == "RF 212 px, jump 32"


def test_resnet50_matches_the_published_field_through_its_residual_adds(zoo_path):
    model, fields = fields_by_name(zoo_path("resnet50"))
    # conv1 7x7/2: 7 / 2; pool 3x3/2: 11 / 4; each bottleneck's 3x3 adds 2 * jump; the first
    # block of a stage strides in its first 1x1 (Keras' layout), so its 3x3 already runs at the new jump
    expected = {
        "pool1_pool": (11, 4), "conv2_block3_out": (35, 4), "conv3_block1_out": (51, 8), "conv3_block4_out": (99, 8),
        "conv4_block6_out": (291, 16), "conv5_block1_out": (355, 32), "conv5_block3_out": (483, 32),  # Distill: 483
    }
    assert {name: size_jump(fields[name]) for name in expected} == {name: square(*v) for name, v in expected.items()}
    add = model.layer("conv2_block1_add")
    assert add.inputs == ("conv2_block1_0_bn", "conv2_block1_3_bn")  # the shortcut and the main branch
    assert size_jump(fields["conv2_block1_0_bn"]) == square(11, 4) and size_jump(fields["conv2_block1_add"]) == square(19, 4)  # the larger
    assert fields["avg_pool"] == WHOLE_INPUT


def test_densenet121_concatenations_name_their_branches_and_take_the_larger_field(zoo_path):
    model, fields = fields_by_name(zoo_path("densenet121"))
    assert model.layer("conv2_block1_concat").inputs == ("pool1", "conv2_block1_2_conv")
    assert model.layer("conv2_block2_concat").inputs == ("conv2_block1_concat", "conv2_block2_2_conv")
    assert model.layer("conv1_conv").inputs == ("zero_padding2d",)
    assert model.layer("zero_padding2d").inputs == ("input_layer",)
    # pool1 11 / 4 (as ResNet); each dense block's 3x3 adds 8; six blocks: 59; avg pool 2x2/2: 63 / 8
    assert size_jump(fields["pool1"]) == square(11, 4) and size_jump(fields["conv2_block1_concat"]) == square(19, 4)
    assert size_jump(fields["conv2_block6_concat"]) == square(59, 4) and size_jump(fields["pool2_pool"]) == square(63, 8)


def test_the_bundled_samples(sample_h5, sample_nested_keras):
    model, fields = fields_by_name(sample_h5)
    # 3x3 conv, 2x2/2 pool, four times: 3, 4 / 2, 8, 10 / 4, 18, 22 / 8, 38, 46 / 16
    sizes = [(3, 1), (4, 2), (8, 2), (10, 4), (18, 4), (22, 8), (38, 8), (46, 16)]
    assert [size_jump(fields[info.name]) for info in model.layers[:8]] == [square(*v) for v in sizes]
    assert model.layers[0].inputs == () and model.layers[1].inputs == ("conv2d",)
    assert fields["flatten"] == fields["dense_1"] == WHOLE_INPUT
    nested, fields = fields_by_name(sample_nested_keras)
    # backbone: conv 3x3, pool 2x2/2, conv 3x3, pool 2x2/2 = 10 / 4; then two 3x3 convs = 26 / 4
    assert nested.layer("backbone/bb_conv16").inputs == ("image",)  # into the nested model
    assert nested.layer("res_conv1").inputs == ("backbone",)  # out of it: its own row
    assert nested.layer("skip_add").inputs == ("backbone", "res_bn")
    assert fields["backbone"] == fields["backbone/bb_pool32"] and size_jump(fields["backbone"]) == square(10, 4)
    assert fields["res_conv2"] == fields["skip_add"] and size_jump(fields["skip_add"]) == square(26, 4)


# ----- the rules, on rows made by hand --------------------------------------------------

def row(index, name, kind, shape, inputs=()) -> LayerInfo:
    return LayerInfo(index, name, kind, (None, *shape), 0, 0, False, inputs=tuple(inputs))


def layer(kind: str, **attributes):
    return type(kind, (), {})() if not attributes else type(kind, (SimpleNamespace,), {})(**attributes)


def test_dilation_strides_transposes_upsampling_and_non_square_kernels():
    rows = [
        row(0, "in", "InputLayer", (64, 64, 3)),
        row(1, "dilated", "Conv2D", (64, 64, 8), ["in"]),  # 3x3, dilation 2: 1 + 2*2 = 5
        row(2, "strided", "Conv2D", (32, 32, 8), ["dilated"]),  # 1x7 stride 2: 5 / 5 + 6 = 11
        row(3, "up", "UpSampling2D", (64, 64, 8), ["strided"]),  # jump / 2
        row(4, "deconv", "Conv2DTranspose", (128, 128, 8), ["up"]),  # jump / 2, then + (3 - 1) * 0.5
    ]
    objects = {
        "dilated": layer("Conv2D", kernel_size=(3, 3), strides=(1, 1), dilation_rate=(2, 2)),
        "strided": layer("Conv2D", kernel_size=(1, 7), strides=(2, 2), dilation_rate=(1, 1)),
        "up": layer("UpSampling2D", size=(2, 2)),
        "deconv": layer("Conv2DTranspose", kernel_size=(3, 3), strides=(2, 2), dilation_rate=(1, 1)),
    }
    fields = receptive_fields(rows, objects)
    assert size_jump(fields[1]) == square(5, 1)
    # offsets (valid padding): dilated + (3 - 1) * 2 / 2 = 2; strided + (0, 3); up - 0.5 * 1; deconv - 1 * 0.5
    assert fields[1].offset == (2, 2)
    assert fields[2] == ReceptiveField((5, 11), (2, 2), (2, 5)) and fields[2].describe() == "RF 5x11 px, jump 2"
    assert fields[3] == ReceptiveField((5, 11), (1, 1), (1.5, 4.5))
    assert fields[4] == ReceptiveField((6, 12), (0.5, 0.5), (1, 4)) and fields[4].describe() == "RF 6x12 px, jump 0.5"


def test_a_global_branch_marks_the_field_and_an_unknown_reshape_is_unknown():
    rows = [
        row(0, "in", "InputLayer", (16, 16, 3)),
        row(1, "conv", "Conv2D", (16, 16, 4), ["in"]),  # 3x3: 3
        row(2, "squeeze", "GlobalAveragePooling2D", (4,), ["conv"]),
        row(3, "excite", "Reshape", (1, 1, 4), ["squeeze"]),
        row(4, "scale", "Multiply", (16, 16, 4), ["conv", "excite"]),  # squeeze-and-excitation
        row(5, "fold", "Reshape", (8, 32, 4), ["scale"]),
    ]
    objects = {"conv": layer("Conv2D", kernel_size=(3, 3), strides=(1, 1), dilation_rate=(1, 1)),
               "squeeze": layer("GlobalAveragePooling2D"), "excite": layer("Reshape"),
               "scale": layer("Multiply"), "fold": layer("Reshape")}
    fields = receptive_fields(rows, objects)
    assert fields[2] == fields[3] == WHOLE_INPUT and fields[3].describe() == "RF: whole input"
    assert fields[4] == ReceptiveField((3, 3), (1, 1), (1, 1), global_context=True)
    assert fields[4].describe() == "RF 3 px + whole-input context, jump 1"
    assert fields[5] is None


def test_a_first_layer_without_an_input_row_starts_from_one_pixel():
    rows = [row(0, "conv", "Conv1D", (30, 4)), row(1, "pool", "MaxPooling1D", (15, 4), ["conv"])]
    objects = {"conv": layer("Conv1D", kernel_size=(5,), strides=(1,), dilation_rate=(1,)),
               "pool": layer("MaxPooling1D", pool_size=(2,), strides=(2,))}
    fields = receptive_fields(rows, objects)
    assert fields == [ReceptiveField((5,), (1,), (2,)), ReceptiveField((6,), (2,), (2.5,))]
    assert fields[1].describe() == "RF 6 steps, jump 2"


@pytest.mark.parametrize("name", ["convnext_tiny", "nasnet_mobile", "inception_v3"])
def test_every_row_of_a_zoo_model_has_a_field(zoo_path, name):
    model, fields = fields_by_name(zoo_path(name))
    assert all(field is not None for row_name, field in fields.items() if model.layer(row_name).type != "InputLayer")
    if name == "inception_v3":
        assert size_jump(fields["mixed10"]) == square(1311, 32)  # Distill: 1311
        assert model.layer("mixed0").inputs == ("activation_5", "activation_7", "activation_10", "activation_11")
    if name == "convnext_tiny":  # x + block(x) is an operation, no row: the rows behind it feed the next block
        first = model.layer("convnext_tiny_stage_0_block_1_depthwise_conv")
        assert set(first.inputs) == {"convnext_tiny_stem", "convnext_tiny_stage_0_block_0_identity"}
        # stem 4x4/4: 4 / 4; each block's 7x7 depthwise conv adds 6 * 4
        assert size_jump(fields["convnext_tiny_stage_0_block_1_depthwise_conv"]) == square(52, 4)
