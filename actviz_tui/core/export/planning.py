"""Checking requests before anything is drawn: layers, channels, settings.

Every message is one line fit for users (LayerLookupError); a request that
cannot be drawn is refused before the first file of a batch is written.
"""

from __future__ import annotations

import numpy as np

from actviz_tui.core.seams import FigureSource
from actviz_tui.core.pictures.colormap import COLORMAP_NAMES
from actviz_tui.core.pictures.display_maps import channel_count as activation_channels
from actviz_tui.core.errors import LayerLookupError
from actviz_tui.core.export.base import MAX_DPI, MIN_DPI, ExportSettings, FigureRequest
from actviz_tui.core.pictures.value_ranges import check_scale

def spatial_layer_rows(session: FigureSource) -> list[int]:
    """Table rows with spatial maps (``LayerInfo.has_maps``), in table order: what
    across-layers and all-layers draw (the input has its own kind; a nested model's
    row repeats its last inner layer's output)."""
    return [info.index for info in session.layers if info.has_maps]


def require_layer(session: FigureSource, request: FigureRequest) -> int:
    if request.layer is None:
        raise LayerLookupError(f"a {request.kind} figure needs a layer")
    return session.find_layer(request.layer)


def require_channel(request: FigureRequest, figure: str | None = None) -> int:
    """The request's channel as an int; ``figure`` names the figure in the message."""
    channel = request.channel
    if channel is None:
        raise LayerLookupError(f"{figure or f'a {request.kind} figure'} needs a channel")
    if isinstance(channel, bool) or not isinstance(channel, (int, np.integer)):
        raise LayerLookupError(f"a channel is a whole number, got {channel!r}")
    if channel < 0:
        raise LayerLookupError(f"no channel {channel}: channels are numbered from 0")
    return int(channel)


def channel_count(session: FigureSource, row: int) -> int:
    """Channels of a row's output (units for Dense; 1 for a scalar): the layer table's
    ``LayerInfo.channels`` (channels_first layers included), else, where the model
    leaves the size free, the activation's (``display_maps.channel_count``)."""
    info = session.layers[row]
    if info.channels is not None:
        return int(info.channels)
    if len(info.output_shape) < 2:
        return 1  # a scalar per sample
    return activation_channels(session.activation(row))


def check_channel(session: FigureSource, row: int, channel: int) -> None:
    count = channel_count(session, row)
    if channel < count:
        return
    name = session.layers[row].name
    word = "channels" if len(session.layers[row].output_shape) >= 3 else "units"
    numbers = "only 0" if count == 1 else f"0-{count - 1}"
    singular = word[:-1]
    counted = f"{count} {word if count != 1 else singular}"
    raise LayerLookupError(f"layer {name} has {counted} ({numbers}); no {singular} {channel}")


def no_spatial_layers(session: FigureSource) -> LayerLookupError:
    return LayerLookupError(f"model {session.name} has no layer with 2-D feature maps")


def no_layer_has_channel(session: FigureSource, candidates: list[int], channel: int) -> LayerLookupError:
    if not candidates:
        return no_spatial_layers(session)
    most = max(channel_count(session, row) for row in candidates)
    return LayerLookupError(
        f"no layer of model {session.name} has a channel {channel} (the most channels is {most}: 0-{most - 1})"
    )


def check_settings(settings: ExportSettings) -> None:
    """ValueError for settings no front end should have let through."""
    check_scale(settings.scale)
    if not MIN_DPI <= int(settings.dpi) <= MAX_DPI:
        raise ValueError(f"dpi must be {MIN_DPI}-{MAX_DPI}, got {settings.dpi}")
    if settings.cmap not in COLORMAP_NAMES:
        raise ValueError(f"unknown colormap {settings.cmap!r}; known colormaps: {', '.join(COLORMAP_NAMES)}")
