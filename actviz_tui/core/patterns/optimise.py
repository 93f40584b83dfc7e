"""Gradient ascent in input space, one image per channel, all in one batch.

Each channel's spectrum starts from its own generator (``seed``, channel) and
each step transforms each image by its own draw; Adam works per element and
the model runs in inference mode, so a channel's pattern is the same whichever
channels share its batch (up to the float rounding of a different batch size).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np

from actviz_tui.core.patterns import transforms
from actviz_tui.core.patterns.autodiff import gradient_step
from actviz_tui.core.patterns.model_input import InputGeometry
from actviz_tui.core.patterns.parameterisation import FourierImage
from actviz_tui.core.patterns.target import PatternError, PatternTarget

BETA1, BETA2, EPSILON = 0.9, 0.999, 1e-8


class PatternsCancelled(Exception):
    """The caller asked to stop (Esc in the explorer)."""


@dataclass(frozen=True)
class OptimisedBatch:
    channels: tuple[int, ...]
    pixels: np.ndarray  # (N, H, W, C) in [0, 1]
    inputs: np.ndarray  # (N, *image input shape): exactly what the model is fed
    scores: np.ndarray  # (N,) each channel's objective for its own pattern, untransformed


def optimise_batch(target: PatternTarget, geometry: InputGeometry, channels: tuple[int, ...], steps: int,
                   seed: int, learning_rate: float, on_step: Callable[[], None] | None = None) -> OptimisedBatch:
    """Optimise one image per channel; ``on_step`` is called after each step (it may raise to stop)."""
    image, step = _compiled_step(target, geometry)
    params = np.stack([image.initial(np.random.default_rng([seed, channel])) for channel in channels])
    draws = [np.random.default_rng([seed, channel, 1]) for channel in channels]
    onehot = np.eye(target.count, dtype=np.float32)[list(channels)]
    adam = _Adam(params.shape, learning_rate)
    for _ in range(steps):
        moves = np.stack([transforms.random_affine(rng, geometry.height, geometry.width) for rng in draws])
        _values, gradient = step(params, moves, onehot)
        if gradient is None:
            raise PatternError(f"layer {target.name} does not depend on the image input: nothing to optimise")
        params = adam.ascend(params, gradient)
        if on_step is not None:
            on_step()
    return _finished(target, geometry, image, channels, onehot, params)


def _compiled_step(target: PatternTarget, geometry: InputGeometry):
    """(the image parameterisation, its compiled gradient step), built once per target and size."""
    key = (geometry.height, geometry.width, geometry.channels)
    with _COMPILING:
        if key not in target.compiled:
            image = FourierImage(*key)
            target.compiled[key] = (image, gradient_step(_objective(target, geometry, image)))
        return target.compiled[key]


_COMPILING = threading.Lock()


def _objective(target: PatternTarget, geometry: InputGeometry, image: FourierImage):
    """``objective(params, moves, onehot)``: each image's score for its own channel (the
    ``onehot`` row), transformed by ``moves`` (None: as it is)."""
    import keras

    def objective(params, moves, onehot):
        pixels = image.pixels(params)
        if moves is not None:
            pixels = transforms.apply(pixels, moves)
        outputs = target.keras_model(geometry.model_inputs(pixels), training=False)
        if isinstance(outputs, (list, tuple)):
            outputs = outputs[-1]
        return target.values(outputs, keras.ops.convert_to_tensor(onehot))

    return objective


def _finished(target, geometry, image, channels, onehot, params) -> OptimisedBatch:
    import keras

    pixels = keras.ops.convert_to_numpy(image.pixels(keras.ops.convert_to_tensor(params)))
    scores = keras.ops.convert_to_numpy(_objective(target, geometry, image)(
        keras.ops.convert_to_tensor(params), None, onehot))
    return OptimisedBatch(channels, pixels.astype(np.float32), geometry.as_fed(pixels), scores.astype(np.float32))


class _Adam:
    def __init__(self, shape: tuple, learning_rate: float) -> None:
        self.learning_rate = learning_rate
        self.first = np.zeros(shape, np.float32)
        self.second = np.zeros(shape, np.float32)
        self.steps = 0

    def ascend(self, params: np.ndarray, gradient: np.ndarray) -> np.ndarray:
        self.steps += 1
        self.first = BETA1 * self.first + (1 - BETA1) * gradient
        self.second = BETA2 * self.second + (1 - BETA2) * gradient * gradient
        first = self.first / (1 - BETA1 ** self.steps)
        second = self.second / (1 - BETA2 ** self.steps)
        return (params + self.learning_rate * first / (np.sqrt(second) + EPSILON)).astype(np.float32)
