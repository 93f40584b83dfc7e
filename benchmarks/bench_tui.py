"""Explorer benchmarks, each against a baseline measured in the same run.

1. Channel switch, key to heatmap lines handed to the compositor, timed inside
   the app (a FrameTimer patched in) at 160x50 on the sample model's first conv layer:
   our HalfBlockImage path vs the plain path (rich_pixels.Pixels.from_image of
   the same pixels, as a Static would show it).
2. First paint: process start to the first frame of the real `actviz` in a
   pseudo-terminal, vs a minimal Textual app painting its first frame.
3. Fully interactive: process start to the first heatmap title of the sample
   model, vs the bare TensorFlow floor (import TF, load the model, call it).

    python benchmarks/bench_tui.py
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from result_row import result_row  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SAMPLE_MODEL = REPO / "actviz_tui" / "samples" / "chest_xray_cnn.h5"
SAMPLE_IMAGE = REPO / "actviz_tui" / "samples" / "images" / "xray_opacity.png"
SWITCHES = 40
RUNS = 3

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static
class Hello(App):
    def compose(self):
        yield Static("hello-first-frame")
    def on_mount(self):
        self.set_timer(0.5, self.exit)
Hello().run()
"""

BARE_TF = """
import sys
import numpy as np
from PIL import Image
import tensorflow as tf
model = tf.keras.models.load_model(sys.argv[1], compile=False)
with Image.open(sys.argv[2]) as image:
    x = np.asarray(image.convert("RGB").resize((150, 150)), dtype="float32")[None] / 255.0
model(x)
"""


# ----- 1. channel switch inside the app --------------------------------------
def plain_render(self):
    """The plain path: colour with matplotlib, resize with Pillow, rich_pixels
    Pixels rendered by Textual as any Static's content would be."""
    import matplotlib
    import numpy as np
    from PIL import Image
    from rich_pixels import Pixels

    from actviz_tui.core.pictures import colormap

    if self._values is None:
        return ""
    width, height = self.content_size
    values, (vmin, vmax) = self._values, self._range
    px_h, px_w = colormap.fit_shape(*values.shape, height * 2, width)
    unit = np.clip((values - vmin) / (vmax - vmin), 0, 1)
    rgba = matplotlib.colormaps[self._cmap](unit, bytes=True)
    image = Image.fromarray(rgba[:, :, :3]).resize((px_w, px_h), Image.Resampling.BOX)
    return Pixels.from_image(image)


class FrameTimer:
    """Key-to-frame times, measured inside the app (pilot waits would swamp them):
    ``mark()`` when the selection changes, ``frame_done()`` when the heatmap's
    lines have been made for the compositor."""

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


