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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from result_row import result_row  # noqa: E402
from typing import Callable, NamedTuple

import matplotlib
import numpy as np
from PIL import Image
from rich_pixels import Pixels

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.color import ColorSystem, ColorType  # noqa: E402
from rich.console import Console  # noqa: E402

from actviz_tui.core.pictures import colormap  # noqa: E402
from actviz_tui.ui import xterm_palette  # noqa: E402
from actviz_tui.ui.widgets import halfblock  # noqa: E402
from actviz_tui.ui.widgets.halfblock import HalfBlockImage  # noqa: E402

TERMINAL_W = 160
PANE_CELLS = (120, 44)  # (width, height) of the heatmap pane
MAP_SIZE, CHANNELS = 148, 32
CMAP = "viridis"
SWITCHES = 64
GOAL_MS, GOAL_SPEEDUP, GOAL_BYTES_RATIO = 5.0, 5.0, 0.6
GOAL_256_LEVELS, GOAL_256_SLOWDOWN = 60, 1.5
RAMP_CELLS, RAMP_ROWS = 80, 8


def synthetic_activation(seed: int = 0, relu: bool = True) -> np.ndarray:
    """(148, 148, 32) float32 that looks like a conv layer's output.

    Half the channels respond to oriented edges of a synthetic scene, half are
    smooth random blobs. With relu (the usual Conv2D activation) each goes
    through a biased ReLU, leaving about half the cells 0; without, every
    cell differs, which is the hardest case for merging runs.
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
        shifted = response - rng.uniform(-0.3, 0.5)
        channels.append(np.maximum(shifted, 0.0) if relu else shifted)
    return np.stack(channels, axis=-1).astype(np.float32)


def _smooth(noise: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur through the FFT (periodic edges are fine for test data)."""
    fy = np.fft.fftfreq(noise.shape[0])[:, None]
    fx = np.fft.fftfreq(noise.shape[1])[None, :]
    kernel = np.exp(-2.0 * (np.pi * sigma) ** 2 * (fx**2 + fy**2))
    return np.fft.ifft2(np.fft.fft2(noise) * kernel).real


def ours(channel: np.ndarray, colours: str = "truecolor") -> HalfBlockImage:
    vmin, vmax = colormap.value_range(channel)
    cells_w, cells_h = PANE_CELLS
    return HalfBlockImage.from_values(channel, CMAP, vmin, vmax, cells_w, cells_h, colours=colours)


def ours_256(channel: np.ndarray) -> HalfBlockImage:
    return ours(channel, "256")


def plain(channel: np.ndarray) -> Pixels:
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


def _console(color_system: str = "truecolor") -> Console:
    return Console(
        file=io.StringIO(), color_system=color_system, width=TERMINAL_W, legacy_windows=False
    )


class Timings(NamedTuple):
    median_ms: float  # wall clock, median over the switches
    cpu_ms: float  # this process's CPU time, mean per switch


def time_switches(build: Callable, activation: np.ndarray, switches: int, color_system: str = "truecolor") -> Timings:
    """Time channel switches: build the image and render it to ANSI, each."""
    console = _console(color_system)
    wall = []
    cpu_start = time.process_time()
    for i in range(switches):
        channel = activation[..., i % activation.shape[-1]]
        start = time.perf_counter()
        render_ansi(console, build(channel))
        wall.append((time.perf_counter() - start) * 1e3)
    cpu_ms = (time.process_time() - cpu_start) * 1e3 / switches
    return Timings(statistics.median(wall), cpu_ms)


def repaint_bytes(build: Callable, activation: np.ndarray) -> float:
    """Median over channels of the UTF-8 bytes one full repaint writes."""
    console = _console()
    sizes = [
        len(render_ansi(console, build(activation[..., c])).encode("utf-8"))
        for c in range(activation.shape[-1])
    ]
    return statistics.median(sizes)


