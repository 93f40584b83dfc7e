"""Export requests -> PNG files (plus optional ``.npy`` + ``.json`` data).

The one export API shared by ``actviz export`` and the explorer::

    export_figures(session, [FigureRequest("grid", layer=4)], ExportSettings(folder=out))

Every request is checked before anything is written, so a bad request in a
batch leaves the folder untouched. Files are written atomically and never
replace an existing file unless ``overwrite`` is set (see export_files).
No terminal libraries here: progress is reported through a plain callback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from actviz_tui.core import export_files, figures
from actviz_tui.core.display_maps import channel_map, channel_stack, channel_value, has_spatial_maps
from actviz_tui.core.errors import ExportError, LayerLookupError
from actviz_tui.core.mosaic import SCALES

FIGURE_KINDS = ("channel", "grid", "across", "all-layers", "input")
MAX_ACROSS_PANELS = 24
MAX_FIGURE_PIXELS = 120_000_000  # a 11000 x 11000 PNG; past this, ask for a lower dpi
MIN_DPI, MAX_DPI = 10, 1200
UNIT_STRIP_MAX = 16  # figures.vector_figure writes each value in its cell up to this many units
DASH = " \u2014 "  # " — " between the parts of a title

# The kind part of file names (export_files.figure_filename).
_FILE_KINDS = {"channel": "channel", "grid": "grid", "across": "across-layers", "all-layers": "grid", "input": "input"}
_DATA_SUFFIXES = (".png", ".npy", ".json")
# Layer types whose rows are not "layers" for across-layers / all-layers: the
# input itself (its own kind, "input") and nested models (their output repeats
# their last inner layer's).
_NOT_A_LAYER_TYPES = frozenset({"InputLayer"})

Progress = Callable[[int, int, Path], None]


@dataclass(frozen=True)
class FigureRequest:
    kind: str  # one of FIGURE_KINDS
    layer: int | str | None = None  # table row (or layer name); channel/grid only
    channel: int | None = None  # channel/across only
    max_layers: int | None = None  # all-layers: the first N layers with maps only (None: all)


@dataclass(frozen=True)
class ExportSettings:
    folder: Path = Path("actviz-export")
    cmap: str = "viridis"
    scale: str = "channel"  # "channel" (each channel its own range) or "layer" (one range per layer)
    dpi: int = figures.DEFAULT_DPI
    overwrite: bool = False
    with_data: bool = False


@dataclass(frozen=True)
class _Job:
    """One figure to draw: a request expanded (all-layers gives one job per layer)."""

    kind: str  # the request's kind
    rows: tuple[int, ...] = ()
    channel: int | None = None
    note: str = ""  # e.g. "first 24 of 30 layers"


# --------------------------------------------------------------------------
# Checking requests


def validate(session, request: FigureRequest) -> None:
    """Raise LayerLookupError (one line, fit for users) if ``request`` cannot be drawn."""
    _plan(session, request)


def spatial_layer_rows(session) -> list[int]:
    """Table rows that have 2-D maps per channel, in table order (what
    across-layers and all-layers draw): inputs and nested-model rows left out."""
    return [
        info.index
        for info in session.layers
        if len(info.output_shape) >= 4 and not info.is_model and info.type not in _NOT_A_LAYER_TYPES
    ]


def _plan(session, request: FigureRequest) -> list[_Job]:
    kind = request.kind
    if kind not in FIGURE_KINDS:
        raise ValueError(f"unknown figure kind {kind!r}; expected one of {', '.join(FIGURE_KINDS)}")
    if not getattr(session, "has_image", True) or session.model_input is None:
        raise ExportError(f"no image loaded for model {session.name}: nothing to draw")
    if kind == "input":
        return [_Job("input")]
    if kind == "channel":
        row = _require_layer(session, request)
        channel = _require_channel(request)
        _check_channel(session, row, channel)
        return [_Job("channel", (row,), channel)]
    if kind == "grid":
        return [_Job("grid", (_require_layer(session, request),))]
    if kind == "across":
        channel = _require_channel(request)
        candidates = spatial_layer_rows(session)
        rows = [row for row in candidates if _channels(session, row) > channel]
        if not rows:
            raise LayerLookupError(_no_layer_has_channel(session, candidates, channel))
        note = f"first {MAX_ACROSS_PANELS} of {len(rows)} layers" if len(rows) > MAX_ACROSS_PANELS else ""
        return [_Job("across", tuple(rows[:MAX_ACROSS_PANELS]), channel, note)]
    # all-layers
    if request.max_layers is not None and request.max_layers < 1:
        raise LayerLookupError(f"need at least one layer, got max_layers={request.max_layers}")
    rows = spatial_layer_rows(session)
    if not rows:
        raise LayerLookupError(f"model {session.name} has no layer with 2-D feature maps")
    return [_Job("all-layers", (row,)) for row in rows[: request.max_layers]]


def _require_layer(session, request: FigureRequest) -> int:
    if request.layer is None:
        raise LayerLookupError(f"a {request.kind} figure needs a layer")
    return session.find_layer(request.layer)


def _require_channel(request: FigureRequest) -> int:
    channel = request.channel
    if channel is None:
        what = "an across-layers" if request.kind == "across" else f"a {request.kind}"
        raise LayerLookupError(f"{what} figure needs a channel")
    if isinstance(channel, bool) or not isinstance(channel, (int, np.integer)):
        raise LayerLookupError(f"a channel is a whole number, got {channel!r}")
    if channel < 0:
        raise LayerLookupError(f"no channel {channel}: channels are numbered from 0")
    return int(channel)


def _channels(session, row: int) -> int:
    """Size of the last axis of a row's output (units for Dense)."""
    info = session.layers[row]
    if len(info.output_shape) < 2:
        return 1  # a scalar per sample
    if info.output_shape[-1] is not None:
        return int(info.output_shape[-1])
    return int(np.shape(session.activation(row))[-1])


