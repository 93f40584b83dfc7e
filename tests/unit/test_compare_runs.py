"""compare_checkpoints / compare_images on real Keras models: a checkpoint whose weights differ
from layer c3 on is first divergent at c3; a copy differs nowhere; another architecture is refused
with the first mismatch named."""

from __future__ import annotations

import numpy as np
import pytest

from actviz_tui.core.compare.comparison import compare_checkpoints, compare_images
from actviz_tui.core.errors import ActvizError


def chain(seed: int = 0, width: int = 4):
    import models_factory

    return models_factory.compare_chain(width)


def engine(keras_model):
    from actviz_tui.core.model.engine import Model

    return Model(keras_model, None)


@pytest.fixture(scope="module")
def image():
    return np.random.default_rng(1).uniform(0, 1, (1, 16, 16, 3)).astype(np.float32)


def test_a_checkpoint_changed_from_c3_on_first_differs_at_c3_and_a_copy_nowhere(image):
    original = chain()
    tuned = chain()
    tuned.set_weights(original.get_weights())
    kernel, bias = tuned.get_layer("c3").get_weights()
    tuned.get_layer("c3").set_weights([kernel * 1.5, bias])
    result = compare_checkpoints(engine(original), engine(tuned), image)
    by_name = {layer.name: layer for layer in result.layers}
    assert [layer.name for layer in result.layers] == ["c1", "c2", "c3", "gap", "head"]
    assert result.first_divergent == "c3"
    assert by_name["c2"].relative_l2 == 0.0 and by_name["c2"].cosine == pytest.approx(1.0)
    assert by_name["c3"].relative_l2 > 0.1 and by_name["c3"].cka == pytest.approx(1.0)  # a scaling: CKA blind to it
    assert by_name["c3"].top_channels  # the channels that moved, most first
    copy = chain()
    copy.set_weights(original.get_weights())
    same = compare_checkpoints(engine(original), engine(copy), image)
    assert same.first_divergent is None and all(layer.relative_l2 == 0.0 for layer in same.layers)
    assert same.as_json()["first_divergent"] is None


def test_another_architecture_is_refused_with_the_first_mismatch(image):
    with pytest.raises(ActvizError, match=r"at row 3: c3 \(Conv2D, \(None, 10, 10, 4\)\) in the first, "
                                          r"c3 \(Conv2D, \(None, 10, 10, 6\)\) in the second"):
        compare_checkpoints(engine(chain()), engine(chain(width=6)), image)


def test_two_images_through_one_model(image):
    model = engine(chain())
    other = image[:, ::-1]  # flipped
    result = compare_images(model, image, other)
    assert result.first_divergent == "c1"
    layer = result.layers[0]
    a = model.activations(image, ["c1"])["c1"][0]
    b = model.activations(other, ["c1"])["c1"][0]
    assert layer.relative_l2 == pytest.approx(np.linalg.norm(a - b) / np.linalg.norm(a), rel=1e-5)
    assert set(result.as_json()["layers"][0]) == {"name", "relative_l2", "cosine", "cka", "top_channels"}


def test_a_clone_matches_though_keras_renamed_its_input(image):
    import keras

    inputs = keras.Input((16, 16, 3))  # left unnamed on purpose: Keras names a clone's anew
    original = keras.Model(inputs, keras.layers.Conv2D(2, 3, name="c1")(inputs), name="unnamed_input")
    clone = keras.models.clone_model(original)
    clone.set_weights(original.get_weights())
    assert clone.layers[0].name != original.layers[0].name
    result = compare_checkpoints(engine(original), engine(clone), image)
    assert result.first_divergent is None and [layer.name for layer in result.layers] == ["c1"]
