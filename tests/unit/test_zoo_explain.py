"""Every zoo architecture (tests/zoo_models.py) gives class heatmaps for a batch of
two images with every method, headless: Xception, ConvNeXt, NASNet, DenseNet,
EfficientNetV2, InceptionV3, VGG16, ResNet50, a nested MobileNetV2, channels_first,
fully convolutional, two-input, legacy .h5, and Keras' default "add" names.
Score-CAM runs as Faster Score-CAM (8 channels) to keep the zoo quick."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from actviz_tui.core.explain import METHODS, explain
from zoo_models import ZOO_NAMES

ONEDNN_OFF = os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0"
ANY_SIZE = 32
FAST = {"scorecam": {"max_channels": 8}, "integrated_gradients": {"steps": 3}, "smoothgrad": {"samples": 3},
        "rise": {"masks": 3}}


def image_batch(model, count: int = 2) -> np.ndarray:
    info = model.inputs[model.image_input_index]
    shape = tuple(ANY_SIZE if dim is None else dim for dim in info.shape)
    return np.random.default_rng(11).uniform(0, 1, (count, *shape)).astype(np.float32)


@pytest.mark.parametrize("zoo_model", ZOO_NAMES, indirect=True)
def test_zoo_model_explains_a_batch_with_every_method(zoo_model):
    from actviz_tui.core.model.engine import Model

    model = Model.open(zoo_model)
    if model.inputs[0].channels_first and ONEDNN_OFF:
        pytest.skip("channels_first convolutions need oneDNN on: test_channels_first_process.py runs it")
    x = image_batch(model)
    side = x.shape[2:4] if model.inputs[model.image_input_index].channels_first else x.shape[1:3]
    seconds = {}
    for method in METHODS:
        start = time.perf_counter()
        result = explain(model, x, method, **FAST.get(method, {}))
        seconds[method] = time.perf_counter() - start
        assert result.heatmaps.shape == (2, *side), method
        assert np.isfinite(result.heatmaps).all() and result.heatmaps.min() >= 0 and result.heatmaps.max() <= 1
        assert all(item.max() == pytest.approx(1.0) or note for item, note in zip(result.heatmaps, result.notes))
        assert result.classes.shape == result.scores.shape == (2,)
    print(f"\n{zoo_model.stem}: " + ", ".join(f"{m} {s:.2f} s" for m, s in seconds.items()))
