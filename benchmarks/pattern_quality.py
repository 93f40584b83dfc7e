"""How well filter patterns do their job, measured on fer's trained emotion model
(benchmarks/pattern_quality_data.py): for each channel of a layer,

- *own vs others*: does its own pattern drive it harder than every other channel's pattern?
- *own vs natural*: harder than the best of a few hundred natural 64x64 crops?

"Drive" is the objective the optimiser climbs (``PatternTarget.values``: the channel's
mean away from the borders, before the layer's activation). The same two figures are
also taken on the layer's real output (after its ReLU), where a tie at zero counts as
a loss.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

CHUNK = 64  # images per forward pass when scoring


@dataclass(frozen=True)
class Quality:
    layer: str
    channels: tuple[int, ...]
    steps: int
    seconds: float  # the patterns' optimisation (no disk cache)
    own_vs_others: float  # fraction of channels, pre-activation objective
    own_vs_natural: float
    own_vs_others_post: float  # the same on the layer's real output (after its activation)
    own_vs_natural_post: float
    natural_count: int

    def summary(self) -> str:
        return (f"{self.layer}, {len(self.channels)} channels, {self.steps} steps ({self.seconds:.1f} s): "
                f"own pattern beats every other pattern for {self.own_vs_others:.0%} of channels "
                f"({self.own_vs_others_post:.0%} after the activation), beats the best of "
                f"{self.natural_count} natural crops for {self.own_vs_natural:.0%} "
                f"({self.own_vs_natural_post:.0%} after the activation)")


def open_fer_model():
    from pattern_quality_data import PREPROCESSING, model_path

    from actviz_tui.core.model.engine import Model
    from actviz_tui.core.model.options import ModelOptions

    return Model.open(model_path(), ModelOptions(preprocessing=PREPROCESSING))


def measure(model, layer: str, channels, steps: int, crops: np.ndarray, seed: int = 0) -> Quality:
    """``crops``: (N, H, W, C) uint8 natural images the size of the model's input."""
    from actviz_tui.core.inputs.images import preprocess
    from actviz_tui.core.patterns import pattern_target

    target = pattern_target(model, layer)
    chosen = target.check_channels(channels)
    start = time.perf_counter()
    patterns = model.patterns(layer, chosen, steps=steps, seed=seed, use_cache=False)
    seconds = time.perf_counter() - start
    natural = np.stack([preprocess(crop, model.options.preprocessing) for crop in crops])
    pre = [objective_matrix(target, images, chosen) for images in (patterns.inputs, natural)]
    post = [layer_means(model, target, images, chosen) for images in (patterns.inputs, natural)]
    return Quality(layer, chosen, steps, seconds, *wins(*pre), *wins(*post), len(crops))


def wins(on_patterns: np.ndarray, on_natural: np.ndarray) -> tuple[float, float]:
    """(own beats every other pattern, own beats every natural image), as fractions of channels.
    ``on_patterns[i, j]``: channel j's score for channel i's pattern; ``on_natural[k, j]``: for image k."""
    own = np.diag(on_patterns)
    others = np.where(np.eye(len(own), dtype=bool), -np.inf, on_patterns).max(axis=0)
    return float(np.mean(own > others)), float(np.mean(own > on_natural.max(axis=0)))


def objective_matrix(target, inputs: np.ndarray, channels: tuple[int, ...]) -> np.ndarray:
    """(N, channels): each channel's objective (``target.values``) for each input as fed."""
    import keras

    columns = np.eye(target.count, dtype=np.float32)[list(channels)]
    rows = []
    for start in range(0, len(inputs), CHUNK):
        outputs = target.keras_model([inputs[start:start + CHUNK]], training=False)
        if isinstance(outputs, (list, tuple)):
            outputs = outputs[-1]
        rows.append(np.stack([keras.ops.convert_to_numpy(target.values(outputs, np.broadcast_to(
            column, (len(inputs[start:start + CHUNK]), target.count)))) for column in columns], axis=1))
    return np.concatenate(rows)


def layer_means(model, target, inputs: np.ndarray, channels: tuple[int, ...]) -> np.ndarray:
    """(N, channels): the mean of the layer's real output (after its activation), same border."""
    from actviz_tui.core.patterns.target import BORDER_FRACTION

    rows = []
    for start in range(0, len(inputs), CHUNK):
        maps = model.activations_by_row(inputs[start:start + CHUNK], [target.row])[target.row]
        height, width = maps.shape[1:3]
        dy, dx = height // BORDER_FRACTION, width // BORDER_FRACTION
        rows.append(maps[:, dy:height - dy, dx:width - dx, :].mean(axis=(1, 2))[:, list(channels)])
    return np.concatenate(rows)
