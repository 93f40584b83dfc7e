"""--custom-objects FILE.py: the user's module is imported before loading, so
registered custom layers resolve; without it the error names the class and the option."""

from __future__ import annotations

import textwrap
import uuid

import numpy as np
import pytest

from actviz_tui.core.errors import ModelLoadError
from actviz_tui.core.model.loading import load_model
from actviz_tui.core.session.model_session import ModelSession
from actviz_tui.core.model.options import ModelOptions

import models_factory as mf

LAYER_SOURCE = """
import keras

@keras.saving.register_keras_serializable(package="{package}")
class TimesTwo(keras.layers.Layer):
    def call(self, inputs):
        return inputs * 2.0
"""


@pytest.fixture
def custom_model(tmp_path):
    """A model saved with a custom layer whose class is then forgotten, and the file defining it."""
    import keras

    package = f"actviz_test_{uuid.uuid4().hex[:8]}"  # a fresh registration per test
    source = textwrap.dedent(LAYER_SOURCE.format(package=package))
    namespace: dict = {}
    exec(source, namespace)
    keras.utils.set_random_seed(1)
    inputs = keras.Input((8, 8, 3), name="image")
    conv = keras.layers.Conv2D(2, 3, name="conv")(inputs)
    model = keras.Model(inputs, namespace["TimesTwo"](name="twice")(conv))
    path = tmp_path / "custom.keras"
    model.save(path)
    del keras.saving.get_custom_objects()[f"{package}>TimesTwo"]  # as in a fresh process
    module = tmp_path / "my_layers.py"
    module.write_text(source)
    return path, module


def test_without_the_module_the_error_names_the_class_and_the_option(custom_model):
    path, _module = custom_model
    with pytest.raises(ModelLoadError) as caught:
        load_model(path)
    message = str(caught.value)
    assert "'TimesTwo'" in message and "--custom-objects" in message and str(path) in message
    assert "\n" not in message and "could not be deserialized" not in message


def test_with_the_module_the_custom_layer_loads_and_runs(custom_model):
    path, module = custom_model
    session = ModelSession.open(path, ModelOptions(custom_objects=(str(module),)))
    assert [info.type for info in session.layers] == ["InputLayer", "Conv2D", "TimesTwo"]
    x = mf.random_batch((8, 8, 3))
    arrays = session.model.activations_by_row([x], [1, 2])
    assert arrays[1].shape == (1, 6, 6, 2)
    np.testing.assert_allclose(arrays[2], 2.0 * arrays[1], atol=1e-5)


def test_module_errors_are_one_line(tmp_path):
    model = tmp_path / "m.keras"
    mf.grayscale_cnn().save(model)
    with pytest.raises(ModelLoadError, match="--custom-objects file not found: .*nope.py"):
        load_model(model, (tmp_path / "nope.py",))
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('boom in user code')\n")
    with pytest.raises(ModelLoadError, match=r"--custom-objects .*broken.py failed to import: RuntimeError: boom in user code"):
        load_model(model, (broken,))


def test_safe_mode_stays_on_with_custom_objects(tmp_path):
    path = tmp_path / "lambda.keras"
    mf.lambda_model().save(path)
    harmless = tmp_path / "empty.py"
    harmless.write_text("")
    with pytest.raises(ModelLoadError, match="safe_mode"):
        load_model(path, (harmless,))
