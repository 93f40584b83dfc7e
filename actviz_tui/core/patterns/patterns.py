"""What a channel looks for: ``layer_patterns`` optimises (or reads from the cache) one
input per channel and yields them batch by batch, in the order asked (the
explorer asks for the visible page first).

    target = pattern_target(model, "block3_conv1")
    for part in layer_patterns(model, target, channels, PatternSettings(steps=256)):
        ...  # a Patterns per batch: cached channels first, then each optimised batch

``Model.patterns(layer, channels)`` collects them into one ``Patterns``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import numpy as np

from actviz_tui.core.explain.batch_sizes import activation_bytes
from actviz_tui.core.patterns.cache import PatternCache
from actviz_tui.core.patterns.model_input import InputGeometry, input_geometry
from actviz_tui.core.patterns.optimise import PatternsCancelled, optimise_batch
from actviz_tui.core.patterns.settings import PatternSettings, cache_key
from actviz_tui.core.patterns.target import PatternTarget

GRADIENT_BYTES = 1536 * 1024 * 1024  # layer outputs a batch may hold, forward and backward (3x a pass)

__all__ = ["Patterns", "layer_patterns", "collect", "PatternsCancelled"]


@dataclass(frozen=True)
class Patterns:
    layer: str
    kind: str  # "maps", "units" or "classes" (see PatternTarget)
    channels: tuple[int, ...]
    pixels: np.ndarray  # (N, H, W, C) in [0, 1]: the pictures
    inputs: np.ndarray  # (N, *image input shape): exactly what the model is fed, preprocessed
    scores: np.ndarray  # (N,) each channel's objective for its own pattern
    settings: PatternSettings
    cached: int = 0  # how many came from the disk cache

    def of(self, channel: int) -> int:
        """The position of ``channel`` in this result."""
        return self.channels.index(channel)


def layer_patterns(model, target: PatternTarget, channels, settings: PatternSettings | None = None,
                   use_cache: bool = True, on_step: Callable[[int, int], None] | None = None) -> Iterator[Patterns]:
    """Patterns for ``channels`` (None: all), batch by batch. ``on_step(done, total)`` counts
    optimisation steps over all channels still to compute; it may raise ``PatternsCancelled``."""
    settings = settings or PatternSettings()
    chosen = target.check_channels(channels)
    geometry = input_geometry(model, settings.size)
    cache = _cache_for(model, target, settings, geometry) if use_cache else None
    found = {channel: hit for channel in chosen if cache and (hit := cache.load(channel)) is not None}
    if found:
        yield _from_cache(target, settings, found)
    missing = [channel for channel in chosen if channel not in found]
    size = min(settings.batch_size, _memory_cap(model))
    total, done = len(missing) * settings.steps, 0
    for start in range(0, len(missing), size):
        batch = tuple(missing[start:start + size])
        step = _step_counter(on_step, done, len(batch), total)
        result = optimise_batch(target, geometry, batch, settings.steps, settings.seed, settings.learning_rate, step)
        done += len(batch) * settings.steps
        if cache is not None:
            for position, channel in enumerate(batch):
                cache.save(channel, result.pixels[position], result.inputs[position], float(result.scores[position]))
        yield Patterns(target.name, target.kind, batch, result.pixels, result.inputs, result.scores, settings)


def _step_counter(on_step, done: int, per_step: int, total: int) -> Callable[[], None]:
    """Reports ``on_step(done, total)`` after each step of one batch (``per_step`` channels a step)."""
    count = [done]

    def step() -> None:
        count[0] += per_step
        if on_step is not None:
            on_step(count[0], total)

    return step


def collect(batches: Iterable[Patterns], channels: tuple[int, ...]) -> Patterns:
    """One result in ``channels``' order from ``layer_patterns``' parts."""
    parts = list(batches)
    by_channel = {channel: (part, part.of(channel)) for part in parts for channel in part.channels}
    rows = [by_channel[channel] for channel in channels]
    first = parts[0]
    return Patterns(
        first.layer, first.kind, tuple(channels),
        np.stack([part.pixels[i] for part, i in rows]), np.stack([part.inputs[i] for part, i in rows]),
        np.array([part.scores[i] for part, i in rows], dtype=np.float32), first.settings,
        sum(part.cached for part in parts),
    )


def _from_cache(target: PatternTarget, settings: PatternSettings, found: dict) -> Patterns:
    channels = tuple(found)
    return Patterns(
        target.name, target.kind, channels, np.stack([found[c][0] for c in channels]),
        np.stack([found[c][1] for c in channels]), np.array([found[c][2] for c in channels], np.float32),
        settings, cached=len(channels),
    )


def _cache_for(model, target: PatternTarget, settings: PatternSettings, geometry: InputGeometry):
    if model.path is None:
        return None
    from actviz_tui.core.file_hash import file_sha256

    try:
        sha = file_sha256(model.path)
    except OSError:
        return None
    recipe = cache_key(settings, geometry.height, geometry.width, model.options.preprocessing, geometry.input_index)
    return PatternCache(sha, recipe, target.name)


def _memory_cap(model) -> int:
    per_image = activation_bytes(model.layers)
    return max(1, GRADIENT_BYTES // (3 * per_image)) if per_image else 64