def run(switches: int = SWITCHES) -> list[dict]:
    """Rows: metric, value (ours), baseline (plain), ratio, goal, met (None: info only)."""
    activation = synthetic_activation()
    channels = activation.shape[-1]
    _warm_imports(activation)

    # First pass over the channels, shared style caches empty as at start-up.
    for cache in halfblock._CACHES.values():  # a cold start: the renderer's shared caches emptied
        cache.clear()
    ours_first = time_switches(ours, activation, channels)
    plain_first = time_switches(plain, activation, channels)
    # Flipping among channels already seen (the caches now hold their colours).
    ours_t = time_switches(ours, activation, switches)
    plain_t = time_switches(plain, activation, max(30, switches // 2))
    ours_bytes = repaint_bytes(ours, activation)
    plain_bytes = repaint_bytes(plain, activation)
    speedup = plain_t.median_ms / ours_t.median_ms

    dense = synthetic_activation(relu=False)
    time_switches(ours, dense, channels)  # first pass, as above
    dense_t = time_switches(ours, dense, switches)
    dense_plain_t = time_switches(plain, dense, channels)
    dense_bytes = repaint_bytes(ours, dense)
    dense_plain_bytes = repaint_bytes(plain, dense)

    # 256-colour terminals: dithered palette indices against the truecolor path, same run,
    # switch by switch in turn (so that a busy machine slows both alike).
    time_switches(ours_256, activation, channels, "256")  # first pass
    switch_256, truecolor_again = alternated_switches(activation, switches)
    slowdown = switch_256 / truecolor_again
    levels = {cmap: ramp_levels(cmap) for cmap in ("viridis", "gray")}
    dead_colours = len(set(palette_pixels(ours_256(np.zeros_like(activation[..., 0]))).ravel().tolist()))

    return [
        result_row("channel switch median ms", ours_t.median_ms, plain_t.median_ms,
             f"<= {GOAL_MS:g} ms", ours_t.median_ms <= GOAL_MS),
        result_row("speed-up (plain / ours)", speedup, 1.0,
             f">= {GOAL_SPEEDUP:g}x", speedup >= GOAL_SPEEDUP),
        result_row("bytes per full repaint", ours_bytes, plain_bytes,
             f"<= {GOAL_BYTES_RATIO:g}x plain", ours_bytes <= GOAL_BYTES_RATIO * plain_bytes),
        result_row("channel switch CPU ms (mean)", ours_t.cpu_ms, plain_t.cpu_ms, "info", None),
        result_row("first-pass switch median ms", ours_first.median_ms, plain_first.median_ms,
             "info", None),
        result_row("no-ReLU maps: switch median ms", dense_t.median_ms, dense_plain_t.median_ms,
             "info", None),
        result_row("no-ReLU maps: bytes per repaint", dense_bytes, dense_plain_bytes, "info", None),
        result_row("256 colours: switch median ms (vs truecolor, alternated)", switch_256,
             truecolor_again, f"<= {GOAL_256_SLOWDOWN:g}x", slowdown <= GOAL_256_SLOWDOWN),
        result_row("256 colours: palette colours in a dead channel (all zeros)", dead_colours, 1,
             "1", dead_colours == 1),
        *(result_row(f"256 colours: {cmap} ramp levels (vs undithered)", dithered, undithered,
               f">= {GOAL_256_LEVELS}, rising", dithered >= GOAL_256_LEVELS and rising)
          for cmap, (dithered, undithered, rising) in levels.items()),
    ]


def alternated_switches(activation: np.ndarray, switches: int) -> tuple[float, float]:
    """Median ms of a switch drawn in 256 colours and in truecolor, one after the other."""
    consoles = {"256": _console("256"), "truecolor": _console()}
    wall: dict[str, list[float]] = {"256": [], "truecolor": []}
    for i in range(switches):
        channel = activation[..., i % activation.shape[-1]]
        for colours in ("256", "truecolor"):
            start = time.perf_counter()
            render_ansi(consoles[colours], ours(channel, colours))
            wall[colours].append((time.perf_counter() - start) * 1e3)
    return statistics.median(wall["256"]), statistics.median(wall["truecolor"])


def ramp_levels(cmap: str) -> tuple[int, int, bool]:
    """A horizontal ramp 80 cells wide on a 256-colour terminal: distinct column-averaged
    luminance levels dithered and undithered (truecolor styles reduced by Rich), and
    whether the dithered profile averaged over 4 x 8 cells never steps back."""
    table = colormap.lut(cmap)
    row = table[np.linspace(0, len(table) - 1, RAMP_CELLS).round().astype(int)]
    rgb = np.repeat(row[None], 2 * RAMP_ROWS, axis=0)
    dithered = _column_luminance(HalfBlockImage(rgb, colours="256"))
    undithered = _column_luminance(HalfBlockImage(rgb))
    rising = bool(np.all(np.diff(np.convolve(dithered, np.ones(4) / 4, mode="valid")) >= -1e-9))
    return _distinct(dithered), _distinct(undithered), rising


def _column_luminance(image: HalfBlockImage) -> np.ndarray:
    """Mean luma of each cell column, from the palette colours the terminal gets."""
    palette = xterm_palette.palette_rgb().astype(float) @ np.array([0.2126, 0.7152, 0.0722])
    rows = []
    for row in image.rows():
        pairs = []
        for segment in row:
            bottom = _palette_index(segment.style.bgcolor)
            top = bottom if segment.text[0] == " " else _palette_index(segment.style.color)
            pairs += [(palette[top] + palette[bottom]) / 2] * len(segment.text)
        rows.append(pairs)
    return np.mean(rows, axis=0)


def palette_pixels(image: HalfBlockImage) -> np.ndarray:
    """(2 * rows, W) palette index of each half-cell (truecolor reduced as Rich does)."""
    rows = []
    for row in image.rows():
        top, bottom = [], []
        for segment in row:
            bg = _palette_index(segment.style.bgcolor)
            fg = bg if segment.text[0] == " " else _palette_index(segment.style.color)
            top += [fg] * len(segment.text)
            bottom += [bg] * len(segment.text)
        rows += [top, bottom]
    return np.array(rows)


def _palette_index(color) -> int:
    return color.number if color.type is ColorType.EIGHT_BIT else color.downgrade(ColorSystem.EIGHT_BIT).number


def _distinct(profile: np.ndarray) -> int:
    return len(np.unique(profile.round(6)))


def _warm_imports(activation: np.ndarray) -> None:
    """Pay one-off costs (imports, colormap tables, index caches) outside the timings."""
    console = _console()
    for build in (ours, plain):
        render_ansi(console, build(activation[..., 0]))


def format_rows(rows: list[dict]) -> str:
    header = ("metric", "value", "baseline", "ratio", "goal", "met")
    table = [header] + [
        (r["metric"], f"{r['value']:.3f}", f"{r['baseline']:.3f}", f"{r['ratio']:.3f}",
         r["goal"], {True: "yes", False: "NO", None: "-"}[r["met"]])
        for r in rows
    ]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    return "\n".join(
        " | ".join(cell.ljust(width) for cell, width in zip(line, widths)) for line in table
    )


if __name__ == "__main__":
    print(f"{MAP_SIZE}x{MAP_SIZE}x{CHANNELS} ReLU activation "
          f"({(synthetic_activation() == 0).mean():.0%} zeros), pane "
          f"{PANE_CELLS[0]}x{PANE_CELLS[1]} cells in a {TERMINAL_W}-wide terminal, {CMAP}")
    print(format_rows(run()))
