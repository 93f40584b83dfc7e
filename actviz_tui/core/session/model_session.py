"""The explorer's session: one model and a small cache of its recent images' results.

``session.image(path)`` prepares an input once and returns its ``ImageResults``
(activations, statistics, predictions, class heatmaps on demand); the last
``KEPT_IMAGES`` stay, their activations under one byte budget. Nothing here is
"the current image": every caller names the image it wants.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from actviz_tui.core.model.engine import Model
from actviz_tui.core.model.options import ModelOptions, default_cache_bytes
from actviz_tui.core.session.activation_cache import ActivationCache
from actviz_tui.core.session.image_results import MODEL_FACTS, ImageResults

KEPT_IMAGES = 4


class ModelSession:
    def __init__(self, model: Model):
        self.model = model
        budget = model.options.cache_bytes
        self._cache = ActivationCache(default_cache_bytes() if budget is None else budget)
        self._images: OrderedDict[str, ImageResults] = OrderedDict()
        self._lock = threading.Lock()
        self.no_image = ImageResults(model, None, None, self._cache)

    @classmethod
    def open(cls, model_path: str | Path, options: ModelOptions = ModelOptions()) -> "ModelSession":
        return cls(Model.open(model_path, options))

    def __getattr__(self, name: str):
        if name in MODEL_FACTS:
            return getattr(self.model, name)
        raise AttributeError(name)

    @property
    def model_path(self) -> Path | None:
        return self.model.path

    def image(self, path: str | Path) -> ImageResults:
        """The results of one image or ``.npy`` file (read and preprocessed on the first ask)."""
        key = str(path)
        with self._lock:
            results = self._images.get(key)
            if results is not None:
                self._images.move_to_end(key)
                return results
        results = ImageResults(self.model, key, self.model.prepare_input(path), self._cache)
        with self._lock:
            results = self._images.setdefault(key, results)
            self._images.move_to_end(key)
            while len(self._images) > KEPT_IMAGES:
                old, _ = self._images.popitem(last=False)
                self._cache.drop(lambda cached, old=old: cached[0] == old)
        return results

    def cached_image(self, path: str | Path) -> ImageResults | None:
        """The results of an image already read, else None (never reads a file)."""
        return self._images.get(str(path))
