"""Options for opening a model (preprocessing, input, size, labels, cache); light to import (no numpy)."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_CACHE_MB = 512
DEFAULT_PREPROCESSING = "rescale"

# name -> what it does, shown in --help and the UI
PREPROCESSING = {
    "rescale": "pixel values / 255, in [0, 1] (the notebook's rescale=1./255)",
    "none": "raw pixel values in [0, 255]",
    "symmetric": "scaled to [-1, 1] (MobileNet, Inception: mode 'tf')",
    "imagenet": "[0, 1] then ImageNet mean/std per channel (mode 'torch')",
    "caffe": "RGB->BGR, ImageNet channel means subtracted (VGG, ResNet: mode 'caffe')",
}


def default_cache_bytes() -> int:
    """The cache budget: ACTVIZ_CACHE_MB in the environment, else 512 MB."""
    try:
        megabytes = float(os.environ.get("ACTVIZ_CACHE_MB", DEFAULT_CACHE_MB))
    except ValueError:
        megabytes = DEFAULT_CACHE_MB
    return int(max(megabytes, 0) * 1024 * 1024)


@dataclass(frozen=True)
class ModelOptions:
    preprocessing: str = DEFAULT_PREPROCESSING
    image_input: int | None = None  # which model input gets the image; None: the first image-like one
    size: tuple[int, int] | None = None  # (H, W) for models whose input size is None
    cache_bytes: int | None = None  # None: ACTVIZ_CACHE_MB or the default
    custom_objects: tuple[str, ...] = ()  # Python files to import before loading (custom layers)
    labels: str | None = None  # class names file (--labels); None: ImageNet names for 1000 units
