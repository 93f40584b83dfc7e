"""Every zoo architecture (tests/zoo_models.py) loads, traces, and shows the activations plain Keras computes."""

from __future__ import annotations

import os

import numpy as np
import pytest

from zoo_models import ZOO_NAMES, file_name

ANY_SIZE = 32  # the side given to a free-size (None, None, C) input

ONEDNN_OFF = os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0"  # no channels_first convolutions here (tests/conftest.py)


@pytest.mark.parametrize("zoo_model", ZOO_NAMES, indirect=True)
def test_zoo_model_traces_and_shows_what_keras_computes(zoo_model, tmp_path):
    """Loads and traces; then the last layer with maps, for a random input, is plain Keras's output.

    channels_first stops after the trace in this process (oneDNN is off):
    tests/unit/test_channels_first_process.py runs it with oneDNN on.
    """
    from actviz_tui.core.model.engine import Model
    from actviz_tui.core.model.loading import load_model

    model = load_model(zoo_model)
    session = Model(model, zoo_model)
    assert zoo_model.name == file_name(zoo_model.stem)
    assert len(session.layers) >= len(model.layers) >= 2
    assert [info.index for info in session.layers] == list(range(len(session.layers)))
    assert session.image_input_index is not None
    row = _last_map_row(session)
    if session.layers[row].channels_first and ONEDNN_OFF:
        pytest.skip("traced; running channels_first convolutions needs oneDNN on: run in a subprocess")

    arrays = _random_inputs(session)
    shown = session.activations_by_row(arrays[session.image_input_index], [row])[row][0]  # zeros elsewhere
    expected = _keras_output(model, session, row, arrays)
    if session.layers[row].channels_first:
        expected = np.moveaxis(expected, 0, -1)  # actviz shows maps channels last
    assert shown.ndim == 3 and shown.shape == expected.shape
    np.testing.assert_allclose(shown, expected, rtol=1e-5, atol=1e-5)


def _last_map_row(session) -> int:
    return max(info.index for info in session.layers if len(info.output_shape) == 4)


def _random_inputs(session) -> list[np.ndarray]:
    """Random values in [0, 1) for the image input, zeros for the others (as actviz feeds them)."""
    rng = np.random.default_rng(7)
    arrays = []
    for i, info in enumerate(session.inputs):
        shape = (1, *(ANY_SIZE if dim is None else dim for dim in info.shape))
        image = i == session.image_input_index
        arrays.append(rng.random(shape, dtype=np.float32) if image else np.zeros(shape, np.float32))
    return arrays


def _keras_output(model, session, row, arrays) -> np.ndarray:
    """Plain Keras's value of the row for the first sample: the model's own output,
    a truncated model, or, inside a nested base fed straight by the input, the base truncated."""
    import keras

    name = session.layers[row].name
    if row in session.output_rows:
        source, tensor = model, None
    elif "/" not in name:
        source, tensor = model, model.get_layer(name).output
    else:
        outer, inner = name.split("/")
        source = model.get_layer(outer)
        assert model.layers[1] is source and len(model.inputs) == 1  # the input goes straight into the base
        tensor = source.get_layer(inner).output
    inputs = source.inputs if len(source.inputs) > 1 else source.inputs[0]
    runner = source if tensor is None else keras.Model(inputs, tensor)
    output = runner(arrays if len(arrays) > 1 else arrays[0], training=False)
    return keras.ops.convert_to_numpy(output)[0]


def test_building_a_zoo_model_leaves_keras_auto_names_alone():
    """Building names 157 tensors and an input layer automatically; the next auto name is as if it never had."""
    import zoo_models

    keras = zoo_models._keras()
    before = keras.Input((2,)).name
    zoo_models.build("mobilenetv2_nested")
    after = keras.Input((2,)).name
    assert _name_number(after) == _name_number(before) + 1


def _name_number(name: str) -> int:
    """``keras_tensor`` -> 0, ``keras_tensor_7`` -> 7."""
    assert name.startswith("keras_tensor"), name
    return int(name.removeprefix("keras_tensor").lstrip("_") or 0)
