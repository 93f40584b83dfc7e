"""``across``: one channel in every layer that has it, a panel per layer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actviz_tui.core.seams import FigureSource
from actviz_tui.core import figures
from actviz_tui.core.pictures.display_maps import channel_map
from actviz_tui.core.errors import LayerLookupError
from actviz_tui.core.export.base import DASH, Activations, CliOption, Drawn, ExportSettings, FigureKind
from actviz_tui.core.export.base import CliExtra, FigureRequest, Job
from actviz_tui.core.export.names import session_filename
from actviz_tui.core.export.planning import channel_count, no_layer_has_channel, require_channel
from actviz_tui.core.export.planning import spatial_layer_rows
from actviz_tui.core.analysis.layer_window import LayerWindow, layer_window
from actviz_tui.core.pictures.value_ranges import finite_range

MAX_ACROSS_PANELS = 24


@dataclass(frozen=True)
class AcrossSelection:
    """The layers an across-layers figure or view shows for one channel."""

    channel: int
    rows: tuple[int, ...]  # the rows shown: the window
    window: LayerWindow  # where they sit among every layer that has the channel
    skipped: int  # layers with maps but too few channels

    def describe(self) -> str:
        """``layers 30-53 of 76 with channel 40``."""
        return f"{self.window.describe()} with channel {self.channel}"

    def skipped_note(self) -> str:
        """One line for every layer left out: how many, and why."""
        if not self.skipped:
            return ""
        layers = "1 layer has" if self.skipped == 1 else f"{self.skipped} layers have"
        return f"{layers} fewer than {self.channel + 1} channels"


def select_layers(
    session, channel: int, around: int | None = None, count: int = MAX_ACROSS_PANELS, shift: int = 0
) -> AcrossSelection:
    """The window of layers with ``channel`` centred on table row ``around``
    (the first ``count`` when None), moved by ``shift``; the view and the export share it."""
    candidates = spatial_layer_rows(session)
    rows = [row for row in candidates if channel_count(session, row) > channel]
    if not rows:
        raise no_layer_has_channel(session, candidates, channel)
    window = layer_window(rows, around, count, shift)
    return AcrossSelection(channel, tuple(rows[window.start : window.stop]), window, len(candidates) - len(rows))


def plan(session: FigureSource, request: FigureRequest) -> list[Job]:
    channel = require_channel(request, "an across-layers figure")
    if request.max_layers is not None and request.max_layers < 1:
        raise LayerLookupError(f"need at least one layer, got count={request.max_layers}")
    around = None if request.layer is None else session.find_layer(request.layer)
    chosen = select_layers(session, channel, around, request.max_layers or MAX_ACROSS_PANELS)
    note = chosen.describe() if chosen.window.is_partial else ""
    return [Job(request.kind, chosen.rows, channel, note)]


def draw(job: Job, session: FigureSource, activations: Activations, settings: ExportSettings) -> Drawn:
    channel, cmap = job.channel, settings.cmap
    assert channel is not None  # plan() always sets it
    names = [session.layers[row].name for row in job.rows]
    maps = [channel_map(activations[row], channel) for row in job.rows]
    title = f"{session.name}{DASH}channel {channel} across {len(maps)} layers"
    if job.note:
        title += f" ({job.note})"
    # A dead (constant) map would show a made-up 0-1 colour bar: say so in its title.
    labels = [_panel_label(name, values) for name, values in zip(names, maps)]
    fig = figures.across_layers_figure(list(zip(labels, maps)), title=title, cmap=cmap, scale=settings.scale)
    filename = session_filename(session, KIND.file_kind, None, channel)
    meta: dict = {"map_sizes": [list(m.shape) for m in maps]}
    if settings.scale == "layer":
        meta["vmin"], meta["vmax"] = figures.display_range(np.concatenate([m.ravel() for m in maps]), cmap)
    else:
        meta["vmin"] = meta["vmax"] = None
        meta["panel_ranges"] = [list(figures.display_range(m, cmap)) for m in maps]
    return Drawn(fig, filename, _stack_padded(maps), meta)


def _panel_label(name: str, values: np.ndarray) -> str:
    low, high = finite_range(values)
    if low is None:
        return f"{name} (no finite values)"
    return f"{name} (constant {low:.3g})" if low == high else name


def _stack_padded(maps: list[np.ndarray]) -> np.ndarray:
    """Maps of different sizes as one (n, H, W) float32 array, NaN-padded
    at the bottom and right (the original sizes go in the sidecar)."""
    height = max(m.shape[0] for m in maps)
    width = max(m.shape[1] for m in maps)
    stacked = np.full((len(maps), height, width), np.nan, dtype=np.float32)
    for index, values in enumerate(maps):
        stacked[index, : values.shape[0], : values.shape[1]] = values
    return stacked


KIND = FigureKind(
    name="across",
    file_kind="across-layers",
    label="channel {channel} across layers",
    plan=plan,
    draw=draw,
    uses=frozenset({"channel", "layer"}),  # the layer: the window's centre
    option=CliOption(
        "--across-layers",
        f"channel N in every layer that has it, one panel per layer (at most {MAX_ACROSS_PANELS}); "
        "several N: one figure each",
        metavar="N",
        extras=(
            CliExtra("--around", "layer", "with --across-layers: the panels around this layer "
                     f"(default: the first {MAX_ACROSS_PANELS})", metavar="LAYER", value="layer"),
            CliExtra("--count", "max_layers", f"with --across-layers: at most K panels (default {MAX_ACROSS_PANELS})",
                     metavar="K"),
        ),
    ),
)
