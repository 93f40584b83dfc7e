"""The model, loaded once and immutable after: every method takes its inputs as a batch.

    model = Model.open("model.h5", ModelOptions(preprocessing="rescale"))
    x = model.prepare(["a.png", "b.jpg"])                 # (N, ...) as the model sees it
    model.activations(x, ["conv2d_1", 4])                  # {name: (N, ...)} channels last
    model.reductions(x, ["conv2d_1"])                      # per-channel max (+ position), mean, fraction > 0
    model.predict(x, top=5)                                # per image, best first
    model.explain(x, method="hirescam")                    # class heatmaps, N images at once
    model.explain(x, method="scorecam", max_channels=None) # Score-CAM on every channel (default: 64)
    model.patterns("conv2d_1", [0, 1, 2], steps=256)       # what each channel looks for (gradient ascent)

No current image is kept anywhere: the explorer's cache lives on top (core/session).
``x`` is one array for the image input (the others get zeros), or a list with one
array per model input.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np

from actviz_tui.core.analysis.class_names import class_names, class_probabilities
from actviz_tui.core.analysis.filters import LayerFilters, layer_filters
from actviz_tui.core.analysis.predictions import (
    OutputPrediction, class_scores, default_labels, head_activation, load_labels, output_kind, top_classes,
)
from actviz_tui.core.errors import ImageLoadError, LayerLookupError, NotAnImageModelError
from actviz_tui.core.inputs.hints import preprocessing_hint
from actviz_tui.core.inputs.layout import PreparedInput, is_array_file, prepare_array, prepare_image
from actviz_tui.core.analysis.receptive_field import ReceptiveField, receptive_fields
from actviz_tui.core.model.graph import InputInfo, LayerInfo, layer_objects, trace_model
from actviz_tui.core.model.loading import load_model
from actviz_tui.core.model.options import ModelOptions
from actviz_tui.core.model.runners import ChannelReductions, LayerRunner

LayerRef = str | int


class Prediction(NamedTuple):
    index: int  # type: ignore[assignment]  # the class index, shadowing tuple.index on purpose
    label: str | None
    score: float


class Model:
    def __init__(self, keras_model, path: Path | None = None, options: ModelOptions = ModelOptions()):
        self.keras_model = keras_model
        self.path = path
        self.options = options
        self.traced = trace_model(keras_model)
        self.layers: tuple[LayerInfo, ...] = tuple(self.traced.layers)
        self.inputs: tuple[InputInfo, ...] = tuple(self.traced.input_infos)
        self._check_image_input(options.image_input)
        self.labels: dict[int, str] | None = load_labels(options.labels) if options.labels else None
        self._runner = LayerRunner(self.traced)

    @classmethod
    def open(cls, path: str | Path, options: ModelOptions = ModelOptions()) -> "Model":
        path = Path(path).expanduser()
        return cls(load_model(path, options.custom_objects), path, options)

    # ----- what the model is ------------------------------------------------------
    @property
    def name(self) -> str:
        return self.path.stem if self.path else self.keras_model.name

    @cached_property
    def total_params(self) -> int:
        return int(self.keras_model.count_params())

    def layer(self, ref: LayerRef) -> LayerInfo:
        return self.layers[self.find_layer(ref)]

    def find_layer(self, ref: LayerRef) -> int:
        """A table row from a layer name, nested path ("base/conv"), or index."""
        text = str(ref).strip()
        if text.lstrip("-").isdigit():
            row = int(text)
            self._check_row(row)
            return row
        for info in self.layers:
            if text in (info.name, info.short_name):
                return info.index
        raise LayerLookupError(f"no layer named {text!r} in model {self.name}")

    def rows(self, layers: Sequence[LayerRef] | LayerRef | None) -> tuple[int, ...]:
        """Table rows of names or indices, in the order given, duplicates dropped; None: every row."""
        if layers is None:
            return tuple(range(len(self.layers)))
        if isinstance(layers, (str, int, np.integer)):
            layers = [layers]
        return tuple(dict.fromkeys(self.find_layer(ref) for ref in layers))

    def keras_layer(self, ref: LayerRef):
        """The Keras layer object of a row (nested rows through their models)."""
        layer = self.keras_model
        for part in self.layer(ref).name.split("/"):
            layer = layer.get_layer(part)
        return layer

    @cached_property
    def output_rows(self) -> frozenset[int]:
        """Table rows that are the model's own outputs (its predictions)."""
        return frozenset(row for row in self._output_row_list if row is not None)

    @cached_property
    def _output_row_list(self) -> list[int | None]:
        """The table row of each model output, in Keras' flattened order (None if not a row)."""
        rows = {id(tensor): row for row, tensor in enumerate(self.traced.outputs)}
        return [rows.get(id(tensor)) for tensor in self.traced.model_outputs]

    @cached_property
    def output_kinds(self) -> dict[int, str]:
        """Table row -> what each model output holds: "softmax", "sigmoid" (probabilities) or "values"."""
        kinds: dict[int, str] = {}
        for position, row in enumerate(self._output_row_list):
            if row is not None:
                kinds.setdefault(row, output_kind(head_activation(self.keras_model, position)[1]))
        return kinds

    @cached_property
    def receptive_fields(self) -> tuple[ReceptiveField | None, ...]:
        """Each row's receptive field in input pixels (None: unknown); see core/analysis/receptive_field."""
        return tuple(receptive_fields(self.layers, layer_objects(self.keras_model)))

    def unit_labels(self, units: int) -> dict[int, str] | None:
        """Names of an output's units: --labels, else ImageNet's for 1000 units."""
        return self.labels or default_labels(units)

    def filters(self, ref: LayerRef) -> LayerFilters:
        """A layer's learned filters (LayerLookupError if it has none)."""
        return layer_filters(self.keras_layer(ref), self.layer(ref).name)

    def preprocessing_hint(self) -> str | None:
        return preprocessing_hint(self.name, self.layers, self.options.preprocessing, self.keras_model.name)

    # ----- inputs -------------------------------------------------------------------
    @property
    def image_input_index(self) -> int | None:
        """Which model input receives images (None if no input is an image)."""
        chosen = self.options.image_input
        if chosen is not None:
            return chosen if self.inputs[chosen].is_image else None
        return next((i for i, info in enumerate(self.inputs) if info.is_image), None)

    @property
    def array_input_index(self) -> int:
        """Which model input receives ``.npy`` arrays: --input, else the image one, else the first."""
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

    def prepare_input(self, path: str | Path) -> PreparedInput:
        """One image (preprocessed) or ``.npy`` array (as it is): its (1, ...) batch and its picture."""
        if is_array_file(path):
            return prepare_array(path, self.inputs[self.array_input_index])
        chosen = self.image_input_index
        if chosen is None:
            raise NotAnImageModelError(self._no_image_message())
        return prepare_image(path, self.inputs[chosen], self.options.preprocessing, self.options.size)

    def prepare(self, paths: Sequence[str | Path] | str | Path) -> np.ndarray:
        """Files as one (N, ...) float32 batch for the image (or array) input."""
        paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
        batches = [self.prepare_input(path).batch for path in paths]
        shapes = {batch.shape for batch in batches}
        if len(shapes) > 1:
            raise ImageLoadError(
                f"the inputs come out in {len(shapes)} different sizes (the model's input size is free): "
                "give one size (size=(H, W), --size HxW)"
            )
        return np.concatenate(batches).astype(np.float32, copy=False)

    def feed(self, x) -> list[np.ndarray]:
        """Every model input for a batch: ``x`` for the image (or array) input, zeros elsewhere;
        a list or tuple of arrays is taken as one array per model input."""
        if isinstance(x, (list, tuple)):
            if len(x) != len(self.inputs):
                raise ValueError(f"model {self.name} takes {len(self.inputs)} input(s), got {len(x)} arrays")
            return [np.asarray(array, dtype=np.float32) for array in x]
        x = np.asarray(x, dtype=np.float32)
        chosen = self.image_input_index if self.image_input_index is not None else self.array_input_index
        return [x if i == chosen else self._zeros(info, len(x), x) for i, info in enumerate(self.inputs)]

    @staticmethod
    def _zeros(info: InputInfo, count: int, like: np.ndarray) -> np.ndarray:
        shape = tuple(1 if dim is None else dim for dim in info.shape)
        return np.zeros((count, *shape), dtype=np.float32)

    # ----- batches through the model ------------------------------------------------
    def activations(self, x, layers: Sequence[LayerRef] | LayerRef | None = None) -> dict[str, np.ndarray]:
        """{layer name: (N, ...) float32}, channels last, from one pass over the graph."""
        arrays = self.activations_by_row(x, self.rows(layers))
        return {self.layers[row].name: array for row, array in arrays.items()}

    def activations_by_row(self, x, rows: Sequence[int]) -> dict[int, np.ndarray]:
        for row in rows:
            self._check_row(row)
        return self._runner.activations(self.feed(x), tuple(rows)) if rows else {}

    def reductions(self, x, layers: Sequence[LayerRef] | LayerRef | None = None) -> dict[str, ChannelReductions]:
        """Per image and channel: the maximum and its (y, x), the mean, the fraction > 0;
        computed on the backend, so no whole map comes back to the host."""
        rows = self.rows(layers)
        reduced = self._runner.reductions(self.feed(x), rows) if rows else {}
        return {self.layers[row].name: values for row, values in reduced.items()}

    def outputs(self, x) -> list[np.ndarray]:
        """The model's outputs for a batch, each (N, ...)."""
        return self._runner.outputs(self.feed(x))

    def predict(self, x, top: int = 5, output: int = 0) -> list[list[Prediction]]:
        """Per image, the ``top`` classes of model output ``output``, best first."""
        return [
            [Prediction(entry.index, entry.label, entry.score) for entry in image[output].top]
            for image in self.predictions(x, top)
        ]

    def predictions(self, x, top: int = 5) -> list[list[OutputPrediction]]:
        """Per image, one ``OutputPrediction`` per model output (kind, top classes, unit count)."""
        heads = [head_activation(self.keras_model, position) for position in range(len(self.traced.model_outputs))]
        first = [row is not None and self.layers[row].channels_first for row in self._output_row_list]
        outputs = self.outputs(x)
        results: list[list[OutputPrediction]] = []
        for image in range(len(outputs[0]) if outputs else 0):
            entries = []
            for (layer, activation), values, channels_first in zip(heads, outputs, first):
                scores = class_scores(values[image], channels_first)
                kind = output_kind(activation)
                names = class_names(self.labels, scores.size, kind)  # a binary sigmoid: 2 classes
                entries.append(top_classes(class_probabilities(scores, kind), layer.name, kind, names, top,
                                           units=scores.size))
            results.append(entries)
        return results

    def explain(self, x, method: str | None = None, classes=None, layer: LayerRef | None = None, output: int = 0,
                progress=None, should_stop=None, **options):
        """Class heatmaps for every image of the batch (see core.explain); ``method="best"``: the
        quick method with the lowest deletion AUC on these images (core.evaluate.best)."""
        from actviz_tui.core.explain import explain

        if method == "best":
            from actviz_tui.core.evaluate.best import best_explanation

            return best_explanation(self, x, classes=classes, layer=layer, output=output, progress=progress,
                                    should_stop=should_stop, **options)
        return explain(self, x, method=method, classes=classes, layer=layer, output=output,
                       progress=progress, should_stop=should_stop, **options)

    def channel_contributions(self, x, layer: LayerRef, class_index=None, output: int = 0):
        """Per image: each channel's Grad-CAM weight and part in the class score (``core.explain``)."""
        from actviz_tui.core.explain.channel_contributions import channel_contributions
        return channel_contributions(self, x, layer, class_index, output)

    # ----- checks ---------------------------------------------------------------------
    def patterns(self, layer: LayerRef, channels: Sequence[int] | None = None, *, steps: int = 256,
                 size: tuple[int, int] | None = None, seed: int = 0, batch_size: int = 32,
                 use_cache: bool = True, progress=None):
        """The input each channel (a Dense unit, an output's class) responds to most: one
        ``core.patterns.Patterns`` in ``channels``' order (None: every channel)."""
        from actviz_tui.core.patterns import PatternSettings, collect, layer_patterns, pattern_target

        target = pattern_target(self, layer)
        chosen = target.check_channels(channels)
        settings = PatternSettings(steps=steps, size=size, seed=seed, batch_size=batch_size)
        return collect(layer_patterns(self, target, chosen, settings, use_cache, progress), chosen)

    def _check_image_input(self, chosen: int | None) -> None:
        if chosen is not None and not 0 <= chosen < len(self.inputs):
            raise LayerLookupError(
                f"model {self.name} has {len(self.inputs)} input(s) (0-{len(self.inputs) - 1}); no input {chosen}"
            )

    def _check_row(self, row: int) -> None:
        if not 0 <= row < len(self.layers):
            raise LayerLookupError(
                f"no layer #{row}: model {self.name} has {len(self.layers)} layers (0-{len(self.layers) - 1})"
            )

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
