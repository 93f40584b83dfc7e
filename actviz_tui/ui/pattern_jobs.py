"""Filter patterns in a worker: the layer's channels batch by batch, the visible page first.

``patterns_job`` builds the core's target, says how many channels there are and in
which order they will come (``PatternsStarted``), then sends every finished batch
(``PatternsPart``: cached channels first) and the optimisation's progress
(``PatternsProgress``, at most every ``PROGRESS_EVERY_S``), and ends with
``PatternsDone`` (cancelled, or the one-line reason nothing could be optimised).
``should_stop`` is asked after every optimisation step: Esc, another layer or
another face stops the run there; the finished batches are in the disk cache.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from textual.message import Message

from actviz_tui.core.errors import ActvizError, one_line

if TYPE_CHECKING:
    from actviz_tui.core.patterns import Patterns, PatternSettings

PROGRESS_EVERY_S = 0.1  # a fast model takes thousands of steps a second: not a message for each

# (count, pattern height, pattern width) -> the channels in the order to compute them
ChannelOrder = Callable[[int, int, int], "tuple[int, ...]"]


@dataclass(frozen=True)
class PatternsKey:
    """What one run computes: a table row's patterns with these settings."""

    layer: int
    settings: PatternSettings


@dataclass
class PatternsStarted(Message):
    key: PatternsKey
    count: int  # channels (units, classes) of the target
    what: str  # "channel", "unit" or "class"
    height: int  # of each pattern, in pixels
    width: int


@dataclass
class PatternsPart(Message):
    key: PatternsKey
    part: Patterns  # one batch (or the channels read from the cache)


@dataclass
class PatternsProgress(Message):
    key: PatternsKey
    done: int  # optimisation steps done over all channels still to compute (steps x channels)
    total: int


@dataclass
class PatternsDone(Message):
    key: PatternsKey
    cancelled: bool = False
    error: str = ""  # why there are no patterns (an input layer, a model that takes no image)


def page_first(count: int, page: tuple[int, ...]) -> tuple[int, ...]:
    """Every channel, ``page``'s first, then the ones after it, then the ones before."""
    shown = [c for c in page if 0 <= c < count]
    after = range(shown[-1] + 1, count) if shown else range(count)
    before = range(0, shown[0]) if shown else range(0)
    return (*shown, *after, *before)


def patterns_job(model, key: PatternsKey, order: ChannelOrder, reply: Callable[[Message], None],
                 should_stop: Callable[[], bool]) -> Callable[[], None]:
    """The work of one run, for a worker thread; ``reply`` delivers a message on the UI thread."""

    def job() -> None:
        try:
            run()
        except ActvizError as error:  # nothing to optimise here: the view says why, in one line
            reply(PatternsDone(key, error=str(error)))
        except Exception as error:  # a bug or a backend failure: the view says so, the bridge reports it
            reply(PatternsDone(key, error=f"{type(error).__name__}: {one_line(error)}"))
            raise

    def run() -> None:
        from actviz_tui.core.patterns import PatternsCancelled, layer_patterns, pattern_target
        from actviz_tui.core.patterns.model_input import input_geometry

        target = pattern_target(model, key.layer)
        geometry = input_geometry(model, key.settings.size)
        channels = order(target.count, geometry.height, geometry.width)
        reply(PatternsStarted(key, target.count, target.what, geometry.height, geometry.width))
        last = [0.0]

        def on_step(done: int, total: int) -> None:
            if should_stop():
                raise PatternsCancelled()
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S or done == total:
                last[0] = now
                reply(PatternsProgress(key, done, total))

        try:
            for part in layer_patterns(model, target, channels, key.settings, use_cache=True, on_step=on_step):
                reply(PatternsPart(key, part))
        except PatternsCancelled:
            reply(PatternsDone(key, cancelled=True))
            return
        reply(PatternsDone(key))

    return job
