"""From pattern pixels in [0, 1] to exactly what the model is fed, in Keras ops.

The value range comes from the model's preprocessing (``--preprocessing``): every
mode is affine per pixel (a channel swap at most), so it is read off
``inputs.images.preprocess`` itself as ``input = 255 * pixels @ M + b``, and
patterns always live in the range real images do. Then the pixels are laid out
as the image input takes them (channels first, a square 2-D input, flat), and
the model's other inputs get zeros, as for an image.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actviz_tui.core.inputs.images import preprocess
from actviz_tui.core.inputs.layout import image_layout

DEFAULT_FREE_SIDE = 128  # pattern side for an input of free size, without a size option


@dataclass(frozen=True)
class InputGeometry:
    height: int
    width: int
    channels: int
    input_index: int  # which model input takes the image
    input_shapes: tuple  # every model input's shape, batch axis excluded (free sizes filled in)
    channels_first: bool
    matrix: np.ndarray  # (C, C): 255 * pixels @ matrix + offset is the preprocessed input
    offset: np.ndarray  # (C,)

    def model_inputs(self, pixels) -> list:
        """Keras ops: (N, H, W, C) pixels -> the model's inputs."""
        import keras

        ops = keras.ops
        image = ops.matmul(pixels * 255.0, ops.convert_to_tensor(self.matrix)) + ops.convert_to_tensor(self.offset)
        shape = self.input_shapes[self.input_index]
        if len(shape) == 3 and self.channels_first:
            image = ops.transpose(image, (0, 3, 1, 2))
        elif len(shape) == 2:
            image = image[..., 0]
        elif len(shape) == 1:
            image = ops.reshape(image, (-1, shape[0]))
        count = ops.shape(image)[0]
        return [image if i == self.input_index else ops.zeros((count, *other), dtype="float32")
                for i, other in enumerate(self.input_shapes)]

    def as_fed(self, pixels: np.ndarray) -> np.ndarray:
        """The image input's values for these pixels, as numpy (what ``--with-data`` saves)."""
        import keras

        return keras.ops.convert_to_numpy(self.model_inputs(pixels)[self.input_index])


def input_geometry(model, size: tuple[int, int] | None = None) -> InputGeometry:
    """Where and how an engine ``Model`` takes its image (its input must be one: the caller checked)."""
    index = model.image_input_index
    info = model.inputs[index]
    layout = image_layout(info.shape, info.channels_first)
    assert layout is not None  # image_input_index names an input that takes images
    height, width, channels = layout
    free = size or model.options.size or (DEFAULT_FREE_SIDE, DEFAULT_FREE_SIDE)
    height, width = int(height or free[0]), int(width or free[1])
    channels = int(channels or 3)
    shapes = tuple(_filled(other.shape, (height, width) if i == index else ())
                   for i, other in enumerate(model.inputs))
    matrix, offset = preprocessing_map(model.options.preprocessing, channels)
    return InputGeometry(height, width, channels, index, shapes, info.channels_first, matrix, offset)


def _filled(shape: tuple, sizes: tuple) -> tuple:
    """A shape with free sizes given: an image input's by the pattern size, any other's as 1."""
    spatial = list(sizes)
    filled = []
    for dim in shape:
        filled.append(dim if dim is not None else (spatial.pop(0) if spatial else 1))
    return tuple(filled)


def preprocessing_map(mode: str, channels: int) -> tuple[np.ndarray, np.ndarray]:
    """(M, b) with preprocess(255 * p) == 255 * p @ M + b for pixels p in [0, 1]."""
    zero = preprocess(np.zeros((1, 1, channels), np.float32), mode)[0, 0]
    basis = np.eye(channels, dtype=np.float32)[:, None, :] * 255.0  # one pixel per channel at 255
    columns = preprocess(basis, mode)[:, 0, :] - zero
    return (columns / 255.0).astype(np.float32), zero.astype(np.float32)
