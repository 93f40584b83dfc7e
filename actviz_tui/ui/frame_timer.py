"""Key-to-frame timing, measured inside the app (pilot waits would swamp it)."""

from __future__ import annotations

import time


class FrameTimer:
    """``mark()`` when a key changes what is shown; ``frame_done()`` when the
    heatmap's lines have been produced for the compositor."""

    def __init__(self) -> None:
        self._started: float | None = None
        self.samples_ms: list[float] = []

    def mark(self) -> None:
        if self._started is None:
            self._started = time.perf_counter()

    def frame_done(self) -> None:
        if self._started is not None:
            self.samples_ms.append((time.perf_counter() - self._started) * 1000)
            self._started = None
