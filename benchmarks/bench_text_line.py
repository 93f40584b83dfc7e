"""One-line labels: a home-made TextLine against Textual's Static.update(layout=False).

The explorer rewrites its title and status lines on every key. Both widgets
repaint only their own line; ``Static.update`` with the default ``layout=True``
re-lays the whole screen out, and is measured as the reference cost. Each
variant updates its line UPDATES times in an explorer-shaped screen (a layer
table of 170 rows, a 117x45 heatmap-sized block, a footer) at 160x50, each
update followed by a full repaint; the figure is the process CPU time per
update, median of ROUNDS interleaved rounds, so both run under the same load.

    python benchmarks/bench_text_line.py
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from result_row import result_row  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
UPDATES = 60
ROUNDS = 7
VARIANTS = ("textline", "static", "static-layout")


def text_line_class():
    """The TextLine the explorer used until this benchmark (ui/widgets/text_line.py)."""
    from rich.text import Text
    from textual.widget import Widget

    class TextLine(Widget):
        DEFAULT_CSS = "TextLine { height: 1; width: 1fr; }"

        def __init__(self, text: str = "", *, id: str | None = None) -> None:
            super().__init__(id=id)
            self._text = text

        def update(self, text: str) -> None:
            if text != self._text:
                self._text = text
                self.refresh()

        def render(self) -> Text:
            return Text(self._text, no_wrap=True, overflow="ellipsis", end="")

    return TextLine


def make_app(variant: str):
    from rich.text import Text
    from textual.app import App
    from textual.containers import Horizontal, Vertical
    from textual.widgets import DataTable, Footer, Static

    TextLine = text_line_class()
    block = Text("\n".join("▀" * 117 for _ in range(45)), style="#3b528b on #21918c")

    class Bench(App):
        CSS = """
        #sidebar { width: 40; }
        .line { height: 1; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
        """

        def compose(self):
            with Horizontal():
                with Vertical(id="sidebar"):
                    yield DataTable(id="layers")
                with Vertical():
                    if variant == "textline":
                        yield TextLine(id="line")
                    else:
                        yield Static("", id="line", classes="line", markup=False)
                    yield Static(block, id="picture")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("#", "Layer", "Type", "Output")
            for row in range(170):
                table.add_row(str(row), f"conv{row // 10}_block{row % 10}_out", "Conv2D", "(None, 14, 14, 1024)")

        def set_line(self, text: str) -> None:
            line = self.query_one("#line")
            if variant == "textline":
                line.update(text)
            else:
                line.update(text, layout=variant == "static-layout")

    return Bench()


async def cpu_ms_per_update(variant: str) -> float:
    app = make_app(variant)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        started = time.process_time()
        for step in range(UPDATES):
            app.set_line(f"conv4_block2_out  channel {step}/1024  [0, {step * 0.37:.4g}]  channel scale")
            await pilot.pause()
        return (time.process_time() - started) * 1000 / UPDATES


def measure() -> dict[str, float]:
    samples: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
    for _ in range(ROUNDS):
        for variant in VARIANTS:
            samples[variant].append(asyncio.run(cpu_ms_per_update(variant)))
    return {variant: statistics.median(values) for variant, values in samples.items()}


def run() -> list[dict]:
    ms = measure()
    textline, static, relayout = ms["textline"], ms["static"], ms["static-layout"]
    return [
        result_row("Static.update(layout=False) CPU ms per line update (vs TextLine)", static, textline,
                   "<= 1.1x TextLine", static <= 1.1 * textline),
        result_row("Static.update(layout=True) CPU ms per line update (vs TextLine)", relayout, textline,
                   "info", None),
    ]


if __name__ == "__main__":
    for item in run():
        print(" | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in item.values()))
