"""One model, its layer table and the activations of the current image.

The one object the CLI, the explorer and the exporter talk to.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from actviz_tui.core.model.probe import ActivationProbe
from actviz_tui.core.analysis.stats import ActivationStats, activation_stats
from actviz_tui.core.analysis.filters import LayerFilters, layer_filters
from actviz_tui.core.errors import LayerLookupError, NotAnImageModelError
from actviz_tui.core.model.graph import InputInfo, LayerInfo, trace_model
from actviz_tui.core.inputs.layout import PreparedInput, is_array_file, prepare_array, prepare_image
from actviz_tui.core.model.loading import load_model
from actviz_tui.core.inputs.hints import preprocessing_hint
from actviz_tui.core.analysis.predictions import load_labels
from actviz_tui.core.model.options import SessionOptions


class ModelSession:
    """Thread-safe: every call that runs the model holds ``self.lock``, so one
    backend call runs at a time. Callers that queue work (the explorer's
    workers) may take the lock themselves to drop stale requests before
    running them; it is re-entrant."""

    def __init__(self, model, model_path: Path | None = None, options: SessionOptions = SessionOptions()):
        self.model = model
        self.model_path = model_path
        self.options = options
        self.lock = threading.RLock()
        traced = trace_model(model)
        self.layers: list[LayerInfo] = traced.layers
        self.inputs: list[InputInfo] = traced.input_infos
        self.probe = ActivationProbe(traced, options.cache_bytes)
        self._check_image_input(options.image_input)
        self.labels: dict[int, str] | None = load_labels(options.labels) if options.labels else None
        self.image_path: Path | None = None
        self.model_input: np.ndarray | None = None  # the input as a picture, channels last (model_inputs)
        self.input_bgr = False  # the picture's channels are B, G, R ("caffe" preprocessing)
        self._stats: dict[int, ActivationStats] = {}
        self._image_number = 0  # counts set_image calls: stats of an older image are not kept

    @classmethod
    def open(cls, model_path: str | Path, options: SessionOptions = SessionOptions()) -> "ModelSession":
        path = Path(model_path).expanduser()
        return cls(load_model(path, options.custom_objects), path, options)

    @property
    def name(self) -> str:
        return self.model_path.stem if self.model_path else self.model.name

    @property
    def total_params(self) -> int:
        return int(self.model.count_params())

    def _check_image_input(self, chosen: int | None) -> None:
        if chosen is not None and not 0 <= chosen < len(self.inputs):
            raise LayerLookupError(
                f"model {self.name} has {len(self.inputs)} input(s) (0-{len(self.inputs) - 1}); no input {chosen}"
            )

    @property
    def image_input_index(self) -> int | None:
        """Which model input receives the image (None if no input is an image)."""
        chosen = self.options.image_input
        if chosen is not None:
            return chosen if self.inputs[chosen].is_image else None
        return next((i for i, info in enumerate(self.inputs) if info.is_image), None)

    @property
    def array_input_index(self) -> int:
        """Which model input receives a ``.npy`` array: --input, else the image one, else the first."""
        chosen = self.options.image_input
        if chosen is not None:
            return chosen
        image = self.image_input_index
        return 0 if image is None else image

    def input_description(self) -> str:
        """Which input gets the image, and what the others get (shown to users)."""
        chosen = self.image_input_index
        if chosen is None:
            return "no image input"
        if len(self.inputs) == 1:
            return f"image -> {self.inputs[chosen].name}"
        others = ", ".join(info.name for i, info in enumerate(self.inputs) if i != chosen)
        return f"image -> {self.inputs[chosen].name} (input {chosen} of 0-{len(self.inputs) - 1}); zeros -> {others}"

    def preprocessing_hint(self) -> str | None:
        """A warning when the model preprocesses its own input, or is a known base wanting another mode."""
        return preprocessing_hint(self.name, self.layers, self.options.preprocessing, self.model.name)

    def set_image(self, image_path: str | Path) -> np.ndarray:
        """Make an image (preprocessed) or a ``.npy`` array (as it is) the model's input.

        Returns the input as a picture, channels last (``model_inputs.PreparedInput``)."""
        chosen, prepared = self._prepare_input(image_path)
        with self.lock:
            self.probe.set_inputs(self._model_inputs(prepared.batch, chosen))
            self.image_path = Path(image_path)
            self.model_input = prepared.picture
            self.input_bgr = not is_array_file(image_path) and self.options.preprocessing == "caffe"
            self._stats.clear()
            self._image_number += 1
        return self.model_input

    def _prepare_input(self, path: str | Path) -> tuple[int, PreparedInput]:
        if is_array_file(path):
            index = self.array_input_index
            return index, prepare_array(path, self.inputs[index])
        chosen = self.image_input_index
        if chosen is None:
            raise NotAnImageModelError(self._no_image_message())
        info = self.inputs[chosen]
        return chosen, prepare_image(path, info, self.options.preprocessing, self.options.size)

    def _no_image_message(self) -> str:
        images = [f"input {i} ({info.name})" for i, info in enumerate(self.inputs) if info.is_image]
        asked = self.options.image_input
        if asked is not None and images:
            info = self.inputs[asked]
            return (
                f"input {asked} ({info.name}, shape {info.shape}) is not an image; "
                f"try --input with {', '.join(images)}"
            )
        shapes = ", ".join(str(info.shape) for info in self.inputs)
        return (
            f"model {self.name} does not take an image (input shape {shapes}); "
            f"give a .npy array of shape {self.inputs[self.array_input_index].shape} instead"
        )

    def _model_inputs(self, image_batch: np.ndarray, chosen: int) -> list[np.ndarray]:
        arrays = []
        for i, info in enumerate(self.inputs):
            if i == chosen:
                arrays.append(image_batch)
            else:
                shape = tuple(1 if dim is None else dim for dim in info.shape)
                arrays.append(np.zeros((1, *shape), dtype=np.float32))
        return arrays

    @property
    def has_image(self) -> bool:
        return self.model_input is not None

    def activation(self, row: int) -> np.ndarray:
        """The current image's activation at table row ``row`` (batch axis removed)."""
        self._check_row(row)
        with self.lock:
            array, image = self.probe.activation(row), self._image_number
        self._remember_stats({row: array}, image)
        return array

    def cached_activation(self, row: int) -> np.ndarray | None:
        """The activation if it is already computed, else None; never runs the model."""
        return self.probe.cache.get(row)

    def activations(self, rows: list[int]) -> dict[int, np.ndarray]:
        """Several rows at once: the uncached ones come from a single graph pass."""
        for row in rows:
            self._check_row(row)
        with self.lock:
            arrays, image = self.probe.activations(rows), self._image_number
        self._remember_stats(arrays, image)
        return arrays

    def _remember_stats(self, arrays: dict[int, np.ndarray], image: int) -> None:
        """Stats computed outside the lock: kept only if no other image came meanwhile."""
        fresh = {row: activation_stats(array) for row, array in arrays.items() if row not in self._stats}
        with self.lock:
            if image == self._image_number:
                self._stats.update(fresh)

    def stats(self, row: int) -> ActivationStats:
        if row not in self._stats:
            return activation_stats(self.activation(row))
        return self._stats[row]

    def compute_all_stats(self) -> dict[int, ActivationStats]:
        """Stats of every layer from one pass over the graph."""
        with self.lock:
            arrays, image = self.probe.all_activations(), self._image_number
        self._remember_stats(arrays, image)
        return {row: self._stats.get(row) or activation_stats(array) for row, array in arrays.items()}

    def known_stats(self) -> dict[int, ActivationStats]:
        return dict(self._stats)

    @property
    def output_rows(self) -> frozenset[int]:
        """Table rows that are the model's own outputs (its predictions)."""
        traced = self.probe.traced
        outputs = {id(tensor) for tensor in traced.model_outputs}
        return frozenset(row for row, tensor in enumerate(traced.outputs) if id(tensor) in outputs)

    def unit_labels(self, units: int) -> dict[int, str] | None:
        """Names of an output's units: --labels, else ImageNet's for 1000 units."""
        from actviz_tui.core.analysis.predictions import default_labels

        return self.labels or default_labels(units)

    def keras_layer(self, row: int):
        """The Keras layer object of a table row (nested rows through their models)."""
        self._check_row(row)
        layer = self.model
        for part in self.layers[row].name.split("/"):
            layer = layer.get_layer(part)
        return layer

    def filters(self, row: int) -> LayerFilters:
        """The learned filters of a row's layer (LayerLookupError if it has none)."""
        return layer_filters(self.keras_layer(row), self.layers[row].name)

    def find_layer(self, name_or_index: str | int) -> int:
        """A table row from a layer name, path, or index (as typed by a user)."""
        text = str(name_or_index).strip()
        if text.lstrip("-").isdigit():
            row = int(text)
            self._check_row(row)
            return row
        for info in self.layers:
            if text in (info.name, info.short_name):
                return info.index
        raise LayerLookupError(f"no layer named {text!r} in model {self.name}")

    def _check_row(self, row: int) -> None:
        if not 0 <= row < len(self.layers):
            raise LayerLookupError(
                f"no layer #{row}: model {self.name} has {len(self.layers)} layers (0-{len(self.layers) - 1})"
            )
