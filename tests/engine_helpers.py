"""Test helpers: an in-memory Keras model as an engine Model, a ModelSession or one image's results;
numpy's per-channel reductions to check ``Model.reductions`` against."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.model.engine import Model
from actviz_tui.core.model.options import ModelOptions
from actviz_tui.core.session.model_session import ModelSession


def model_of(keras_model, **options) -> Model:
    return Model(keras_model, options=ModelOptions(**options))


def session_of(keras_model, **options) -> ModelSession:
    """``ModelSession`` on a Keras model (options: ``ModelOptions`` fields)."""
    return ModelSession(model_of(keras_model, **options))


def image_of(keras_model, image, **options):
    """The ``ImageResults`` of one image (or .npy file) on a fresh session of a Keras model."""
    return session_of(keras_model, **options).image(image)


def row_activation(model: Model, x, row: int):
    """One input array's activation at a row (batch axis removed): what the old
    ``probe.set_inputs([x])`` + ``activation(row)`` gave."""
    return model.activations_by_row(x, [row])[row][0]


def numpy_reductions(maps: np.ndarray) -> dict[str, np.ndarray]:
    """Per image and channel of (N, ..., C) channels-last maps: max, argmax as (y, x)
    (first in row-major order; (0, t) for sequences, (0, 0) for vectors), mean, fraction > 0."""
    count, channels = maps.shape[0], maps.shape[-1]
    flat = maps.reshape(count, -1, channels).astype(np.float64)
    peak = flat.argmax(axis=1)
    spatial = maps.shape[1:-1]
    if len(spatial) == 2:
        y, x = np.unravel_index(peak, spatial)
    else:
        y, x = np.zeros_like(peak), peak if len(spatial) == 1 else np.zeros_like(peak)
    return {"maximum": flat.max(axis=1), "position": np.stack([y, x], axis=-1), "mean": flat.mean(axis=1),
            "positive": (flat > 0).mean(axis=1)}


def assert_reductions_match(got, maps: np.ndarray, tolerance: float = 1e-5) -> None:
    """``got`` (ChannelReductions) equals numpy's on ``maps``. Where a channel's maximum
    is reached more than once, any of those positions will do (backends break ties their way)."""
    expected = numpy_reductions(maps)
    count, channels = maps.shape[0], maps.shape[-1]
    for name in ("maximum", "mean"):
        assert getattr(got, name).shape == (count, channels), name
        np.testing.assert_allclose(getattr(got, name), expected[name], rtol=tolerance, atol=tolerance, err_msg=name)
    np.testing.assert_allclose(got.positive, expected["positive"], atol=1e-6, err_msg="positive")
    assert got.position.shape == (count, channels, 2) and np.issubdtype(got.position.dtype, np.integer)
    flat = maps.reshape(count, -1, channels)
    unique = (flat == flat.max(axis=1, keepdims=True)).sum(axis=1) == 1
    np.testing.assert_array_equal(got.position[unique], expected["position"][unique])
    at_position = _values_at(maps, got.position)
    np.testing.assert_allclose(at_position, expected["maximum"], rtol=tolerance, atol=tolerance, err_msg="value at position")


def _values_at(maps: np.ndarray, position: np.ndarray) -> np.ndarray:
    images, channels = np.meshgrid(np.arange(maps.shape[0]), np.arange(maps.shape[-1]), indexing="ij")
    y, x = position[..., 0], position[..., 1]
    if maps.ndim == 4:
        return maps[images, y, x, channels]
    if maps.ndim == 3:
        assert (y == 0).all()
        return maps[images, x, channels]
    assert (position == 0).all()
    return maps