async def switch_times(plain: bool) -> list[float]:
    from textual.widget import Widget

    from actviz_tui.ui.app import ActvizApp
    from actviz_tui.ui.screens.explorer_screen import ExplorerScreen
    from actviz_tui.ui.widgets.heatmap_view import HeatmapView
    from tests.functional.conftest import ready, wait_until

    timer = FrameTimer()
    watch_state, our_render_lines = ExplorerScreen.watch_state, HeatmapView.render_lines

    def timed_watch_state(self, old, new):
        timer.mark()
        watch_state(self, old, new)

    def timed_render_lines(self, crop):
        lines = (Widget.render_lines if plain else our_render_lines)(self, crop)
        if self.id == "heatmap" and self._values is not None:
            timer.frame_done()
        return lines

    patched = {"render_lines": timed_render_lines}
    if plain:
        patched.update(render=plain_render, render_line=Widget.render_line)
    originals = {name: HeatmapView.__dict__.get(name) for name in patched}
    for name, method in patched.items():
        setattr(HeatmapView, name, method)
    ExplorerScreen.watch_state = timed_watch_state
    try:
        app = ActvizApp(SAMPLE_MODEL, [SAMPLE_IMAGE])
        async with app.run_test(size=(160, 50)) as pilot:
            await wait_until(pilot, lambda: ready(app), timeout=120)
            timer.samples_ms.clear()
            for step in range(SWITCHES):
                await pilot.press("right" if step < SWITCHES // 2 else "left")
                await pilot.pause()
            return list(timer.samples_ms)
    finally:
        ExplorerScreen.watch_state = watch_state
        for name, method in originals.items():
            if method is None:
                delattr(HeatmapView, name)
            else:
                setattr(HeatmapView, name, method)


def channel_switch_rows() -> list[dict]:
    ours = statistics.median(asyncio.run(switch_times(plain=False)))
    plain = statistics.median(asyncio.run(switch_times(plain=True)))
    our_bytes, plain_bytes = repaint_bytes()
    return [
        result_row("explorer channel switch, median ms (160x50, conv2d 148x148)", ours, plain, "<= 5 ms", ours <= 5),
        result_row("explorer channel switch speed-up vs plain rich-pixels", plain / ours, 1.0, ">= 5x", plain / ours >= 5),
        result_row("bytes per full heatmap repaint, truecolor (sample conv2d, median of 32 channels)",
            our_bytes, plain_bytes, "<= 0.6x plain", our_bytes / plain_bytes <= 0.6),
    ]


def repaint_bytes(cells_w: int = 117, cells_h: int = 45) -> tuple[float, float]:
    """Terminal bytes for one heatmap of the sample's first conv layer, as
    Textual writes strips: our merged half-block rows vs rich_pixels' cells."""
    import matplotlib
    import numpy as np
    from PIL import Image
    from rich.console import Console
    from rich_pixels import Pixels
    from textual.strip import Strip

    from actviz_tui.core.pictures import colormap
    from actviz_tui.core.session.model_session import ModelSession
    from actviz_tui.ui.widgets.halfblock import HalfBlockImage

    session = ModelSession.open(SAMPLE_MODEL)
    maps = session.image(SAMPLE_IMAGE).activation(0)
    console = Console(color_system="truecolor", width=cells_w, legacy_windows=False)
    ours, plain = [], []
    for channel in range(maps.shape[2]):
        values = maps[:, :, channel]
        vmin, vmax = colormap.value_range(values)
        picture = HalfBlockImage.from_values(values, "viridis", vmin, vmax, cells_w, cells_h)
        ours.append(sum(len(Strip(row).render(console).encode()) for row in picture.rows()))
        px_h, px_w = colormap.fit_shape(*values.shape, cells_h * 2, cells_w)
        rgba = matplotlib.colormaps["viridis"](colormap.normalise(values, vmin, vmax), bytes=True)
        image = Image.fromarray(rgba[:, :, :3]).resize((px_w, px_h), Image.Resampling.BOX)
        lines = console.render_lines(Pixels.from_image(image), console.options, pad=False)
        plain.append(sum(len(Strip(line).render(console).encode()) for line in lines))
    return float(np.median(ours)), float(np.median(plain))


# ----- 2 & 3. process start to a text on screen --------------------------------
def seconds_until(text: str, argv: list[str], timeout: float = 120.0) -> float:
    """Wall time from spawning argv in a 160x50 pty until ``text`` is written."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=REPO, env=env, close_fds=True)
    os.close(slave)
    seen = b""
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
                if text.encode() in seen:
                    return time.perf_counter() - started
        raise RuntimeError(f"{text!r} did not appear within {timeout} s")
    finally:
        process.kill()
        process.wait()
        os.close(master)


def run_seconds(argv: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=REPO, check=True, capture_output=True)
    return time.perf_counter() - started


def startup_rows() -> list[dict]:
    actviz = [sys.executable, "-m", "actviz_tui"]
    first_paint, hello_paint, interactive, bare = [], [], [], []
    for _ in range(RUNS):
        first_paint.append(seconds_until("starting", actviz))
        hello_paint.append(seconds_until("hello-first-frame", [sys.executable, "-c", MINIMAL_APP]))
        interactive.append(seconds_until("channel 0/32", actviz))
        bare.append(run_seconds([sys.executable, "-c", BARE_TF, str(SAMPLE_MODEL), str(SAMPLE_IMAGE)]))
    paint, hello = statistics.median(first_paint), statistics.median(hello_paint)
    ready_s, floor = statistics.median(interactive), statistics.median(bare)
    return [
        result_row("first paint after process start, s (vs minimal Textual app)", paint, hello, "<= 0.3 s", paint <= 0.3),
        result_row("fully interactive on the sample model, s (vs bare TF script)", ready_s, floor, "<= 1.15x", ready_s / floor <= 1.15),
    ]


def run() -> list[dict]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return channel_switch_rows() + startup_rows()


if __name__ == "__main__":
    for item in run():
        print(" | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in item.values()))
