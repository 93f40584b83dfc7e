"""Warn when the chosen --preprocess does not fit the model: it scales its own
input (a Rescaling/Normalization layer before its first weighted layer, nested
bases included), or it is a ``keras.applications`` base that wants another mode.
"""

from __future__ import annotations

import re

from actviz_tui.core.model.options import PREPROCESSING

# keras.applications model names (as Keras names them) -> the --preprocess matching their
# preprocess_input. First match wins, so the longer names come first. "none": the model
# includes its own preprocessing layers and wants raw pixels in [0, 255].
APPLICATION_PREPROCESSING: tuple[tuple[str, str, str], ...] = (
    (r"resnet\d+v2", "symmetric", "ResNetV2"),
    (r"resnet(50|101|152)", "caffe", "ResNet"),
    (r"resnet-?rs", "none", "ResNetRS"),
    (r"vgg1[69]", "caffe", "VGG"),
    (r"mobilenetv3", "none", "MobileNetV3"),
    (r"mobilenetv2", "symmetric", "MobileNetV2"),
    (r"mobilenet", "symmetric", "MobileNet"),
    (r"efficientnet", "none", "EfficientNet"),
    (r"convnext", "none", "ConvNeXt"),
    (r"regnet", "none", "RegNet"),
    (r"inception_resnet_v2", "symmetric", "InceptionResNetV2"),
    (r"inception_v3", "symmetric", "InceptionV3"),
    (r"xception", "symmetric", "Xception"),
    (r"nasnet", "symmetric", "NASNet"),
    (r"densenet", "imagenet", "DenseNet"),
)

SCALING_LAYERS = ("Rescaling", "Normalization")


def application_preprocessing(model_name: str) -> tuple[str, str] | None:
    """(preprocess mode, family) for a keras.applications model name, else None."""
    for pattern, mode, family in APPLICATION_PREPROCESSING:
        if re.match(pattern, model_name, flags=re.IGNORECASE):
            return mode, family
    return None


def preprocessing_hint(model_name: str, layers, mode: str, keras_name: str = "") -> str | None:
    """One warning about the preprocessing, or None when it looks right.

    ``model_name`` is shown; ``keras_name`` (the model's own name) and the nested
    models' names are matched against APPLICATION_PREPROCESSING."""
    scaling = input_scaling_layers(layers)
    if scaling and mode != "none":
        first = scaling[0]
        if mode == "rescale" and first.type == "Rescaling":
            return (
                f"model {model_name} has its own Rescaling layer ({first.name}), so pixels get divided by 255 twice; "
                "use --preprocess none"
            )
        return (
            f"model {model_name} scales its own input ({first.type} layer {first.name}) and expects raw pixels; "
            f"use --preprocess none (now: {mode})"
        )
    for name in [keras_name or model_name, *(info.short_name for info in layers if info.is_model)]:
        known = application_preprocessing(name)
        if known and known[0] != mode:
            wanted, family = known
            return (
                f"{name} looks like a keras.applications {family}, which expects --preprocess {wanted} "
                f"({PREPROCESSING[wanted]}); now: {mode}"
            )
        if known:
            return None
    return None


def input_scaling_layers(layers) -> list:
    """Rescaling/Normalization rows before the first layer with weights (nested models included)."""
    found = []
    for info in layers:
        if info.type in SCALING_LAYERS:
            found.append(info)
        elif info.params > 0 and not info.is_model:
            break
    return found
