"""Compute layer activations lazily, one layer at a time, with a bounded cache."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from actviz_tui.core.model.graph import TracedModel
from actviz_tui.core.model.options import default_cache_bytes

class ActivationCache:
    """Least-recently-used arrays, kept under a byte budget."""

    def __init__(self, budget_bytes: int):
        self.budget_bytes = budget_bytes
        self._arrays: OrderedDict[int, np.ndarray] = OrderedDict()
        self.used_bytes = 0

    def get(self, key: int) -> np.ndarray | None:
        """The array, or None; safe to call while another thread evicts."""
        try:
            self._arrays.move_to_end(key)
            return self._arrays[key]
        except KeyError:
            return None

    def put(self, key: int, array: np.ndarray) -> None:
        if array.nbytes > self.budget_bytes or key in self._arrays:
            return
        self._arrays[key] = array
        self.used_bytes += array.nbytes
        while self.used_bytes > self.budget_bytes:
            _, evicted = self._arrays.popitem(last=False)
            self.used_bytes -= evicted.nbytes

    def clear(self) -> None:
        self._arrays.clear()
        self.used_bytes = 0

    def __contains__(self, key: int) -> bool:
        return key in self._arrays

    def __len__(self) -> int:
        return len(self._arrays)


class ActivationProbe:
    """Activations of one input batch: ``probe.activation(row)`` per table row.

    Each request runs only the part of the graph that the layer needs, through a
    small probe model ``keras.Model(traced.inputs, traced.outputs[row])``.
    Results are float32 arrays of the first sample, batch axis removed, channels
    last: a channels_first layer's (C, H, W) comes back as (H, W, C).
    """

    def __init__(self, traced: TracedModel, cache_bytes: int | None = None):
        self.traced = traced
        self.cache = ActivationCache(default_cache_bytes() if cache_bytes is None else cache_bytes)
        self._probe_models: dict[int, object] = {}
        self._inputs: list[np.ndarray] | None = None

    def set_inputs(self, arrays: list[np.ndarray]) -> None:
        """New model inputs (batched arrays, one per model input); clears the cache."""
        self._inputs = [np.asarray(array, dtype=np.float32) for array in arrays]
        self.cache.clear()

    def input_arrays(self) -> list[np.ndarray]:
        """The current model inputs (batched, one per model input)."""
        if self._inputs is None:
            raise RuntimeError("set_inputs() must be called before asking for the inputs")
        return list(self._inputs)

    def activation(self, row: int) -> np.ndarray:
        cached = self.cache.get(row)
        if cached is not None:
            return cached
        array = self._channels_last(row, self._run(self._probe_model(row)))
        self.cache.put(row, array)
        return array

    def all_activations(self) -> dict[int, np.ndarray]:
        """Every row's activation from one pass over the graph (holds them all)."""
        return self.activations(range(len(self.traced.outputs)))

    def activations(self, rows) -> dict[int, np.ndarray]:
        """Several rows: cached ones as they are, the missing ones from one pass."""
        import keras

        cached = {row: self.cache.get(row) for row in rows}
        found = {row: array for row, array in cached.items() if array is not None}
        missing = [row for row in cached if row not in found]
        if len(missing) == 1:
            found[missing[0]] = self.activation(missing[0])
        elif missing:
            model = keras.Model(self.traced.inputs, [self.traced.outputs[row] for row in missing])
            for row, array in zip(missing, self._run(model, several=True)):
                array = self._channels_last(row, array)
                self.cache.put(row, array)
                found[row] = array
        return {row: found[row] for row in cached}  # in the order asked

    def _probe_model(self, row: int):
        model = self._probe_models.get(row)
        if model is None:
            import keras

            model = keras.Model(self.traced.inputs, self.traced.outputs[row])
            self._probe_models[row] = model
        return model

    def _channels_last(self, row: int, array: np.ndarray) -> np.ndarray:
        if not self.traced.layers[row].channels_first or array.ndim < 2:
            return array
        return np.ascontiguousarray(np.moveaxis(array, 0, -1))

    def _run(self, model, several: bool = False):
        if self._inputs is None:
            raise RuntimeError("set_inputs() must be called before asking for activations")
        import keras

        outputs = model(self._inputs, training=False)
        if several:
            return [_first_sample(keras.ops.convert_to_numpy(out)) for out in outputs]
        return _first_sample(keras.ops.convert_to_numpy(outputs))


def _first_sample(batch: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(batch[0], dtype=np.float32)
