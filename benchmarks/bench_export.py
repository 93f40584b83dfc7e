"""Layer-grid PNG export: the notebook's subplot grid vs actviz's one-image mosaic.

Baseline (the notebook): ``plt.subplots(rows, cols)``, one ``matshow`` per
channel, ``savefig`` to PNG. Ours: ``layer_grid_figure`` + ``render_png_bytes``.
Both draw the same synthetic float32 layer at the same figure size and dpi,
so the PNGs have the same pixel count.

Then the whole job: every layer of the bundled sample model exported to PNG
files by ``core.export.export_figures`` (the notebook's closing exercise),
against the notebook's loop of subplot grids on the same activations.

    python benchmarks/bench_export.py

``run()`` returns the table rows as dicts for a combined runner.
"""

from __future__ import annotations

import math
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from actviz_tui.core.figures import GRID_ASPECT, layer_grid_figure, render_png_bytes  # noqa: E402
from actviz_tui.core.pictures.mosaic import grid_shape  # noqa: E402

DPI = 150
REPEATS = 5
REPO = Path(__file__).resolve().parents[1]
SAMPLE_MODEL = REPO / "actviz_tui" / "samples" / "chest_xray_cnn.h5"
SAMPLE_IMAGE = REPO / "actviz_tui" / "samples" / "images" / "xray_opacity.png"
ALL_LAYERS_GOAL_S = 2.0
# (channels, height, width, notebook rows, notebook cols, speed-up goal)
CASES = (
    (32, 148, 148, 4, 8, 5.0),
    (128, 34, 34, 8, 16, 15.0),
)


def smooth_maps(height: int, width: int, channels: int, seed: int = 0) -> np.ndarray:
    """Seeded, smooth, ReLU-like float32 maps (sums of low-frequency waves)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    y, x = y[..., None] / height, x[..., None] / width
    waves = np.zeros((height, width, channels), dtype=np.float32)
    for _ in range(3):
        fx, fy, phase = (rng.uniform(0.5, 4.0, channels) for _ in range(3))
        waves += np.sin(2 * np.pi * fx * x + phase) * np.cos(2 * np.pi * fy * y)
    return np.maximum(waves * rng.uniform(0.5, 3.0, channels), 0).astype(np.float32)


def notebook_grid_png(maps: np.ndarray, rows: int, cols: int, figsize, dpi: int) -> bytes:
    """The notebook's way: a subplot per channel, each drawn with matshow."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(rows, cols, figsize=figsize)
    for channel, ax in enumerate(axes.flat):
        if channel < maps.shape[-1]:
            ax.matshow(maps[:, :, channel], cmap="viridis")
        else:  # the last row's empty cells
            ax.axis("off")
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    plt.close(fig)
    return buffer.getvalue()


def actviz_grid_png(maps: np.ndarray, dpi: int) -> bytes:
    fig = layer_grid_figure(maps, title="bench \u00b7 conv", cmap="viridis", scale="channel")
    return render_png_bytes(fig, dpi=dpi)


def paired_medians(ours, baseline, repeats: int = REPEATS) -> tuple[float, float]:
    """Median wall seconds of each, timed alternately so both see the same
    machine load (other processes share these cores)."""
    ours(), baseline()  # warm-up: font cache, colormap LUTs
    ours_times, baseline_times = [], []
    for _ in range(repeats):
        for action, times in ((ours, ours_times), (baseline, baseline_times)):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
    return statistics.median(ours_times), statistics.median(baseline_times)


def notebook_all_layers(activations: list[np.ndarray], folder: Path, figsizes: list, dpi: int) -> None:
    """The notebook's closing exercise: for each layer a subplot grid, one
    ``matshow`` per channel, ``savefig`` to a PNG file."""
    for index, maps in enumerate(activations):
        rows, cols = grid_shape(maps.shape[-1], aspect=GRID_ASPECT)
        data = notebook_grid_png(maps, rows, cols, figsizes[index], dpi)
        (folder / f"layer{index}.png").write_bytes(data)