def _unit_word(session, row: int) -> str:
    return "channels" if len(session.layers[row].output_shape) >= 3 else "units"


def _check_channel(session, row: int, channel: int) -> None:
    count = _channels(session, row)
    if channel < count:
        return
    name = session.layers[row].name
    word = _unit_word(session, row)
    numbers = "only 0" if count == 1 else f"0-{count - 1}"
    singular = word[:-1]
    counted = f"{count} {word if count != 1 else singular}"
    raise LayerLookupError(f"layer {name} has {counted} ({numbers}); no {singular} {channel}")


def _no_layer_has_channel(session, candidates: list[int], channel: int) -> str:
    if not candidates:
        return f"model {session.name} has no layer with 2-D feature maps"
    most = max(_channels(session, row) for row in candidates)
    return f"no layer of model {session.name} has a channel {channel} (the most channels is {most}: 0-{most - 1})"


def _check_settings(settings: ExportSettings) -> None:
    if settings.scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, got {settings.scale!r}")
    if not MIN_DPI <= int(settings.dpi) <= MAX_DPI:
        raise ValueError(f"dpi must be {MIN_DPI}-{MAX_DPI}, got {settings.dpi}")
    import matplotlib

    if settings.cmap not in matplotlib.colormaps:
        raise ValueError(f"unknown colormap {settings.cmap!r}")


# --------------------------------------------------------------------------
# Exporting


def export_figures(
    session,
    requests: list[FigureRequest],
    settings: ExportSettings = ExportSettings(),
    progress: Progress | None = None,
) -> list[Path]:
    """Draw and write every request; returns the paths written, in order.

    All requests are checked first (nothing is written if one is bad). Then
    each figure is written as a PNG, with ``with_data`` followed by its
    ``.npy`` (exactly the values drawn) and ``.json`` sidecar under the same
    name. ``progress(done, total, path)`` is called after each file.
    """
    _check_settings(settings)
    jobs = [job for request in requests for job in _plan(session, request)]
    folder = export_files.ensure_folder(settings.folder)
    per_job = len(_DATA_SUFFIXES) if settings.with_data else 1
    total = len(jobs) * per_job
    activations = _ActivationSource(session, {row for job in jobs for row in job.rows})
    context = _ExportContext(session, settings)
    written: list[Path] = []

    def wrote(path: Path) -> None:
        written.append(path)
        if progress is not None:
            progress(len(written), total, path)

    for job in jobs:
        drawn = _draw(job, session, activations, settings)
        _check_figure_size(drawn.fig, settings.dpi, drawn.filename)
        stem = Path(drawn.filename).stem
        if settings.with_data and not settings.overwrite:
            stem = export_files.unique_stem(folder, stem, _DATA_SUFFIXES)
        png = export_files.write_figure(
            drawn.fig, folder, f"{stem}.png", dpi=settings.dpi, overwrite=settings.overwrite
        )
        drawn.fig.clear()
        wrote(png)
        if settings.with_data:
            # The PNG's final name wins (another program may have taken ours meanwhile).
            npy, sidecar = export_files.write_data(
                folder, png.stem, drawn.data, context.metadata(job, drawn, png), overwrite=settings.overwrite
            )
            wrote(npy)
            wrote(sidecar)
    return written


