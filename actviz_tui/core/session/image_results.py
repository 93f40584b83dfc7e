"""One input's results, computed on demand and cached: activations, statistics, predictions.

An ``ImageResults`` is what the explorer's views, the export and ``actviz summary``
read: the model's facts (layers, name, filters...) plus everything about one
image, named explicitly by its key. ``ImageResults(model, None, None, cache)``
stands for "no image yet" (filters need none).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from actviz_tui.core.analysis.predictions import OutputPrediction
from actviz_tui.core.analysis.stats import ActivationStats, activation_stats
from actviz_tui.core.errors import NotAnImageModelError
from actviz_tui.core.inputs.layout import PreparedInput, is_array_file
from actviz_tui.core.session.activation_cache import ActivationCache

# What an ImageResults answers straight from its model (they do not depend on the image).
MODEL_FACTS = frozenset({
    "keras_model", "layers", "inputs", "name", "options", "labels", "total_params", "find_layer", "keras_layer",
    "filters", "unit_labels", "output_rows", "output_kinds", "receptive_fields", "input_description",
    "preprocessing_hint",
    "image_input_index",
})


ARRAY_PREPROCESSING = "none (array)"  # a .npy file's values go in as they are


class ImageResults:
    def __init__(self, model, key: str | None, prepared: PreparedInput | None, cache: ActivationCache):
        self.model = model
        self.key = key
        self.prepared = prepared
        self._cache = cache
        self._stats: dict[int, ActivationStats] = {}
        self._predictions: list[OutputPrediction] | None = None
        self._kept: dict[int, np.ndarray] = {}  # computed with other images' (see keep)

    def __getattr__(self, name: str):
        if name in MODEL_FACTS:
            return getattr(self.model, name)
        raise AttributeError(name)

    @property
    def model_path(self) -> Path | None:
        return self.model.path

    # ----- the input ------------------------------------------------------------------
    @property
    def has_image(self) -> bool:
        return self.prepared is not None

    @property
    def image_path(self) -> Path | None:
        return None if self.key is None else Path(self.key)

    @property
    def model_input(self) -> np.ndarray | None:
        """The input as a picture, channels last (what the preview and the input figure show)."""
        return None if self.prepared is None else self.prepared.picture

    @property
    def preprocessing(self) -> str:
        """What was done to the values: the --preprocess mode, or nothing for a ``.npy`` array."""
        return ARRAY_PREPROCESSING if self.key is not None and is_array_file(self.key) else self.options.preprocessing

    @property
    def input_bgr(self) -> bool:
        """The picture's channels are B, G, R ("caffe" preprocessing of an image)."""
        return self.key is not None and not is_array_file(self.key) and self.options.preprocessing == "caffe"

    @property
    def batch(self) -> np.ndarray:
        """The (1, ...) array the model's image (or array) input gets."""
        if self.prepared is None:
            raise NotAnImageModelError(f"model {self.name}: no image given yet")
        return self.prepared.batch

    # ----- activations ----------------------------------------------------------------
    def activation(self, row: int) -> np.ndarray:
        """The activation at table row ``row`` (batch axis removed, channels last)."""
        return self.activations([row])[row]

    def cached_activation(self, row: int) -> np.ndarray | None:
        """The activation if it is already computed, else None; never runs the model."""
        kept = self._kept.get(row)
        return kept if kept is not None else self._cache.get((self.key, row))

    def keep(self, arrays: dict[int, np.ndarray]) -> None:
        """Hold activations computed in a batch with other images (outside the cache's
        budget) until ``release``: a batched export draws each image from them."""
        self._kept.update(arrays)

    def release(self) -> None:
        self._kept.clear()

    def activations(self, rows) -> dict[int, np.ndarray]:
        """Several rows: the cached ones as they are, the missing ones from one graph pass."""
        cached = {row: self.cached_activation(row) for row in rows}
        computed = self._compute([row for row, array in cached.items() if array is None])
        return {row: computed[row] if array is None else array for row, array in cached.items()}

    def _compute(self, rows: list[int]) -> dict[int, np.ndarray]:
        """Run the model for ``rows``; cache the arrays (within the budget) and their statistics."""
        if not rows:
            return {}
        arrays = {row: batch[0] for row, batch in self.model.activations_by_row(self.batch, rows).items()}
        for row, array in arrays.items():
            self._cache.put((self.key, row), array)
            if row not in self._stats:
                self._stats[row] = activation_stats(array)
        return arrays

    # ----- statistics and predictions ---------------------------------------------------
    def stats(self, row: int) -> ActivationStats:
        if row not in self._stats:
            self._stats[row] = activation_stats(self.activation(row))
        return self._stats[row]

    def all_stats(self) -> dict[int, ActivationStats]:
        """Statistics of every layer (one pass over the graph for the missing ones)."""
        self._compute([row for row in range(len(self.layers)) if row not in self._stats])
        return {row: self._stats[row] for row in range(len(self.layers))}

    def known_stats(self) -> dict[int, ActivationStats]:
        return dict(self._stats)

    def predictions(self) -> list[OutputPrediction]:
        """The top classes of each model output for this image."""
        if self._predictions is None:
            self._predictions = self.model.predictions(self.batch)[0]
        return self._predictions

    def class_heatmap(self, method=None, class_index=None, layer=None, output=0, progress=None, should_stop=None,
                      **options):
        """One class heatmap of this image (``core.explain.ClassHeatmap``); ``options``: the method's own."""
        explanation = self.model.explain(self.batch, method=method, classes=class_index, layer=layer, output=output,
                                         progress=progress, should_stop=should_stop, **options)
        return explanation.item(0)

    def channel_contributions(self, layer, class_index=None, output=0):
        """This image's channels at ``layer``: Grad-CAM weights and contributions to the class
        (``core.explain.channel_contributions``; None: the top class)."""
        from actviz_tui.core.explain.channel_contributions import channel_contributions

        return channel_contributions(self.model, self.batch, layer, class_index, output)[0]
