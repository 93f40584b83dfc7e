"""Preprocessing hints: own scaling layers (nested ones too) and keras.applications bases by name."""

from __future__ import annotations

import pytest

from actviz_tui.core.inputs.hints import APPLICATION_PREPROCESSING, application_preprocessing
from actviz_tui.core.model.options import PREPROCESSING

import models_factory as mf
from engine_helpers import session_of


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        ("resnet50", "caffe"), ("resnet152", "caffe"), ("resnet50v2", "symmetric"), ("vgg16", "caffe"),
        ("vgg19", "caffe"), ("mobilenetv2_1.00_224", "symmetric"), ("mobilenet_1.00_224", "symmetric"),
        ("MobileNetV3Small", "none"), ("efficientnetb0", "none"), ("efficientnetv2-b0", "none"),
        ("convnext_tiny", "none"), ("inception_v3", "symmetric"), ("inception_resnet_v2", "symmetric"),
        ("xception", "symmetric"), ("densenet121", "imagenet"), ("nasnet_mobile", "symmetric"),
        ("my_cnn", None), ("sequential", None),
    ],
)
def test_applications_are_known_by_name(name, mode):
    found = application_preprocessing(name)
    assert (found[0] if found else None) == mode


def test_every_suggestion_is_a_preprocess_choice():
    assert {mode for _pattern, mode, _family in APPLICATION_PREPROCESSING} <= set(PREPROCESSING)


def test_scaling_inside_a_nested_base_warns():
    model = mf.rescaling_base_transfer()
    hint = session_of(model).preprocessing_hint()
    assert "efficientnetb0/rescaling" in hint and "divided by 255 twice" in hint
    imagenet = session_of(model, preprocessing="imagenet").preprocessing_hint()
    assert "scales its own input" in imagenet and "--preprocess none" in imagenet
    assert session_of(model, preprocessing="none").preprocessing_hint() is None


def test_a_named_base_gets_its_preprocess_suggested():
    import keras

    base_in = keras.Input((8, 8, 3))
    base = keras.Model(base_in, keras.layers.Conv2D(2, 3, name="conv1_conv")(base_in), name="resnet50")
    inputs = keras.Input((8, 8, 3))
    model = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(base(inputs)), name="transfer")
    hint = session_of(model).preprocessing_hint()
    assert "resnet50" in hint and "--preprocess caffe" in hint and "now: rescale" in hint
    assert session_of(model, preprocessing="caffe").preprocessing_hint() is None


def test_plain_models_get_no_hint():
    assert session_of(mf.grayscale_cnn()).preprocessing_hint() is None
