"""Image reading (formats, modes, broken files) and preprocessing value ranges."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFile

from actviz_tui.core.errors import ImageLoadError
from actviz_tui.core.inputs.images import (
    MAX_FREE_SIDE,
    PREPROCESSING,
    display_rgb,
    stretch_for_display,
    image_to_array,
    load_model_input,
    preprocess,
    read_image,
    target_size,
)
from models_factory import gradient_rgb

ORANGE = (200, 100, 50)


def solid(mode: str = "RGB", color=ORANGE, size=(12, 10)) -> Image.Image:
    return Image.new(mode, size, color)


def saved(image: Image.Image, path, **options):
    image.save(path, **options)
    return path


# -- formats -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".png", ".bmp", ".tiff", ".jpg"])
def test_formats_read_as_rgb(tmp_path, suffix):
    path = saved(solid(), tmp_path / f"orange{suffix}", **({"quality": 95} if suffix == ".jpg" else {}))
    pixels = image_to_array(read_image(path), 3)
    assert pixels.shape == (10, 12, 3) and pixels.dtype == np.float32
    tolerance = 3 if suffix == ".jpg" else 0  # JPEG is lossy
    np.testing.assert_allclose(pixels, np.broadcast_to(ORANGE, (10, 12, 3)), atol=tolerance)


def test_animated_gif_first_frame(tmp_path):
    frames = [solid(color=(255, 0, 0)), solid(color=(0, 0, 255)), solid(color=(0, 255, 0))]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=50, loop=0)
    with Image.open(path) as check:
        assert getattr(check, "n_frames", 1) == 3
    pixels = image_to_array(read_image(path), 3)
    np.testing.assert_array_equal(pixels[0, 0], [255, 0, 0])
    np.testing.assert_array_equal(pixels.reshape(-1, 3).max(axis=0), [255, 0, 0])


def test_exif_rotation_is_applied(tmp_path):
    image = solid(size=(20, 10))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise when shown
    path = saved(image, tmp_path / "rotated.jpg", exif=exif)
    assert read_image(path).size == (10, 20)


# -- modes -------------------------------------------------------------------------


def test_grayscale_l_to_three_and_one_channels(tmp_path):
    gray = Image.fromarray(np.arange(0, 240, 2, dtype=np.uint8).reshape(10, 12))
    assert gray.mode == "L"
    path = saved(gray, tmp_path / "gray.png")
    three = image_to_array(read_image(path), 3)
    assert three.shape == (10, 12, 3)
    np.testing.assert_array_equal(three[..., 0], three[..., 1])
    np.testing.assert_array_equal(three[..., 0], three[..., 2])
    one = image_to_array(read_image(path), 1)
    assert one.shape == (10, 12, 1)
    np.testing.assert_array_equal(one[..., 0], np.asarray(gray, dtype=np.float32))


def test_rgb_to_one_channel_is_luminance(tmp_path):
    path = saved(solid(), tmp_path / "orange.png")
    one = image_to_array(read_image(path), 1)
    assert one.shape == (10, 12, 1)
    luma = 0.299 * ORANGE[0] + 0.587 * ORANGE[1] + 0.114 * ORANGE[2]
    np.testing.assert_allclose(one, luma, atol=1.0)


def test_rgba_is_composited_over_white(tmp_path):
    rgba = np.zeros((2, 3, 4), np.uint8)
    rgba[0, 0] = (255, 0, 0, 0)  # invisible red -> white
    rgba[0, 1] = (0, 0, 0, 255)  # opaque black
    rgba[0, 2] = (0, 0, 0, 128)  # half black -> mid gray
    rgba[1] = (10, 20, 30, 255)
    path = saved(Image.fromarray(rgba), tmp_path / "alpha.png")
    assert read_image(path).mode == "RGBA"
    pixels = image_to_array(read_image(path), 3)
    np.testing.assert_array_equal(pixels[0, 0], [255, 255, 255])
    np.testing.assert_array_equal(pixels[0, 1], [0, 0, 0])
    np.testing.assert_allclose(pixels[0, 2], [127, 127, 127], atol=1)
    np.testing.assert_array_equal(pixels[1, 0], [10, 20, 30])
    gray = image_to_array(read_image(path), 1)
    assert gray[0, 0, 0] == 255


def test_palette_image(tmp_path):
    rgb = np.zeros((4, 4, 3), np.uint8)
    rgb[:2] = (255, 0, 0)
    rgb[2:] = (0, 0, 255)
    palette = Image.fromarray(rgb).quantize(colors=2)
    assert palette.mode == "P"
    path = saved(palette, tmp_path / "palette.png")
    assert read_image(path).mode == "P"
    pixels = image_to_array(read_image(path), 3)
    np.testing.assert_array_equal(pixels, rgb.astype(np.float32))


def test_palette_with_transparency_over_white(tmp_path):
    palette = Image.new("P", (2, 1))
    palette.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    palette.putpixel((0, 0), 0)
    palette.putpixel((1, 0), 1)
    path = saved(palette, tmp_path / "transparent.png", transparency=0)
    pixels = image_to_array(read_image(path), 3)
    np.testing.assert_array_equal(pixels[0], [[255, 255, 255], [255, 0, 0]])


@pytest.mark.parametrize("suffix", [".jpg", ".tiff"])
def test_cmyk(tmp_path, suffix):
    path = saved(solid().convert("CMYK"), tmp_path / f"cmyk{suffix}")
    image = read_image(path)
    assert image.mode == "CMYK"
    pixels = image_to_array(image, 3)
    np.testing.assert_allclose(pixels[5, 5], ORANGE, atol=3)


def test_sixteen_bit_grayscale(tmp_path):
    values = np.array([[0, 32768, 65535]], dtype=np.uint16)
    path = saved(Image.fromarray(values), tmp_path / "deep.png")
    image = read_image(path)
    assert image.mode.startswith("I")
    for channels in (1, 3):
        pixels = image_to_array(image, channels)
        assert pixels.shape == (1, 3, channels)
        np.testing.assert_allclose(pixels[0, :, 0], [0.0, 32768 / 65535 * 255, 255.0], atol=1e-3)
        assert pixels.max() <= 255.0


def test_load_model_input_resizes_and_converts(rgb_image):
    batch = load_model_input(rgb_image, (8, 8, 3))
    assert batch.shape == (1, 8, 8, 3) and batch.dtype == np.float32
    assert 0.0 <= batch.min() and batch.max() <= 1.0
    # red ramps left to right, green top to bottom, blue is flat 128
    assert np.all(np.diff(batch[0, 4, :, 0]) > 0)
    assert np.all(np.diff(batch[0, :, 4, 1]) > 0)
    np.testing.assert_allclose(batch[0, ..., 2], 128 / 255, atol=1e-5)
    gray = load_model_input(rgb_image, (5, 7, 1))
    assert gray.shape == (1, 5, 7, 1)


def test_load_model_input_same_size_keeps_pixels(rgb_image):
    batch = load_model_input(rgb_image, (16, 24, 3), mode="none")
    np.testing.assert_array_equal(batch[0], gradient_rgb().astype(np.float32))


def test_free_size_targets():
    assert target_size((24, 16), (None, None), None) == (16, 24)
    assert target_size((2048, 1024), (None, None), None) == (256, MAX_FREE_SIDE)
    assert target_size((300, 1200), (None, None), None) == (MAX_FREE_SIDE, 128)
    assert target_size((2048, 1024), (None, None), (64, 32)) == (64, 32)
    assert target_size((2048, 1024), (150, 150), (64, 32)) == (150, 150)  # a fixed size wins
    assert target_size((100, 50), (None, 40), None) == (50, 40)


# -- preprocessing -----------------------------------------------------------------


@pytest.fixture(scope="module")
def ramp_pixels():
    return gradient_rgb().astype(np.float32)  # every channel spans 0..255 (blue: 128)


def test_preprocessing_modes_listed():
    assert set(PREPROCESSING) == {"rescale", "none", "symmetric", "imagenet", "caffe"}


def test_rescale_range(ramp_pixels):
    out = preprocess(ramp_pixels, "rescale")
    assert out.min() == 0.0 and out.max() == 1.0
    assert out.dtype == np.float32


def test_none_range(ramp_pixels):
    out = preprocess(ramp_pixels, "none")
    assert out.min() == 0.0 and out.max() == 255.0
    np.testing.assert_array_equal(out, ramp_pixels)


def test_symmetric_range(ramp_pixels):
    out = preprocess(ramp_pixels, "symmetric")
    assert out.min() == pytest.approx(-1.0) and out.max() == pytest.approx(1.0)


def test_imagenet_values():
    pixel = np.array([[ORANGE]], np.float32)
    out = preprocess(pixel, "imagenet")[0, 0]
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(out, (np.array(ORANGE) / 255 - mean) / std, atol=1e-5)
    black = preprocess(np.zeros((1, 1, 3), np.float32), "imagenet")[0, 0]
    np.testing.assert_allclose(black, -mean / std, atol=1e-5)


def test_caffe_is_bgr_minus_mean():
    pixel = np.array([[ORANGE]], np.float32)
    out = preprocess(pixel, "caffe")[0, 0]
    np.testing.assert_allclose(out, [50 - 103.939, 100 - 116.779, 200 - 123.68], atol=1e-4)


@pytest.mark.parametrize("mode", ["imagenet", "caffe"])
def test_channel_statistics_modes_leave_the_pixels_alone(ramp_pixels, mode):
    """Keras' preprocess_input works in place on float arrays: ours must not pass it the caller's."""
    before = ramp_pixels.copy()
    out = preprocess(ramp_pixels, mode)
    np.testing.assert_array_equal(ramp_pixels, before)
    assert out.shape == before.shape and out.dtype == np.float32 and out.flags.c_contiguous


def test_channel_statistics_modes_on_gray_inputs():
    gray = np.full((2, 2, 1), 255.0, np.float32)
    assert preprocess(gray, "imagenet").max() == 1.0
    assert preprocess(gray, "caffe").max() == 255.0


def test_unknown_preprocessing():
    with pytest.raises(ValueError, match="unknown preprocessing"):
        preprocess(np.zeros((1, 1, 3)), "fancy")


def test_display_rgb_stretches_to_uint8():
    values = np.linspace(-1, 1, 2 * 3, dtype=np.float32).reshape(1, 2, 3, 1)
    rgb = display_rgb(values)
    assert rgb.dtype == np.uint8 and rgb.shape == (2, 3, 3)
    assert rgb.min() == 0 and rgb.max() == 255
    flat = display_rgb(np.zeros((2, 2, 3), np.float32))
    assert flat.shape == (2, 2, 3)


def test_display_stretch_is_shared_and_ignores_non_finite_pixels():
    values = np.array([[0.0, np.nan], [2.0, 4.0]], np.float32)[:, :, None]
    shown, value_range = stretch_for_display(values)
    assert value_range == (0.0, 4.0) and shown.shape == (2, 2)  # one channel: gray
    np.testing.assert_allclose(shown, [[0.0, 0.0], [0.5, 1.0]])
    rgb = display_rgb(values)
    assert rgb.shape == (2, 2, 3)
    np.testing.assert_array_equal(rgb[:, :, 0], [[0, 0], [128, 255]])
    five = np.zeros((2, 2, 5), np.float32)
    five[0, 0, 0] = 1.0
    shown, _ = stretch_for_display(five)
    assert shown.shape == (2, 2) and shown[0, 0] == 1.0  # other channel counts: channel 0
    constant, value_range = stretch_for_display(np.full((2, 2, 3), 7.0, np.float32))
    assert value_range == (7.0, 7.0) and not constant.any()


# -- errors: ImageLoadError naming the path -----------------------------------------


def assert_refused(path, *words):
    with pytest.raises(ImageLoadError) as caught:
        read_image(path)
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word in message
    return message


def test_missing_image(tmp_path):
    assert_refused(tmp_path / "nope.png", "not found")


def test_empty_image(tmp_path):
    path = tmp_path / "empty.png"
    path.touch()
    assert_refused(path, "empty")


def test_text_file_named_png(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not a picture\n" * 20)
    assert_refused(path)


def test_directory_as_image(tmp_path):
    assert_refused(tmp_path, "directory")


def noisy(size=(64, 48)) -> Image.Image:
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))


def test_truncated_png(tmp_path):
    whole = saved(noisy(), tmp_path / "whole.png").read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(whole[: len(whole) // 2])
    assert_refused(path)


def test_truncated_jpeg(tmp_path):
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # Pillow would fill the rest with gray
    whole = saved(noisy(), tmp_path / "whole.jpg", quality=90).read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    assert_refused(path)


def test_load_model_input_raises_for_bad_image(tmp_path):
    with pytest.raises(ImageLoadError, match="not found"):
        load_model_input(tmp_path / "missing.jpg", (8, 8, 3))


def test_session_image_error_keeps_the_images_already_read(rgb_image, tmp_path):
    import models_factory as mf
    from engine_helpers import session_of

    session = session_of(mf.grayscale_cnn())
    good = session.image(rgb_image)
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    with pytest.raises(ImageLoadError):
        session.image(bad)
    assert session.cached_image(bad) is None
    assert session.cached_image(rgb_image) is good and session.image(rgb_image) is good
    assert good.image_path == rgb_image and good.has_image


def test_sample_images_read(xray_opacity_png, xray_clear_png, shapes_jpg):
    for path in (xray_opacity_png, xray_clear_png, shapes_jpg):
        batch = load_model_input(path, (150, 150, 3))
        assert batch.shape == (1, 150, 150, 3)
        assert 0.0 <= batch.min() < batch.max() <= 1.0


def test_caffe_input_is_shown_in_rgb_order():
    """After caffe preprocessing (BGR) the preview shows the photo's colours, not a blue face."""
    orange = np.empty((4, 4, 3), np.float32)
    orange[:] = ORANGE
    orange[0, 0] = (0, 0, 0)  # a dark pixel so the stretch has a range
    bgr = preprocess(orange, "caffe")
    shown = display_rgb(bgr, bgr=True)[1, 1]
    assert shown[0] > shown[1] > shown[2]  # red > green > blue, as in ORANGE
    assert display_rgb(bgr)[1, 1][2] > display_rgb(bgr)[1, 1][0]  # read as RGB it is blue-ish
    gray = display_rgb(preprocess(orange[..., :1], "caffe"), bgr=True)
    assert gray.shape == (4, 4, 3)  # one channel: nothing to reorder
