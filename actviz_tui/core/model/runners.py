"""Run a batch through any rows of a traced model: activations, or per-channel reductions on the device.

A runner is a ``keras.Model`` over the traced graph's inputs whose outputs are the
asked rows (built once per set of rows, kept). Batches of one run eagerly (the
explorer: no tracing cost before the first picture); larger batches go through
``predict_on_batch``, the backend's compiled step (TensorFlow's tf.function,
JAX's jit), as ``keras.Model.predict`` does. Reductions run inside that same
compiled step, so only ``5 x channels`` numbers per image come back to the host.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

import numpy as np

_names = itertools.count()


@dataclass(frozen=True)
class ChannelReductions:
    """Per image and channel, over the map's positions (channels last; shapes (N, C))."""

    maximum: np.ndarray  # the largest value
    position: np.ndarray  # (N, C, 2) int: (y, x) of the maximum in map coordinates (first in row-major order)
    mean: np.ndarray
    positive: np.ndarray  # the fraction of positions > 0


class LayerRunner:
    """Builds and keeps the sub-models that compute a traced model's rows."""

    MAX_KEPT = 32  # sub-models kept; the oldest is dropped beyond

    def __init__(self, traced):
        self.traced = traced
        self._models: dict[tuple, object] = {}
        self._lock = threading.Lock()  # only guards the dict: sub-models run concurrently

    def activations(self, feed: list[np.ndarray], rows: tuple[int, ...]) -> dict[int, np.ndarray]:
        """(N, ...) float32 per row, channels last."""
        model = self._model(("maps", rows), lambda: [self.traced.outputs[row] for row in rows])
        arrays = self._run(model, feed, len(rows))
        return {row: self._channels_last(row, array) for row, array in zip(rows, arrays)}

    def reductions(self, feed: list[np.ndarray], rows: tuple[int, ...]) -> dict[int, ChannelReductions]:
        def outputs():
            return [_reduce_layer(self.traced.layers[row].channels_first)(self.traced.outputs[row]) for row in rows]

        arrays = self._run(self._model(("reduce", rows), outputs), feed, len(rows))
        return {row: _unpack(array) for row, array in zip(rows, arrays)}

    def outputs(self, feed: list[np.ndarray]) -> list[np.ndarray]:
        """The model's own outputs (N, ...), in Keras' flattened order."""
        outputs = self.traced.model_outputs
        return self._run(self._model(("outputs",), lambda: list(outputs)), feed, len(outputs))

    def _model(self, key: tuple, outputs):
        with self._lock:
            model = self._models.get(key)
            if model is None:
                import keras

                model = keras.Model(self.traced.inputs, outputs(), name=f"actviz_runner_{next(_names)}")
                if len(self._models) >= self.MAX_KEPT:
                    self._models.pop(next(iter(self._models)))
                self._models[key] = model
            return model

    @staticmethod
    def _run(model, feed: list[np.ndarray], count: int) -> list[np.ndarray]:
        import keras

        if len(feed[0]) == 1:
            result = model(feed, training=False)
            result = [keras.ops.convert_to_numpy(tensor) for tensor in keras.tree.flatten(result)]
        else:
            result = model.predict_on_batch(feed)
            result = list(result) if isinstance(result, (list, tuple)) else [result]
        assert len(result) == count, (len(result), count)
        return [np.asarray(array, dtype=np.float32) for array in result]

    def _channels_last(self, row: int, array: np.ndarray) -> np.ndarray:
        if not self.traced.layers[row].channels_first or array.ndim < 3:
            return np.ascontiguousarray(array)
        return np.ascontiguousarray(np.moveaxis(array, 1, -1))


def _unpack(array: np.ndarray) -> ChannelReductions:
    """(N, 5, C) from the reduce layer -> named arrays."""
    position = np.stack([array[:, 1], array[:, 2]], axis=-1).astype(np.int64)
    return ChannelReductions(array[:, 0], position, array[:, 3], array[:, 4])


def _reduce_layer(channels_first: bool):
    """A uniquely named layer: (N, ..., C) -> (N, 5, C) = max, its y and x, mean, fraction > 0."""
    return _reduce_class()(channels_first, name=f"actviz_reduce_{next(_names)}")


_REDUCE = None


def _reduce_class():
    global _REDUCE
    if _REDUCE is None:
        import keras

        class ChannelReduce(keras.layers.Layer):
            def __init__(self, channels_first: bool, **kwargs):
                super().__init__(**kwargs)
                self.channels_first = channels_first

            def call(self, maps):
                ops = keras.ops
                maps = ops.cast(maps, "float32")
                if self.channels_first and len(maps.shape) >= 3:
                    maps = ops.moveaxis(maps, 1, -1)
                width = ops.shape(maps)[-2] if len(maps.shape) >= 3 else 1
                flat = ops.reshape(maps, (ops.shape(maps)[0], -1, ops.shape(maps)[-1]))
                peak = ops.argmax(flat, axis=1)
                stats = [
                    ops.max(flat, axis=1),
                    ops.cast(peak // width, "float32"),
                    ops.cast(peak % width, "float32"),
                    ops.mean(flat, axis=1),
                    ops.mean(ops.cast(flat > 0, "float32"), axis=1),
                ]
                return ops.stack(stats, axis=1)

            def compute_output_shape(self, input_shape):
                return (input_shape[0], 5, input_shape[1] if self.channels_first else input_shape[-1])

        _REDUCE = ChannelReduce
    return _REDUCE