class _ActivationSource:
    """The rows an export needs: from the session's cache, or one graph pass
    for all of them when several are missing (far faster than one probe each)."""

    def __init__(self, session, rows: set[int]):
        self.session = session
        self.arrays: dict[int, np.ndarray] = {}
        if hasattr(session, "activations") and len(rows) > 1:
            self.arrays = session.activations(sorted(rows))

    def __getitem__(self, row: int) -> np.ndarray:
        if row in self.arrays:
            return self.arrays[row]
        return self.session.activation(row)


@dataclass
class _Drawn:
    fig: object
    filename: str
    data: np.ndarray  # exactly the values drawn
    meta: dict = field(default_factory=dict)  # kind-specific sidecar fields


def _draw(job: _Job, session, activations: _ActivationSource, settings: ExportSettings) -> _Drawn:
    if job.kind == "channel":
        return _draw_channel(session, job.rows[0], job.channel, activations[job.rows[0]], settings)
    if job.kind in ("grid", "all-layers"):
        return _draw_grid(session, job.rows[0], activations[job.rows[0]], settings, job.kind)
    if job.kind == "across":
        return _draw_across(session, job, activations, settings)
    return _draw_input(session, settings)


def _draw_channel(session, row: int, channel: int, act: np.ndarray, settings: ExportSettings) -> _Drawn:
    layer = session.layers[row].name
    filename = export_files.figure_filename(session.name, _FILE_KINDS["channel"], layer, channel)
    cmap = settings.cmap
    if has_spatial_maps(act):
        values = channel_map(act, channel)
        if settings.scale == "layer":
            vmin, vmax = figures.display_range(act, cmap)
        else:
            vmin, vmax = figures.display_range(values, cmap)
        title = DASH.join((session.name, layer, f"channel {channel} of {act.shape[-1]}"))
        if settings.scale == "layer":
            title += " (layer's scale)"
        fig = figures.channel_figure(values, title=title, cmap=cmap, vmin=vmin, vmax=vmax)
        return _Drawn(fig, filename, values, {"vmin": vmin, "vmax": vmax})
    # Dense / 1-D: no map per unit; the whole layer, the unit named in the title.
    unit = channel_value(act, channel)
    what = f"unit {channel}" if unit is not None else f"channel {channel}"
    if unit is not None and act.size > UNIT_STRIP_MAX:  # small layers print every value
        what += f" = {unit:.4g}"
    fig = figures.layer_figure(act, title=DASH.join((session.name, layer, what)), cmap=cmap)
    vmin, vmax = figures.display_range(act, cmap)
    return _Drawn(fig, filename, act, {"vmin": vmin, "vmax": vmax, "value": unit})


def _draw_grid(session, row: int, act: np.ndarray, settings: ExportSettings, kind: str) -> _Drawn:
    layer = session.layers[row].name
    filename = export_files.figure_filename(session.name, _FILE_KINDS[kind], layer)
    title = DASH.join((session.name, layer))
    cmap = settings.cmap
    if not has_spatial_maps(act):  # Dense / 1-D: the whole layer, one colour scale
        fig = figures.layer_figure(act, title=title, cmap=cmap)
        vmin, vmax = figures.display_range(act, cmap)
        return _Drawn(fig, filename, act, {"vmin": vmin, "vmax": vmax})
    maps = channel_stack(act)
    fig = figures.layer_figure(maps, title=title, cmap=cmap, scale=settings.scale)
    if settings.scale == "layer":
        vmin, vmax = figures.display_range(maps, cmap)
        return _Drawn(fig, filename, act, {"vmin": vmin, "vmax": vmax})
    # Each tile coloured from its own min (bottom colour) to its own max (top).
    return _Drawn(fig, filename, act, {"vmin": None, "vmax": None, "panel_ranges": _channel_ranges(maps)})


