"""Read any image Pillow can open and turn it into a model's input batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from actviz_tui.core.errors import ImageLoadError
from actviz_tui.core.model.options import DEFAULT_PREPROCESSING, PREPROCESSING
from actviz_tui.core.pictures.value_ranges import finite_range

MAX_FREE_SIDE = 512  # cap for models whose input size is None
# Our names for Keras' imagenet_utils modes: ImageNet mean/std (PyTorch's), and
# BGR minus the ImageNet mean (Caffe's, as VGG16 and ResNet50 expect).
_KERAS_MODES = {"imagenet": "torch", "caffe": "caffe"}


def read_image(path: str | Path) -> Image.Image:
    """Open an image's first frame fully (so truncation shows now, not later)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise ImageLoadError(f"image not found: {path}")
    if path.is_dir():
        raise ImageLoadError(f"{path} is a directory, not an image")
    if path.stat().st_size == 0:
        raise ImageLoadError(f"image file is empty: {path}")
    try:
        with Image.open(path) as image:
            image.seek(0)
            image.load()
            return ImageOps.exif_transpose(image.copy())
    except UnidentifiedImageError as error:
        raise ImageLoadError(f"not an image Pillow can read: {path}") from error
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise ImageLoadError(f"cannot read image {path}: {error}") from error


def image_to_array(image: Image.Image, channels: int) -> np.ndarray:
    """HxWxC float32 in [0, 255] with the wanted channel count, from any mode."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        gray = _wide_gray_to_8bit(image)
        return _gray_to_channels(gray, channels)
    if channels == 1:
        return np.asarray(_flatten_alpha(image).convert("L"), dtype=np.float32)[..., None]
    if channels == 4:
        return np.asarray(image.convert("RGBA"), dtype=np.float32)
    rgb = np.asarray(_flatten_alpha(image).convert("RGB"), dtype=np.float32)
    if channels == 3:
        return rgb
    gray = rgb.mean(axis=2)
    return _gray_to_channels(gray, channels)


def _wide_gray_to_8bit(image: Image.Image) -> np.ndarray:
    values = np.asarray(image, dtype=np.float32)
    top = 65535.0 if image.mode.startswith("I;16") else max(float(values.max()), 1.0)
    return np.clip(values / top * 255.0, 0, 255)


def _gray_to_channels(gray: np.ndarray, channels: int) -> np.ndarray:
    return np.repeat(gray[..., None], channels, axis=2).astype(np.float32)


def _flatten_alpha(image: Image.Image) -> Image.Image:
    """Composite transparent images over white, as viewers show them."""
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image


def target_size(image_size: tuple[int, int], model_hw: tuple, requested: tuple | None) -> tuple[int, int]:
    """(height, width) to resize to: the model's size, else --size, else the image's (capped)."""
    height, width = model_hw
    if height is not None and width is not None:
        return int(height), int(width)
    if requested is not None:
        return int(requested[0]), int(requested[1])
    image_w, image_h = image_size
    scale = min(1.0, MAX_FREE_SIDE / max(image_w, image_h))
    free_h = max(1, round(image_h * scale))
    free_w = max(1, round(image_w * scale))
    return (int(height) if height else free_h), (int(width) if width else free_w)


def preprocess(pixels: np.ndarray, mode: str = DEFAULT_PREPROCESSING) -> np.ndarray:
    """Apply a preprocessing mode to HxWxC values in [0, 255]."""
    if mode not in PREPROCESSING:
        raise ValueError(f"unknown preprocessing {mode!r}; choose from {', '.join(PREPROCESSING)}")
    pixels = pixels.astype(np.float32)
    if mode == "rescale":
        return pixels / 255.0
    if mode == "none":
        return pixels
    if mode == "symmetric":
        return pixels / 127.5 - 1.0
    if pixels.shape[-1] != 3:  # imagenet/caffe statistics are for RGB
        return pixels / 255.0 if mode == "imagenet" else pixels
    from keras.applications.imagenet_utils import preprocess_input  # the backend: never on the first paint

    # It works in place on float input: ``pixels`` is our own copy (astype above).
    return np.ascontiguousarray(preprocess_input(pixels, data_format="channels_last", mode=_KERAS_MODES[mode]))


def load_model_input(
    path: str | Path,
    input_shape: tuple,
    mode: str = DEFAULT_PREPROCESSING,
    size: tuple[int, int] | None = None,
) -> np.ndarray:
    """The image at ``path`` as a (1, H, W, C) float32 batch for ``input_shape`` (H, W, C)."""
    height, width, channels = input_shape
    image = read_image(path)
    out_h, out_w = target_size(image.size, (height, width), size)
    pixels = image_to_array(image, int(channels or 3))
    resized = _resize(pixels, out_h, out_w)
    return preprocess(resized, mode)[None]


def _resize(pixels: np.ndarray, height: int, width: int) -> np.ndarray:
    if pixels.shape[:2] == (height, width):
        return pixels
    planes = [
        np.asarray(
            Image.fromarray(pixels[..., c], mode="F").resize((width, height), Image.Resampling.BILINEAR)
        )
        for c in range(pixels.shape[2])
    ]
    return np.stack(planes, axis=2)


def stretch_for_display(
    model_input: np.ndarray, bgr: bool = False
) -> tuple[np.ndarray, tuple[float | None, float | None]]:
    """The input as the model sees it, min-max stretched to [0, 1] for display.

    Takes (H, W), (H, W, C) or a batch of one. 3 channels stay RGB (H, W, 3);
    any other count shows channel 0 as gray (H, W); ``bgr``: 3 channels in B, G, R
    order ("caffe" preprocessing) are put back in RGB order. The range is over finite
    values; a constant or valueless picture is all 0, NaN pixels are 0.
    Returns the float32 picture and the finite (low, high) it was stretched from.
    """
    values = np.asarray(model_input, dtype=np.float32)
    if values.ndim == 4:
        values = values[0]
    if values.ndim == 2:
        values = values[:, :, None]
    if values.ndim != 3:
        raise ValueError(f"expected an (H, W, C) image, got shape {values.shape}")
    shown = values if values.shape[-1] == 3 else values[:, :, 0]
    if bgr and values.shape[-1] == 3:
        shown = shown[:, :, ::-1]
    low, high = finite_range(shown)
    if low is None or high is None or high <= low:
        return np.zeros_like(shown), (low, high)
    with np.errstate(invalid="ignore"):
        stretched = np.clip((shown - low) / (high - low), 0.0, 1.0)
    return np.nan_to_num(stretched, nan=0.0), (low, high)


def display_rgb(model_input: np.ndarray, bgr: bool = False) -> np.ndarray:
    """A preprocessed input as (H, W, 3) uint8 RGB for display (see stretch_for_display)."""
    shown, _range = stretch_for_display(model_input, bgr)
    if shown.ndim == 2:
        shown = np.repeat(shown[:, :, None], 3, axis=2)
    return np.clip(shown * 255.0 + 0.5, 0, 255).astype(np.uint8)
