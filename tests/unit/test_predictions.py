"""Predictions per model output: kind from the output layer's activation (nested
models looked into), top 5 by score, labels from a file or the shipped ImageNet names."""

from __future__ import annotations

import json

import numpy as np
import pytest

from actviz_tui.core.analysis.predictions import LabelsError, class_scores, imagenet_labels, load_labels
from actviz_tui.core.session.model_session import ModelSession

from engine_helpers import image_of


def dense_head(units: int, activation: str | None, nested: bool = False):
    import keras

    keras.utils.set_random_seed(3)
    head = keras.Sequential([keras.Input((4, 4, 2)), keras.layers.Flatten(name="p_flat"),
                             keras.layers.Dense(units, activation=activation, name="p_dense")], name="p_head")
    body = [keras.layers.Conv2D(2, 3, padding="same", name="p_conv")]
    layers = [*body, head] if nested else [*body, *head.layers]
    return keras.Sequential([keras.Input((4, 4, 3)), *layers], name=f"head_{units}_{activation}")


def session_for(model, image, labels=None):
    """The ImageResults of ``image`` on a fresh session of ``model``."""
    return image_of(model, image, labels=str(labels) if labels else None)


def predict(results):
    return results.predictions()


def test_sample_sigmoid_is_two_classes_the_positive_one_p(sample_h5, xray_opacity_png, xray_clear_png):
    session = ModelSession.open(sample_h5)
    opacity, clear = session.image(xray_opacity_png), session.image(xray_clear_png)
    p_opacity = float(opacity.keras_model(opacity.batch)[0, 0])
    p_clear = float(clear.keras_model(clear.batch)[0, 0])
    assert p_opacity > 0.5 > p_clear
    (prediction,) = predict(opacity)
    assert prediction.as_dict() == {"output": "dense_1", "kind": "sigmoid", "top": [
        {"index": 1, "label": "positive", "score": pytest.approx(p_opacity)},
        {"index": 0, "label": "negative", "score": pytest.approx(1 - p_opacity)},
    ]}
    assert prediction.units == 1
    (prediction,) = predict(clear)  # the model calls it negative: class 0 first, with 1 - p
    assert [(entry.index, entry.label) for entry in prediction.top] == [(0, "negative"), (1, "positive")]
    assert prediction.top[0].score == pytest.approx(1 - p_clear) and prediction.top[0].score > 0.5


@pytest.mark.parametrize(("labels", "names"), [
    (None, {0: "negative", 1: "positive"}),
    ({0: "opacity"}, {0: "not opacity", 1: "opacity"}),  # one name: the positive class's
    ({0: "clear", 1: "opacity"}, {0: "clear", 1: "opacity"}),  # Keras' class_mode="binary" order
])
def test_binary_class_names(labels, names):
    from actviz_tui.core.analysis.class_names import binary_names, class_names

    assert binary_names(labels) == names
    assert class_names(labels, 1, "sigmoid") == names
    assert class_names(labels, 1, "values") == labels  # a linear unit: a value, not two classes


def test_class_names_resolve_an_index_or_a_name():
    from actviz_tui.core.analysis.class_names import OutputClasses
    from actviz_tui.core.errors import ClassIndexError

    classes = OutputClasses(4, {0: "angry", 1: "happy", 2: "sad", 3: "Happy Face"})
    assert [classes.index(text) for text in ("happy", "HAPPY", " sad ", "3", "happy face")] == [1, 1, 2, 3, 3]
    with pytest.raises(ClassIndexError, match=r"no class named 'hapy'; close: happy"):
        classes.index("hapy")
    with pytest.raises(ClassIndexError, match=r"no class named 'face'; close: Happy Face"):
        classes.index("face")
    with pytest.raises(ClassIndexError, match=r"no class named 'zebra' among the 4 class names \(angry, happy"):
        classes.index("zebra")
    with pytest.raises(ClassIndexError, match=r"no class 4: the output has 4 classes \(0-3\)"):
        classes.index("4")
    with pytest.raises(ClassIndexError, match="give --labels FILE"):
        OutputClasses(10, None).index("cat")


def test_output_classes_of_a_model(tmp_path):
    from actviz_tui.core.analysis.class_names import output_classes

    binary = output_classes(dense_head(1, "sigmoid"), {0: "opacity"})
    assert (binary.count, binary.binary, binary.index("not opacity"), binary.index("opacity")) == (2, True, 0, 1)
    softmax = output_classes(dense_head(3, "softmax", nested=True), {0: "a", 1: "b", 2: "c"})
    assert (softmax.count, softmax.binary, softmax.index("c")) == (3, False, 2)


