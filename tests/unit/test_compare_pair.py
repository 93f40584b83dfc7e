"""The explorer's comparison in the core (``core/compare/pair.py``): a second checkpoint follows
A's image and gives compare_checkpoints' numbers; a second image through one model gives
compare_images'; an architecture that differs is refused naming the mismatch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from actviz_tui.core.compare.comparison import compare_checkpoints, compare_images
from actviz_tui.core.compare.pair import CHECKPOINT, IMAGE, OtherSide
from actviz_tui.core.errors import ActvizError
from actviz_tui.core.session.model_session import ModelSession


def write_image(path: Path, flip: bool = False) -> Path:
    from PIL import Image

    pixels = np.random.default_rng(3).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    Image.fromarray(pixels[:, ::-1] if flip else pixels).save(path)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    import models_factory

    folder = tmp_path_factory.mktemp("pair")
    original = models_factory.compare_chain()
    tuned = models_factory.compare_chain()
    tuned.set_weights(original.get_weights())
    kernel, bias = tuned.get_layer("c3").get_weights()
    tuned.get_layer("c3").set_weights([kernel * 1.5, bias])
    paths = {"a": folder / "a.keras", "b": folder / "b.keras", "wide": folder / "wide.keras"}
    original.save(paths["a"])
    tuned.save(paths["b"])
    models_factory.compare_chain(width=6).save(paths["wide"])
    paths["image"] = write_image(folder / "x.png")
    paths["flipped"] = write_image(folder / "x_flipped.png", flip=True)
    return paths


def test_a_second_checkpoint_gives_compare_checkpoints_numbers_and_follows_the_image(files):
    session = ModelSession.open(files["a"])
    other = OtherSide.open(session, files["b"])
    assert other.kind == CHECKPOINT and other.session is not session
    pair = other.pair(session.image(files["image"]))
    assert (pair.a_name, pair.b_name) == ("a.keras", "b.keras")
    assert pair.b.key == str(files["image"])  # the same image through the other checkpoint
    expected = compare_checkpoints(session.model, other.session.model, session.model.prepare([files["image"]]))
    got = pair.comparison()
    assert [layer.name for layer in got.layers] == ["c1", "c2", "c3", "gap", "head"]
    assert got.first_divergent == expected.first_divergent == "c3"
    for mine, theirs in zip(got.layers, expected.layers):
        assert mine.relative_l2 == pytest.approx(theirs.relative_l2, abs=1e-6)
        assert mine.top_channels == theirs.top_channels
    c3 = session.find_layer("c3")
    assert pair.first_divergent_row() == c3
    layer = pair.layer(c3)
    assert layer.a.shape == layer.b.shape == (10, 10, 4)
    np.testing.assert_allclose(layer.difference, layer.b - layer.a)
    a_c, b_c = layer.a[..., 1], layer.b[..., 1]
    assert layer.channel_change(1) == pytest.approx(np.linalg.norm(b_c - a_c) / np.linalg.norm(a_c), rel=1e-5)
    assert pair.divergence(0) is None  # the input row is not compared
    assert pair.divergence(session.find_layer("c2")).relative_l2 == 0.0
    second = other.pair(session.image(files["flipped"]))
    assert second.b.key == str(files["flipped"])  # B follows A's image


def test_a_second_image_through_one_model_gives_compare_images_numbers(files):
    session = ModelSession.open(files["a"])
    other = OtherSide.open(session, files["flipped"])
    assert other.kind == IMAGE and other.session is session
    pair = other.pair(session.image(files["image"]))
    assert (pair.a_name, pair.b_name) == ("x.png", "x_flipped.png")
    model = session.model
    expected = compare_images(model, model.prepare([files["image"]]), model.prepare([files["flipped"]]))
    got = pair.comparison()
    assert got.first_divergent == expected.first_divergent == "c1"
    for mine, theirs in zip(got.layers, expected.layers):
        assert mine.relative_l2 == pytest.approx(theirs.relative_l2, rel=1e-5)
        assert mine.cosine == pytest.approx(theirs.cosine, rel=1e-5)
    np.testing.assert_allclose(pair.b_activation(1), model.activations(model.prepare([files["flipped"]]), [1])["c1"][0],
                               rtol=1e-5, atol=1e-6)
    assert other.pair(session.image(files["flipped"])).b.key == str(files["flipped"])  # B stays the given image


def test_another_architecture_or_an_unreadable_input_is_one_error(files, tmp_path):
    session = ModelSession.open(files["a"])
    with pytest.raises(ActvizError, match=r"differ in architecture at row 3: c3 \(Conv2D"):
        OtherSide.open(session, files["wide"])
    with pytest.raises(ActvizError):
        OtherSide.open(session, tmp_path / "missing.png")


def test_the_python_api_offers_both_comparisons(files):
    import actviz_tui as av

    assert "compare_checkpoints" in dir(av) and "compare_images" in dir(av)
    assert "av.compare_checkpoints(av.load(a), av.load(b), x)" in av.compare_checkpoints.__doc__
    assert "av.compare_images(" in av.compare_images.__doc__
    a, b = av.load(files["a"]), av.load(files["b"])
    result = av.compare_checkpoints(a, b, a.prepare([files["image"]]))
    assert result.first_divergent == "c3"
    assert av.compare_images(a, a.prepare([files["image"]]), a.prepare([files["flipped"]])).first_divergent == "c1"