def _draw_across(session, job: _Job, activations: _ActivationSource, settings: ExportSettings) -> _Drawn:
    channel = job.channel
    names = [session.layers[row].name for row in job.rows]
    maps = [channel_map(activations[row], channel) for row in job.rows]
    shared = settings.scale == "layer"
    title = f"{session.name}{DASH}channel {channel} across {len(maps)} layers"
    if job.note:
        title += f" ({job.note})"
    # A dead (constant) map would show a made-up 0-1 colour bar: say so in its title.
    labels = [_panel_label(name, values) for name, values in zip(names, maps)]
    fig = figures.across_layers_figure(
        list(zip(labels, maps)), title=title, cmap=settings.cmap, scale="shared" if shared else "channel"
    )
    filename = export_files.figure_filename(session.name, _FILE_KINDS["across"], None, channel)
    data = _stack_padded(maps)
    meta: dict = {"map_sizes": [list(m.shape) for m in maps]}
    if shared:
        meta["vmin"], meta["vmax"] = figures.display_range(np.concatenate([m.ravel() for m in maps]), settings.cmap)
    else:
        meta["vmin"] = meta["vmax"] = None
        meta["panel_ranges"] = [list(figures.display_range(m, settings.cmap)) for m in maps]
    return _Drawn(fig, filename, data, meta)


def _draw_input(session, settings: ExportSettings) -> _Drawn:
    image = np.asarray(session.model_input, dtype=np.float32)
    preprocessing = session.options.preprocessing
    title = f"{session.name}{DASH}input as the model sees it ({preprocessing})"
    fig = figures.input_figure(image, title=title)
    filename = export_files.figure_filename(session.name, _FILE_KINDS["input"])
    low, high = _finite_range(image)
    return _Drawn(fig, filename, image, {"vmin": low, "vmax": high})


def _panel_label(name: str, values: np.ndarray) -> str:
    low, high = _finite_range(values)
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


def _channel_ranges(maps: np.ndarray) -> list[list[float]]:
    flat = maps.reshape(-1, maps.shape[-1])
    finite = np.isfinite(flat)
    low = np.where(finite, flat, np.inf).min(axis=0)
    high = np.where(finite, flat, -np.inf).max(axis=0)
    return [[float(a), float(b)] if np.isfinite(a) else [None, None] for a, b in zip(low, high)]


def _finite_range(values: np.ndarray) -> tuple[float | None, float | None]:
    finite = np.asarray(values)[np.isfinite(values)]
    if finite.size == 0:
        return None, None
    return float(finite.min()), float(finite.max())


def _check_figure_size(fig, dpi: int, filename: str) -> None:
    width, height = fig.get_size_inches()
    pixels = width * dpi * height * dpi
    if pixels > MAX_FIGURE_PIXELS:
        fits = int((MAX_FIGURE_PIXELS / (width * height)) ** 0.5)
        raise ExportError(
            f"{filename} would be {round(width * dpi)}x{round(height * dpi)} pixels at {dpi} dpi; "
            f"use a dpi of {fits} or less"
        )


class _ExportContext:
    """Sidecar fields shared by every file of one export (the model's hash once)."""

    def __init__(self, session, settings: ExportSettings):
        self.session = session
        self.settings = settings
        self._sha256: str | None = None

    @property
    def model_sha256(self) -> str | None:
        path = self.session.model_path
        if self._sha256 is None and path is not None:
            self._sha256 = export_files.file_sha256(path)
        return self._sha256

    def metadata(self, job: _Job, drawn: _Drawn, png: Path) -> dict:
        session, settings = self.session, self.settings
        layers = [session.layers[row].name for row in job.rows]
        data = np.asarray(drawn.data)
        record = {
            "kind": job.kind,
            "figure": png.name,
            "model": _absolute(session.model_path),
            "model_name": session.name,
            "model_sha256": self.model_sha256,
            "image": _absolute(session.image_path),
            "preprocessing": session.options.preprocessing,
            "layer": layers[0] if len(layers) == 1 else None,
            "layers": layers,
            "layer_rows": list(job.rows),
            "channel": job.channel,
            "scale": settings.scale,
            "cmap": settings.cmap,
            "dpi": settings.dpi,
            "shape": list(data.shape),
            "dtype": str(data.dtype),
            "data_range": list(_finite_range(data)),
        }
        if job.note:
            record["note"] = job.note
        record.update(drawn.meta)
        return record


def _absolute(path) -> str | None:
    return None if path is None else str(Path(path).expanduser().resolve())
