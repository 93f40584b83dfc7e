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

import weakref

import numpy as np

from actviz_tui.core.errors import ActvizError
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
    optimisation steps over all channels still to compute; it may raise ``PatternsCancelled``.

    Every batch holds the same number of images (float rounding in the backend's
    kernels depends on it, and 256 Adam steps amplify it): a short batch is filled
    with the layer's next uncomputed channels, which are cached too (the explorer's
    next page is then ready), or with copies that are dropped."""
    settings = settings or PatternSettings()
    chosen = target.check_channels(channels)
    geometry = input_geometry(model, settings.size)
    size = min(settings.batch_size, _memory_cap(model, geometry))
    cache = _cache_for(model, settings, geometry, size, target.name) if use_cache else None
    found = {channel: hit for channel in chosen if cache and (hit := cache.load(channel)) is not None}
    if found:
        yield _from_cache(target, settings, found)
    missing = [channel for channel in chosen if channel not in found]
    spare = _spare_channels(target, chosen, cache)
    total, done = len(missing) * settings.steps, 0
    for start in range(0, len(missing), size):
        asked = tuple(missing[start:start + size])
        extra = tuple(spare[:size - len(asked)])
        spare = spare[len(extra):]
        batch = asked + extra + (asked[0],) * (size - len(asked) - len(extra))
        step = _step_counter(on_step, done, len(asked), total)
        result = optimise_batch(target, geometry, batch, settings.steps, settings.seed, settings.learning_rate, step)
        done += len(asked) * settings.steps
        if cache is not None:
            for position, channel in enumerate(asked + extra):
                cache.save(channel, result.pixels[position], result.inputs[position], float(result.scores[position]))
        kept = slice(0, len(asked))
        yield Patterns(target.name, target.kind, asked, result.pixels[kept], result.inputs[kept],
                       result.scores[kept], settings)


def _spare_channels(target: PatternTarget, chosen: tuple[int, ...], cache) -> list[int]:
    """Channels not asked for that would fill a short batch: only worth computing when cached."""
    if cache is None:
        return []
    asked = set(chosen)
    return [channel for channel in range(target.count) if channel not in asked and not cache.has(channel)]


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


def _cache_for(model, settings: PatternSettings, geometry: InputGeometry, batch: int, layer: str):
    sha = _model_sha256(model)
    if sha is None:
        return None
    from actviz_tui.core.model.backend_env import backend_name

    recipe = cache_key(settings, geometry.height, geometry.width, model.options.preprocessing, geometry.input_index,
                       batch, backend_name())
    return PatternCache(sha, recipe, layer)


_SHA256: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> its file's SHA-256 (None: no file)


def _model_sha256(model) -> str | None:
    """The model file's SHA-256, taken once per model (hashing a big file takes seconds)."""
    if model not in _SHA256:
        from actviz_tui.core.file_hash import file_sha256

        try:
            _SHA256[model] = None if model.path is None else file_sha256(model.path)
        except (OSError, ActvizError):
            _SHA256[model] = None  # gone or unreadable since it was loaded: no cache
    return _SHA256[model]


def _memory_cap(model, geometry: InputGeometry) -> int:
    """Images a batch may hold: layer outputs forward and backward within GRADIENT_BYTES."""
    per_image = activation_bytes(model.layers)
    known = model.inputs[geometry.input_index].shape
    if None in known:  # free sizes counted as 1: scale by the pattern's area
        per_image *= geometry.height * geometry.width
    return max(1, GRADIENT_BYTES // (3 * per_image)) if per_image else 64
