"""Channel-switch render benchmark: our half-block path against the plain one.

Scenario: a 160x50 terminal whose heatmap pane is about 120x44 cells shows one
channel of a 148x148x32 float32 activation; each switch re-renders to ANSI.

  ours:  channel -> value_range -> resample_area -> to_rgb -> HalfBlockImage
  plain: channel -> matplotlib colormap -> PIL resize -> rich_pixels.Pixels

Both are rendered through the same Console to ANSI text. No TensorFlow needed:
the activation is synthetic but shaped like a ReLU conv layer's output.

    python benchmarks/bench_render.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console  # noqa: E402

from actviz_tui.core import colormap  # noqa: E402
from actviz_tui.ui.widgets.halfblock import HalfBlockImage  # noqa: E402

TERMINAL_W = 160
PANE_CELLS = (120, 44)  # (width, height) of the heatmap pane
MAP_SIZE, CHANNELS = 148, 32
CMAP = "viridis"
SWITCHES = 64
GOAL_MS, GOAL_SPEEDUP, GOAL_BYTES_RATIO = 5.0, 5.0, 0.6


def synthetic_activation(seed: int = 0) -> np.ndarray:
    """(148, 148, 32) float32 that looks like a ReLU conv layer's output.

    Half the channels respond to oriented edges of a synthetic scene, half are
    smooth random blobs; all pass through a biased ReLU, so many cells are 0.
    """
    rng = np.random.default_rng(seed)
    scene = _smooth(rng.standard_normal((MAP_SIZE, MAP_SIZE)), sigma=6.0)
    grad_y, grad_x = np.gradient(scene)
    channels = []
    for c in range(CHANNELS):
        if c % 2 == 0:
            angle = np.pi * c / CHANNELS
            response = np.cos(angle) * grad_x + np.sin(angle) * grad_y
        else:
            response = _smooth(rng.standard_normal((MAP_SIZE, MAP_SIZE)), sigma=2.0 + c % 5)
        response = response / response.std()
        channels.append(np.maximum(response - rng.uniform(0.0, 0.8), 0.0))
    return np.stack(channels, axis=-1).astype(np.float32)


def _smooth(noise: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur through the FFT (periodic edges are fine for test data)."""
    fy = np.fft.fftfreq(noise.shape[0])[:, None]
    fx = np.fft.fftfreq(noise.shape[1])[None, :]
    kernel = np.exp(-2.0 * (np.pi * sigma) ** 2 * (fx**2 + fy**2))
    return np.fft.ifft2(np.fft.fft2(noise) * kernel).real


def ours(channel: np.ndarray) -> HalfBlockImage:
    vmin, vmax = colormap.value_range(channel)
    cells_w, cells_h = PANE_CELLS
    return HalfBlockImage.from_values(channel, CMAP, vmin, vmax, cells_w, cells_h)


def plain(channel: np.ndarray):
    import matplotlib
    from PIL import Image
    from rich_pixels import Pixels

    vmin, vmax = float(channel.min()), float(channel.max())
    rgba = matplotlib.colormaps[CMAP]((channel - vmin) / (vmax - vmin or 1.0), bytes=True)
    px_h, px_w = _pixel_size(channel)
    image = Image.fromarray(rgba).resize((px_w, px_h))
    return Pixels.from_image(image)


def _pixel_size(channel: np.ndarray) -> tuple[int, int]:
    cells_w, cells_h = PANE_CELLS
    return colormap.fit_shape(*channel.shape, cells_h * 2, cells_w)


def render_ansi(console: Console, renderable) -> str:
    buffer = console.file
    buffer.seek(0)
    buffer.truncate()
    console.print(renderable)
    return buffer.getvalue()


def _console() -> Console:
    return Console(
        file=io.StringIO(), color_system="truecolor", width=TERMINAL_W, legacy_windows=False
    )


def time_switches(build: Callable, activation: np.ndarray, switches: int) -> list[float]:
    """Milliseconds for each channel switch: build the image and render it."""
    console = _console()
    render_ansi(console, build(activation[..., 0]))  # warm caches and imports
    timings = []
    for i in range(switches):
        channel = activation[..., (i + 1) % activation.shape[-1]]
        start = time.perf_counter()
        render_ansi(console, build(channel))
        timings.append((time.perf_counter() - start) * 1e3)
    return timings


def repaint_bytes(build: Callable, activation: np.ndarray) -> float:
    """Median over channels of the UTF-8 bytes one full repaint writes."""
    console = _console()
    sizes = [
        len(render_ansi(console, build(activation[..., c])).encode("utf-8"))
        for c in range(activation.shape[-1])
    ]
    return statistics.median(sizes)


def _row(metric: str, value: float, baseline: float, goal: str, met: bool) -> dict:
    return {
        "metric": metric,
        "value": value,
        "baseline": baseline,
        "ratio": value / baseline if baseline else float("nan"),
        "goal": goal,
        "met": met,
    }


def run(switches: int = SWITCHES) -> list[dict]:
    activation = synthetic_activation()
    ours_ms = statistics.median(time_switches(ours, activation, switches))
    plain_ms = statistics.median(time_switches(plain, activation, max(30, switches // 2)))
    ours_bytes = repaint_bytes(ours, activation)
    plain_bytes = repaint_bytes(plain, activation)
    speedup = plain_ms / ours_ms
    bytes_ratio = ours_bytes / plain_bytes
    return [
        _row("channel switch median ms", ours_ms, plain_ms,
             f"<= {GOAL_MS:g} ms", ours_ms <= GOAL_MS),
        _row("speed-up (plain / ours)", speedup, 1.0,
             f">= {GOAL_SPEEDUP:g}x", speedup >= GOAL_SPEEDUP),
        _row("bytes per full repaint", ours_bytes, plain_bytes,
             f"<= {GOAL_BYTES_RATIO:g}x plain", bytes_ratio <= GOAL_BYTES_RATIO),
    ]


def format_rows(rows: list[dict]) -> str:
    header = ("metric", "value", "baseline", "ratio", "goal", "met")
    table = [header] + [
        (r["metric"], f"{r['value']:.3f}", f"{r['baseline']:.3f}", f"{r['ratio']:.3f}",
         r["goal"], "yes" if r["met"] else "NO")
        for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    return "\n".join(
        " | ".join(cell.ljust(width) for cell, width in zip(line, widths)) for line in table
    )


if __name__ == "__main__":
    print(f"{MAP_SIZE}x{MAP_SIZE}x{CHANNELS} activation, pane {PANE_CELLS[0]}x{PANE_CELLS[1]} "
          f"cells in a {TERMINAL_W}-wide terminal, {CMAP}")
    print(format_rows(run()))
