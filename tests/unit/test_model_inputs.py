"""Inputs that are not (H, W, C) images: .npy arrays for any input, images for
flat N*N / 3*N*N inputs, sequences shown as channels x time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from actviz_tui.core.errors import ImageLoadError, NotAnImageModelError
from actviz_tui.core.inputs.images import load_model_input
from actviz_tui.core.inputs.layout import image_layout

import models_factory as mf
from engine_helpers import session_of

ATOL = 1e-5


def save_npy(folder: Path, name: str, array: np.ndarray) -> Path:
    path = folder / name
    np.save(path, array)
    return path


@pytest.mark.parametrize(
    ("shape", "channels_first", "layout"),
    [
        ((8, 8, 3), False, (8, 8, 3)),
        ((3, 64, 32), True, (64, 32, 3)),
        ((784,), False, (28, 28, 1)),
        ((3 * 32 * 32,), False, (32, 32, 3)),
        ((28, 28), False, (28, 28, 1)),
        ((10,), False, None),  # features, not a picture
        ((16,), False, None),  # 4x4: too small to be an image
        ((16, 3), False, None),  # a sequence
        ((None, None, 3), False, (None, None, 3)),
    ],
)
def test_which_inputs_take_an_image(shape, channels_first, layout):
    assert image_layout(shape, channels_first) == layout


def test_mlp_on_a_flat_square_input_takes_a_gray_image(tmp_path, rgb_image):
    model = mf.flat_mlp()
    session = session_of(model)
    assert session.image_input_index == 0
    results = session.image(rgb_image)
    picture = results.model_input
    expected = load_model_input(rgb_image, (28, 28, 1))[0]
    np.testing.assert_allclose(picture, expected)  # shown as the 28x28 picture
    assert results.batch.shape == (1, 784)  # what the model gets: the picture flattened
    hidden = results.activation(results.find_layer("hidden"))
    direct = model.get_layer("hidden")(expected.reshape(1, 784))
    np.testing.assert_allclose(hidden, np.asarray(direct)[0], atol=ATOL)


@pytest.mark.parametrize("batch_axis", [False, True])
def test_npy_goes_in_as_it_is_with_or_without_batch_axis(tmp_path, batch_axis):
    model = mf.dense_mlp()
    x = mf.random_batch((10,))
    path = save_npy(tmp_path, "features.npy", x if batch_axis else x[0])
    session = session_of(model).image(path)
    picture = session.model_input
    assert picture.shape == (3, 4)  # 10 values in a near-square block (NaN padded)
    np.testing.assert_allclose(picture.ravel()[:10], x[0])
    np.testing.assert_allclose(session.activation(session.find_layer("hidden")), np.asarray(model.get_layer("hidden")(x))[0], atol=ATOL)
    assert session.stats(session.find_layer("logits")).channels == 3


def test_npy_of_the_wrong_shape_is_one_clear_error(tmp_path):
    session = session_of(mf.dense_mlp())
    wrong = save_npy(tmp_path, "wrong.npy", np.zeros((2, 10), np.float32))
    with pytest.raises(ImageLoadError, match=r"array wrong.npy has shape \(2, 10\), but input features takes \(10,\)"):
        session.image(wrong)
    text = tmp_path / "words.npy"
    np.save(text, np.array(["a", "b"]))
    with pytest.raises(ImageLoadError, match="does not hold a numeric array"):
        session.image(text)
    broken = tmp_path / "broken.npy"
    broken.write_bytes(b"not numpy at all")
    with pytest.raises(ImageLoadError, match="cannot read array"):
        session.image(broken)
    with pytest.raises(ImageLoadError, match="input array not found"):
        session.image(tmp_path / "missing.npy")
    assert session.cached_image(wrong) is None and session.cached_image(broken) is None  # nothing kept
    assert not session.no_image.has_image


def test_mlp_refuses_an_image_and_names_the_npy_shape(rgb_image):
    session = session_of(mf.dense_mlp())
    with pytest.raises(NotAnImageModelError, match=r"does not take an image .*give a .npy array of shape \(10,\)"):
        session.image(rgb_image)
    with pytest.raises(NotAnImageModelError, match="does not take an image"):
        session.model.prepare([rgb_image])  # the engine's batches say the same


def test_conv1d_from_npy_shows_channels_by_time(tmp_path):
    model = mf.conv1d_sequence()
    x = mf.random_batch((16, 3))
    session = session_of(model).image(save_npy(tmp_path, "signal.npy", x[0]))
    picture = session.model_input
    np.testing.assert_allclose(picture, x[0].T)  # 3 channels x 16 steps
    activation = session.activation(session.find_layer("conv1d"))
    assert activation.shape == (16, 6)
    np.testing.assert_allclose(activation, np.asarray(model.get_layer("conv1d")(x))[0], atol=ATOL)


def test_npy_for_an_image_model_skips_preprocessing(tmp_path):
    model = mf.grayscale_cnn()
    x = mf.random_batch((8, 8, 1)) * 300.0  # raw values: not divided by 255
    session = session_of(model).image(save_npy(tmp_path, "raw.npy", x))
    np.testing.assert_allclose(session.activation(0), x[0], atol=ATOL)
    assert not session.input_bgr


def test_npy_for_a_channels_first_model_is_chw(tmp_path):
    session = session_of(mf.channels_first_cnn())
    chw = mf.random_batch((3, 16, 16))
    results = session.image(save_npy(tmp_path, "chw.npy", chw))
    np.testing.assert_allclose(results.model_input, chw[0].transpose(1, 2, 0))
    np.testing.assert_allclose(results.activation(0), chw[0].transpose(1, 2, 0), atol=ATOL)
    hwc = save_npy(tmp_path, "hwc.npy", chw[0].transpose(1, 2, 0))
    with pytest.raises(ImageLoadError, match=r"takes \(3, 16, 16\)"):
        session.image(hwc)


def test_caffe_input_is_marked_bgr(tmp_path):
    image = np.zeros((8, 8, 3), np.uint8)
    image[..., 0] = 255  # pure red
    path = tmp_path / "red.png"
    Image.fromarray(image).save(path)
    gray = session_of(mf.grayscale_cnn(), preprocessing="caffe").image(path)  # one channel: nothing to reorder
    assert gray.model_input.shape == (8, 8, 1)
    color = session_of(mf.sequential_no_input(), preprocessing="caffe").image(path)
    assert color.input_bgr and color.model_input[0, 0, 2] > color.model_input[0, 0, 0]  # red is last in BGR
