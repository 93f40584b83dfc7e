"""The local scan runner: files decoded ahead in a thread pool, batches through the model, checkpoints.

Decoding (Pillow, numpy) runs in a few threads, a bounded number of batches ahead
of the model, so the model rarely waits and memory stays bounded whatever the
dataset's size. Batches are folded into the job in image order (the mean sums then
add up in the same order as in any other run with the same batches). A first
Ctrl-C is deferred to the end of the batch in flight, so a checkpoint never holds
half a batch; a second one interrupts at once (the last checkpoint stays whole).
"""

from __future__ import annotations

import os
import signal
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

import numpy as np

from actviz_tui.core.scan.dataset import ReadBatch, batch_reductions, read_batch

BATCH_CAP = 64  # more gains nothing on a CPU and delays the first checkpoint
MEMORY_BUDGET = 1 << 30  # at most 1 GiB of activations per batch...
MEMORY_SHARE = 4  # ...and at most a quarter of the memory available now
LIVE_TENSORS = 3  # inference holds about this many layer outputs at once (a residual block's)
# One decoding thread per core the model can spare, up to 4: on 2 cores a second decoder
# slowed the model more than it decoded (0.88x a serial loop's images/s, 2048 JPEGs at 64x64).
DECODERS = max(1, min(4, (os.cpu_count() or 1) - 1))
PREFETCH = max(2, DECODERS)  # batches decoded ahead of the model

Progress = Callable[[int, int], None]


class ScanInterrupted(KeyboardInterrupt):
    """Ctrl-C during a scan, after a checkpoint of ``done`` of ``total`` images."""

    def __init__(self, done: int, total: int):
        super().__init__(f"interrupted after {done} of {total} images")
        self.done, self.total = done, total


def run_local(job, model, batch_size: int | None, progress: Progress | None = None,
              should_stop: Callable[[], bool] | None = None) -> None:
    """Scan ``job.pending()`` with ``model`` in this process. Returns when done (the job
    finished) or when ``should_stop()`` says so (checkpointed); raises ScanInterrupted on Ctrl-C."""
    rows = model.rows(list(job.settings.layers))
    names = [model.layers[row].name for row in rows]
    size = batch_size or auto_batch_size(model, rows)
    pending = job.pending()
    chunks = [pending[start:start + size] for start in range(0, len(pending), size)]
    done = job.total - len(pending)
    if progress:
        progress(done, job.total)
    with _deferred_interrupt() as interrupted, ThreadPoolExecutor(DECODERS, "actviz-decode") as pool:
        for batch in _read_ahead(pool, model, job.images, chunks):
            _fold(job, model, rows, names, batch)
            done += len(batch.indices) + len(batch.skipped)
            job.checkpoint()
            if progress:
                progress(done, job.total)
            if interrupted() or (should_stop is not None and should_stop()):
                job.checkpoint(force=True)
                if interrupted():
                    raise ScanInterrupted(done, job.total)
                return
    job.finish()


def _fold(job, model, rows: Sequence[int], names: list[str], batch: ReadBatch) -> None:
    for index, reason in batch.skipped.items():
        job.add_skipped(index, reason)
    if batch.x is not None:
        reduced = batch_reductions(model, batch.x, rows)
        job.add_batch(batch.indices, [reduced[name] for name in names])


def _read_ahead(pool: ThreadPoolExecutor, model, images: list[str],
                chunks: list[np.ndarray]) -> Iterator[ReadBatch]:
    """The batches in order, each decoded in the pool while earlier ones go through the model."""
    queued: deque[Future] = deque()
    upcoming = iter(chunks)

    def queue_next() -> None:
        chunk = next(upcoming, None)
        if chunk is not None:
            queued.append(pool.submit(read_batch, model, chunk.tolist(), [images[i] for i in chunk]))

    try:
        for _ in range(PREFETCH):
            queue_next()
        while queued:
            batch = queued.popleft().result()
            queue_next()
            yield batch
    finally:  # stopped early: drop what has not started
        for future in queued:
            future.cancel()


@contextmanager
def _deferred_interrupt() -> Iterator[Callable[[], bool]]:
    """Yields ``interrupted()``: whether Ctrl-C came. The first one only sets it (the batch in
    flight completes); a second one raises KeyboardInterrupt at once. Outside the main thread,
    signals are not ours to take: it stays False."""
    seen = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield seen.is_set
        return

    def on_interrupt(signum, frame):
        if seen.is_set():
            raise KeyboardInterrupt
        seen.set()

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield seen.is_set
    finally:
        signal.signal(signal.SIGINT, previous)


# ----- batch size ----------------------------------------------------------------------
def auto_batch_size(model, rows: Sequence[int], available: int | None = None) -> int:
    """Images per batch that fit the memory budget: min(1 GiB, a quarter of the memory
    available now) over an estimate of one image's bytes, between 1 and BATCH_CAP."""
    budget = min(MEMORY_BUDGET, (available if available is not None else available_memory()) // MEMORY_SHARE)
    return int(np.clip(budget // image_bytes(model, rows), 1, BATCH_CAP))


def image_bytes(model, rows: Sequence[int]) -> int:
    """float32 bytes one image costs while it goes through the model: the input, plus
    LIVE_TENSORS times the largest layer output up to the deepest scanned row."""
    fill = max(model.options.size or (224,))  # a free dimension: the size asked, else a usual one
    deepest = max(rows, default=len(model.layers) - 1)
    largest = max((_elements(info.output_shape[1:], fill) for info in model.layers[: deepest + 1]), default=1)
    inputs = sum(_elements(info.shape, fill) for info in model.inputs)
    return 4 * (inputs + LIVE_TENSORS * largest)


def _elements(shape: tuple, fill: int) -> int:
    if not all(dim is None or isinstance(dim, (int, np.integer)) for dim in shape):
        return 0  # several outputs (a nested model's row): its layers are counted on their own rows
    return int(np.prod([fill if dim is None else int(dim) for dim in shape], dtype=np.int64))


def available_memory() -> int:
    """Bytes of memory available now (Linux: MemAvailable; elsewhere free pages; else 4 GiB)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 4 << 30
