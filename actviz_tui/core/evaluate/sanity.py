"""The model-randomisation sanity check (Adebayo et al., "Sanity Checks for Saliency Maps",
2018): a heatmap that explains the model must change when the model's top layers are
replaced by random weights. For each method, the maps of the same images and classes
before and after are compared by Spearman's rank correlation; a method whose maps
barely change (correlation >= ``PASS_BELOW``) fails.

The user's model is left alone: the check runs on a clone (``keras.models.clone_model``)
whose top ``layers`` convolution or Dense layers get Gaussian weights of the same
spread as theirs (seeded)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from actviz_tui.core.evaluate.statistics import spearman

PASS_BELOW = 0.5  # mean rank correlation under which a method's maps followed the randomisation
RANDOMISED_TYPES = ("Conv", "Dense")  # layers with kernels; normalisation statistics are left alone


@dataclass(frozen=True)
class SanityResult:
    method: str
    correlation: float  # mean Spearman correlation over the images, before vs after
    randomised: tuple[str, ...]  # the layers given random weights

    @property
    def passed(self) -> bool:
        return self.correlation < PASS_BELOW


def randomised_model(model, layers: int = 2, seed: int = 0):
    """(a clone of the engine ``Model`` with its top ``layers`` weighted layers randomised, their names)."""
    import keras

    from actviz_tui.core.model.engine import Model

    clone = keras.models.clone_model(model.keras_model)
    clone.set_weights(model.keras_model.get_weights())
    copy = Model(clone, None, model.options)
    rows = [info.index for info in copy.layers
            if not info.is_model and any(kind in info.type for kind in RANDOMISED_TYPES) and info.params]
    chosen = rows[-layers:] if layers > 0 else []
    rng = np.random.default_rng(seed)
    for row in chosen:
        layer = copy.keras_layer(row)
        layer.set_weights([rng.normal(0.0, float(w.std()) or 0.05, w.shape).astype(w.dtype)
                           for w in layer.get_weights()])
    return copy, tuple(copy.layers[row].name for row in chosen)


def sanity_check(model, x, methods: Sequence[str], classes, layers: int = 2, seed: int = 0,
                 layer=None, output: int = 0, before: Mapping[str, np.ndarray] | None = None,
                 method_options: Mapping | None = None, progress=None) -> list[SanityResult]:
    """Each method's maps before and after randomising the top ``layers``, for the same classes.
    ``before``: maps already made for some methods (an evaluation's), method -> (N, H, W);
    ``method_options`` as ``evaluate_methods`` takes them; ``progress(done, total)`` after each method."""
    from actviz_tui.core.evaluate.evaluation import RANDOM, options_for

    made = {method: maps for method, maps in (before or {}).items() if method != RANDOM}
    randomised, names = randomised_model(model, layers, seed)

    def maps_of(engine_model, method: str) -> np.ndarray:
        if method == RANDOM:  # the floor knows no model: its maps never change (a method that fails)
            return np.random.default_rng(seed).random((len(np.asarray(x)), 4, 4))
        return engine_model.explain(x, method=method, classes=classes, layer=layer, output=output,
                                    **options_for(method, dict(method_options or {}))).heatmaps

    results = []
    for method in methods:
        original = made[method] if method in made else maps_of(model, method)
        after = maps_of(randomised, method)
        correlation = float(np.mean([spearman(a, b) for a, b in zip(original, after)]))
        results.append(SanityResult(method, correlation, names))
        if progress is not None:
            progress(len(results), len(methods))
    return results
