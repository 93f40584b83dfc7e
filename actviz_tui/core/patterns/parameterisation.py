"""The image being optimised, as Lucid parameterises it (Lucent's ``param/spatial.py``
and ``param/color.py``): a Fourier spectrum scaled by 1/frequency, colour
decorrelated, squashed into [0, 1] by a sigmoid.

The spectrum is a full complex (H, W) array per colour channel, kept as real and
imaginary parts in numpy (``params``: (N, 2, H, W, C)); the image is the real
part of its orthonormal inverse FFT. Low frequencies get large steps, so the
optimisation finds smooth structure before pixel noise. Everything from the
spectrum to the pixels is Keras ops, so each backend's autodiff goes through it.
"""

from __future__ import annotations

import numpy as np

# Lucid's square root of ImageNet's colour correlation (its SVD), each column normalised
COLOR_CORRELATION_SVD_SQRT = np.array(
    [[0.26, 0.09, 0.02], [0.27, 0.00, -0.05], [0.27, -0.09, 0.03]], dtype=np.float32
)
COLOR_DECORRELATION = COLOR_CORRELATION_SVD_SQRT / np.max(np.linalg.norm(COLOR_CORRELATION_SVD_SQRT, axis=0))
INITIAL_SD = 0.01  # Lucid's spectrum initialisation
MAGIC = 4.0  # Lucid divides the inverse FFT by 4: the sigmoid starts near its middle


class FourierImage:
    """Pixels in [0, 1], (N, H, W, C), from a spectrum of shape (N, 2, H, W, C)."""

    def __init__(self, height: int, width: int, channels: int, decay_power: float = 1.0):
        self.height, self.width, self.channels = height, width, channels
        fy = np.fft.fftfreq(height)[:, None]
        fx = np.fft.fftfreq(width)[None, :]
        frequencies = np.sqrt(fx * fx + fy * fy)
        scale = 1.0 / np.maximum(frequencies, 1.0 / max(height, width)) ** decay_power
        self.scale = (scale * np.sqrt(height * width) / MAGIC).astype(np.float32)  # ortho inverse FFT, /4

    @property
    def param_shape(self) -> tuple[int, ...]:
        return (2, self.height, self.width, self.channels)

    def initial(self, rng: np.random.Generator) -> np.ndarray:
        """One image's spectrum, drawn from ``rng``."""
        return (rng.standard_normal(self.param_shape) * INITIAL_SD).astype(np.float32)

    def pixels(self, params):
        """Keras ops: (N, 2, H, W, C) spectrum -> (N, H, W, C) pixels in [0, 1]."""
        import keras

        ops = keras.ops
        scale = ops.convert_to_tensor(self.scale[None, None])  # (1, 1, H, W): spectrum laid out (N, C, H, W)
        real = ops.transpose(params[:, 0], (0, 3, 1, 2)) * scale
        imaginary = ops.transpose(params[:, 1], (0, 3, 1, 2)) * scale
        image, _ = ops.ifft2((real, imaginary))
        image = ops.transpose(image, (0, 2, 3, 1))
        if self.channels == 3:
            image = ops.matmul(image, ops.convert_to_tensor(COLOR_DECORRELATION.T))
        return ops.sigmoid(image)