@pytest.mark.parametrize("nested", [False, True])
def test_softmax_top_five_sorted(rgb_image, nested):
    session = session_for(dense_head(7, "softmax", nested), rgb_image)
    (prediction,) = predict(session)
    probabilities = np.asarray(session.keras_model(session.batch))[0]
    assert prediction.kind == "softmax"
    assert [entry.index for entry in prediction.top] == list(np.argsort(-probabilities)[:5])
    assert [entry.score for entry in prediction.top] == pytest.approx(sorted(probabilities, reverse=True)[:5])


def test_linear_output_is_values(rgb_image):
    (prediction,) = predict(session_for(dense_head(2, None), rgb_image))
    assert prediction.kind == "values" and len(prediction.top) == 2


def test_1000_units_get_imagenet_names(rgb_image):
    (prediction,) = predict(session_for(dense_head(1000, "softmax"), rgb_image))
    assert [entry.label for entry in prediction.top] == [imagenet_labels()[entry.index] for entry in prediction.top]


def test_one_label_lookup_for_every_output():
    from actviz_tui.core.analysis.predictions import unit_labels

    own = {0: "cat", 1: "dog"}
    assert unit_labels(own, 1000) is own  # --labels wins, whatever the size
    assert unit_labels(None, 1000) == imagenet_labels()
    assert unit_labels(None, 10) is None and unit_labels({}, 10) is None


def test_shipped_imagenet_names():
    names = imagenet_labels()
    assert len(names) == 1000
    assert (names[0], names[1], names[999]) == ("tench", "goldfish", "toilet_tissue")


@pytest.mark.parametrize("text", [
    "cat\ndog\nbird\n",
    json.dumps(["cat", "dog", "bird"]),
    json.dumps({"2": "bird", "0": "cat", "1": "dog"}),
    json.dumps({"0": ["n1", "cat"], "1": ["n2", "dog"], "2": ["n3", "bird"]}),  # Keras' class index file
])
def test_labels_file_forms(tmp_path, rgb_image, text):
    path = tmp_path / "labels.txt"
    path.write_text(text)
    assert load_labels(path) == {0: "cat", 1: "dog", 2: "bird"}
    (prediction,) = predict(session_for(dense_head(3, "softmax"), rgb_image, path))
    assert {entry.label for entry in prediction.top} == {"cat", "dog", "bird"}


def test_bad_labels_files(tmp_path):
    with pytest.raises(LabelsError, match="cannot read labels file"):
        load_labels(tmp_path / "missing.txt")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1"))  # not UTF-8 (mypy found the crash)
    with pytest.raises(LabelsError, match="cannot read labels file .*latin1.txt: 'utf-8' codec can't decode"):
        load_labels(tmp_path / "latin1.txt")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(LabelsError, match="not valid JSON"):
        load_labels(tmp_path / "bad.json")
    (tmp_path / "keys.json").write_text('{"cat": "dog"}')
    with pytest.raises(LabelsError, match="keys must be class indices"):
        load_labels(tmp_path / "keys.json")


def test_predictions_are_computed_once_per_image(rgb_image):
    results = session_for(dense_head(3, "softmax"), rgb_image)
    first = results.predictions()
    assert results.predictions() is first  # cached on the image's results
    assert [entry.as_dict() for entry in first[0].top] == [entry._asdict() for entry in results.model.predict(results.batch, top=5)[0]]


def test_class_scores_of_vectors_and_of_maps():
    np.testing.assert_array_equal(class_scores(np.array([0.2, 0.5, 0.3])), [0.2, 0.5, 0.3])
    np.testing.assert_array_equal(class_scores(np.array([[1.0], [3.0]])), [2.0])  # (T, C): the mean over T
    maps = np.arange(24, dtype=np.float32).reshape(2, 3, 4)  # (H, W, classes)
    np.testing.assert_allclose(class_scores(maps), maps.reshape(6, 4).mean(axis=0))
    np.testing.assert_allclose(class_scores(np.moveaxis(maps, -1, 0), channels_first=True), maps.reshape(6, 4).mean(axis=0))
    assert class_scores(maps).dtype == np.float64