def all_layers_rows(repeats: int = 3) -> list[dict]:
    """``export_figures`` with one all-layers request on the bundled sample,
    activations computed beforehand (as in the app), vs the notebook's loop.

    Ours is timed ``repeats`` times around one baseline run (the baseline is
    ~15x slower; its run-to-run noise does not change the verdict).
    """
    if not (SAMPLE_MODEL.is_file() and SAMPLE_IMAGE.is_file()):
        return []
    from actviz_tui.core.model.backend_env import prepare_environment

    prepare_environment()  # quiet TensorFlow before ModelSession imports it
    from actviz_tui.core.export import ExportSettings, FigureRequest, export_figures, spatial_layer_rows
    from actviz_tui.core.session.model_session import ModelSession

    session = ModelSession.open(SAMPLE_MODEL)
    session = session.image(SAMPLE_IMAGE)
    start = time.perf_counter()
    session.all_stats()  # one pass over the graph; fills the activation cache
    compute = time.perf_counter() - start
    rows = spatial_layer_rows(session)
    activations = [session.activation(row) for row in rows]
    figsizes = [tuple(layer_grid_figure(a, title="size probe").get_size_inches()) for a in activations]
    request = [FigureRequest("all-layers")]

    with tempfile.TemporaryDirectory(prefix="actviz-bench-") as temp:
        folders = iter(Path(temp) / f"run{i}" for i in range(100))

        def ours() -> float:
            settings = ExportSettings(folder=next(folders), dpi=DPI)
            start = time.perf_counter()
            written = export_figures(session, request, settings)
            elapsed = time.perf_counter() - start
            assert len(written) == len(rows)
            return elapsed

        def baseline() -> float:
            folder = next(folders)
            folder.mkdir()
            start = time.perf_counter()
            notebook_all_layers(activations, folder, figsizes, DPI)
            return time.perf_counter() - start

        ours()  # warm-up: fonts, colormaps
        half = repeats // 2
        ours_times = [ours() for _ in range(half)]
        baseline_time = baseline()
        ours_times += [ours() for _ in range(repeats - half)]
    value = statistics.median(ours_times)
    what = f"all {len(rows)} layers of the sample model ({SAMPLE_MODEL.name} + images/{SAMPLE_IMAGE.name})"
    return [
        {
            "metric": f"{what} to PNG files, s (median of {repeats}; baseline 1 run)",
            "value": round(value, 3),
            "baseline": round(baseline_time, 3),
            "ratio": round(baseline_time / value, 1),
            "goal": f"< {ALL_LAYERS_GOAL_S:g} s",
            "met": value < ALL_LAYERS_GOAL_S,
        },
        {
            "metric": "activations of the sample model, one graph pass before the export, s",
            "value": round(compute, 3),
            "baseline": math.nan,
            "ratio": math.nan,
            "goal": "info (not in the time above)",
            "met": "-",
        },
    ]


def run(repeats: int = REPEATS) -> list[dict]:
    """One row per case: median seconds of ours vs the notebook baseline;
    then the whole sample model's layers exported to files."""
    results = grid_rows(repeats)
    results += all_layers_rows()
    return results


def grid_rows(repeats: int = REPEATS) -> list[dict]:
    results = []
    for channels, height, width, rows, cols, goal in CASES:
        maps = smooth_maps(height, width, channels, seed=channels)
        figsize = tuple(layer_grid_figure(maps, title="size probe").get_size_inches())
        ours, baseline = paired_medians(
            lambda: actviz_grid_png(maps, DPI), lambda: notebook_grid_png(maps, rows, cols, figsize, DPI), repeats
        )
        ratio = baseline / ours
        pixels = f"{round(figsize[0] * DPI)}x{round(figsize[1] * DPI)} px"
        results.append(
            {
                "metric": f"layer grid PNG, {channels} ch {height}x{width} ({pixels}, s, median of {repeats})",
                "value": round(ours, 4),
                "baseline": round(baseline, 4),
                "ratio": round(ratio, 1),
                "goal": f">= {goal:g}x faster",
                "met": ratio >= goal,
            }
        )
    return results


def print_table(rows: list[dict]) -> None:
    columns = ("metric", "value", "baseline", "ratio", "goal", "met")
    cells = [[str(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    print(" | ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("-|-".join("-" * w for w in widths))
    for row in cells:
        print(" | ".join(v.ljust(w) for v, w in zip(row, widths)))


if __name__ == "__main__":
    print_table(run())
