"""Filter patterns on every zoo architecture: a mid-depth channel and an output class
are optimised, their inputs are what the model takes, and their scores rise."""

from __future__ import annotations

import os

import numpy as np
import pytest

from zoo_models import ZOO_NAMES

ONEDNN_OFF = os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0"  # channels_first convolutions: see test_channels_first_process
STEPS = 6


@pytest.mark.parametrize("zoo_model", ZOO_NAMES, indirect=True)
def test_patterns_of_a_mid_layer_and_a_class_on_the_zoo(zoo_model):
    from actviz_tui.core.model.engine import Model
    from actviz_tui.core.model.options import ModelOptions
    from actviz_tui.core.patterns import pattern_target

    model = Model.open(zoo_model, ModelOptions(size=(32, 32)))
    maps = [info.index for info in model.layers if info.has_maps and "Conv" in info.type]  # a pre-activation target
    mid, head = maps[len(maps) // 2], len(model.layers) - 1
    if (model.layers[mid].channels_first or model.inputs[0].channels_first) and ONEDNN_OFF:
        pytest.skip("channels_first convolutions need oneDNN on: tests/unit/test_channels_first_process.py")
    start = model.patterns(mid, [0, 1], steps=1, use_cache=False, batch_size=2)
    result = model.patterns(mid, [0, 1], steps=STEPS, use_cache=False, batch_size=2)
    image_input = model.inputs[model.image_input_index]
    assert result.inputs.shape[1:] == tuple(d or 32 for d in image_input.shape)
    assert np.isfinite(result.pixels).all() and 0 <= result.pixels.min() and result.pixels.max() <= 1
    assert (result.scores >= start.scores - 1e-4).all() and (result.scores > start.scores).any()
    if pattern_target(model, head).kind == "classes":
        classes = model.patterns(head, [1], steps=2, use_cache=False, batch_size=1)
        assert np.isfinite(classes.scores).all()
