"""Matplotlib figures of activations, built with the object API only.

Every builder returns a :class:`matplotlib.figure.Figure` with an Agg canvas
attached; nothing here touches ``matplotlib.pyplot`` (no global figure
registry, no display needed over SSH). :func:`render_png_bytes` turns a
figure into PNG bytes.
"""

from __future__ import annotations

import textwrap
from io import BytesIO

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import Colormap
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from actviz_tui.core import colormap
from actviz_tui.core.image_input import stretch_for_display
from actviz_tui.core.mosaic import grid_shape, mosaic, tile_origin
from actviz_tui.core.value_ranges import check_scale, finite_range

DEFAULT_DPI = 150
# zlib level 1 encodes several times faster than the default 6, for files
# only a little larger (activation maps are smooth).
PNG_COMPRESS_LEVEL = 1

# Layer grid geometry, in inches. A tile gets one inch per 150 map pixels, so
# at the default 150 dpi each activation is one PNG pixel (every pixel shown,
# none wasted on upsampling), but never less than MIN_TILE_IN (channel labels
# must stay readable) nor more than MAX_TILE_IN (big maps stay screen-sized).
MIN_TILE_IN = 0.75
MAX_TILE_IN = 1.5
MAP_PIXELS_PER_TILE_INCH = DEFAULT_DPI
GRID_ASPECT = 2.0  # landscape, like the notebook's 4 rows x 8 columns
MAX_FIGURE_SQ_INCHES = 4000  # 40 megapixels at 100 dpi
GRID_MARGIN_IN = {"left": 0.3, "right": 1.55, "top": 0.95, "bottom": 0.3}
COLORBAR_GAP_IN, COLORBAR_WIDTH_IN, MIN_COLORBAR_HEIGHT_IN = 0.15, 0.18, 1.6
MIN_GRID_FIGURE_WIDTH_IN = 6.0
MAX_SHORT_GRID_TILE_IN = 3.0
LABEL_EVERY_TILE_UP_TO = 1024
UNIT_STRIP_MAX = 16  # a Dense layer this small is a strip with each value written in its cell

SCALE_NOTES = {
    "channel": "each channel scaled to its own min\u2013max (colours not comparable across channels)",
    "layer": "shared scale across channels (colour = activation value)",
}


# --------------------------------------------------------------------------
# Builders


def channel_figure(
    values2d: np.ndarray,
    *,
    title: str,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    value_label: str = "activation",
) -> Figure:
    """One channel as a heatmap (like ``matshow``) with a colorbar in real values."""
    values = _as_array(values2d, ndim=2, what="channel map")
    height, width = values.shape
    low, high = display_range(values, cmap, vmin, vmax)
    fig_w, fig_h = 6.4, min(8.0, max(3.2, 4.6 * height / width + 0.9))
    fig = _new_figure(fig_w, fig_h, layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(
        values, cmap=_colormap(cmap), vmin=low, vmax=high, interpolation="nearest", aspect="equal"
    )
    ax.set_xticks([0, width - 1])
    ax.set_yticks([0, height - 1])
    ax.tick_params(labelsize=8, length=2)
    ax.set_title(_wrap(title, fig_w, 11), fontsize=11)
    ax.set_xlabel(_size_and_range(values), fontsize=9)
    _side_colorbar(fig, ax, image, value_label, axes_width_in=min(4.5, (fig_h - 0.9) * width / height))
    return fig


def layer_grid_figure(
    maps: np.ndarray,
    *,
    title: str,
    cmap: str = "viridis",
    scale: str = "channel",
    max_cols: int | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """Every channel of a (H, W, C) layer as one mosaic drawn by one ``imshow``.

    Channels are numbered in their tiles' corners. ``scale="channel"`` scales
    each tile to its own min-max; ``scale="layer"`` shares one scale (and a
    colorbar in real values; ``vmin``/``vmax`` override it).
    """
    maps = _as_array(maps, ndim=3, what="layer activation")
    check_scale(scale)
    height, width, channels = maps.shape
    rows, cols = grid_shape(channels, max_cols=max_cols, aspect=GRID_ASPECT * height / width)
    pad = max(1, max(height, width) // 32)
    image = mosaic(maps, cols, pad=pad, scale=scale)

    inch_per_px = _grid_tile_inches(height, width, rows, cols) / max(height, width)
    img_w_in, img_h_in = image.shape[1] * inch_per_px, image.shape[0] * inch_per_px
    fig, ax, cax = _grid_axes(img_w_in, img_h_in)

    if scale == "layer":
        low, high = display_range(maps, cmap, vmin, vmax)
    else:
        low, high = 0.0, 1.0
    drawn = ax.imshow(
        image, cmap=_colormap(cmap), vmin=low, vmax=high, interpolation="nearest", aspect="auto"
    )
    ax.set_axis_off()
    _label_tiles(ax, channels, cols, height, width, pad, tile_in=inch_per_px * max(height, width))
    _grid_colorbar(fig, drawn, cax, scale)
    _grid_titles(fig, title, f"{channels} channels \u00b7 {height}\u00d7{width} \u00b7 {SCALE_NOTES[scale]}")
    return fig


def across_layers_figure(
    items: list[tuple[str, np.ndarray]],
    *,
    title: str,
    cmap: str = "viridis",
    scale: str = "channel",
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """One channel in several layers: a panel per (layer name, 2-D map).

    ``scale="channel"`` gives each panel its own range and colorbar (what the
    notebook's ``matshow`` calls did); ``"layer"`` puts all panels on one
    range with one colorbar.
    """
    if not items:
        raise ValueError("need at least one (layer name, map) pair")
    check_scale(scale)
    shared = scale == "layer"
    maps = [_as_array(values, ndim=2, what=f"map of {name}") for name, values in items]
    rows, cols = grid_shape(len(items), aspect=GRID_ASPECT)
    fig_w = cols * 3.1 + (0.8 if shared else 0.2)
    fig = _new_figure(fig_w, rows * 3.0 + 1.0, layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    colormap = _colormap(cmap)
    shared_range = display_range(np.concatenate([m.ravel() for m in maps]), cmap, vmin, vmax) if shared else None

    for ax, (name, _raw), values in zip(axes, items, maps):
        low, high = shared_range or display_range(values, cmap, vmin, vmax)
        drawn = ax.imshow(values, cmap=colormap, vmin=low, vmax=high, interpolation="nearest", aspect="equal")
        ax.set_title(f"{_wrap(name, 3.0, 9)}\n{values.shape[0]}\u00d7{values.shape[1]}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
        if not shared:
            colorbar = fig.colorbar(drawn, ax=ax, fraction=0.046, pad=0.03)
            colorbar.ax.tick_params(labelsize=7)
    for ax in axes[len(items):]:
        ax.set_visible(False)
    if shared:
        fig.colorbar(drawn, ax=list(axes[: len(items)]), label="activation", shrink=0.9)
    fig.suptitle(_wrap(title, fig_w, 13), fontsize=13)
    note = "shared scale across layers" if shared else "each layer's map scaled to its own min\u2013max"
    fig.supxlabel(note, fontsize=9, color="0.3")
    return fig


def input_figure(image: np.ndarray, *, title: str) -> Figure:
    """The input as the model sees it, display-rescaled to [0, 1] by its min/max
    (``image_input.stretch_for_display``, as the explorer shows it).

    1 channel -> gray, 3 channels -> RGB, any other count -> first channel gray.
    """
    shown, (low, high) = stretch_for_display(image)
    pixels = np.asarray(image)
    height, width = shown.shape[:2]
    channels = 1 if pixels.ndim == 2 else pixels.shape[-1]

    fig_w = 5.6
    fig = _new_figure(fig_w, min(8.0, max(3.0, 4.4 * height / width + 1.0)), layout="constrained")
    ax = fig.add_subplot()
    ax.imshow(shown, cmap="gray", vmin=0, vmax=1, interpolation="nearest", aspect="equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(_wrap(title, fig_w, 11), fontsize=11)
    first_only = "" if channels in (1, 3) else f" \u00b7 showing channel 0 of {channels}"
    source = "no finite values" if low is None else f"display-rescaled from [{low:.3g}, {high:.3g}]"
    ax.set_xlabel(f"{height}\u00d7{width}\u00d7{channels} \u00b7 {source}{first_only}", fontsize=8)
    return fig


def vector_figure(
    values1d: np.ndarray,
    *,
    title: str,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    value_label: str = "activation",
) -> Figure:
    """A Dense layer's units: an annotated strip for a few units, else a near-square block."""
    values = _as_array(values1d, ndim=1, what="vector").ravel()
    if values.size <= UNIT_STRIP_MAX:
        return _unit_strip_figure(values, title=title, cmap=cmap, vmin=vmin, vmax=vmax, value_label=value_label)
    return _unit_block_figure(values, title=title, cmap=cmap, vmin=vmin, vmax=vmax, value_label=value_label)


def sequence_figure(
    values: np.ndarray,
    *,
    title: str,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    value_label: str = "activation",
) -> Figure:
    """A 1-D layer's (T, C) output as a heatmap: time across, channels down."""
    values = _as_array(values, ndim=2, what="sequence")
    steps, channels = values.shape
    low, high = display_range(values, cmap, vmin, vmax)
    fig_w = 8.0
    fig = _new_figure(fig_w, min(8.0, max(3.6, 0.05 * channels + 2.4)), layout="constrained")
    ax = fig.add_subplot()
    drawn = ax.imshow(values.T, cmap=_colormap(cmap), vmin=low, vmax=high, interpolation="nearest", aspect="auto")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"time step (of {steps})")
    ax.set_ylabel(f"channel (of {channels})")
    ax.tick_params(labelsize=8)
    ax.set_title(_wrap(title, fig_w, 11), fontsize=11)
    fig.colorbar(drawn, ax=ax, label=value_label)
    return fig


def layer_figure(
    act: np.ndarray,
    *,
    title: str,
    cmap: str = "viridis",
    scale: str = "channel",
    max_cols: int | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """The right figure for one sample's activation: (H, W, C) grid, (T, C) sequence, (units,) vector."""
    act = np.asarray(act)
    if act.ndim == 3:
        return layer_grid_figure(act, title=title, cmap=cmap, scale=scale, max_cols=max_cols, vmin=vmin, vmax=vmax)
    if act.ndim == 2:
        return sequence_figure(act, title=title, cmap=cmap, vmin=vmin, vmax=vmax)
    if act.ndim == 1:
        return vector_figure(act, title=title, cmap=cmap, vmin=vmin, vmax=vmax)
    raise ValueError(f"cannot draw an activation of shape {act.shape}: expected 1, 2 or 3 axes")


def render_png_bytes(fig: Figure, dpi: int = DEFAULT_DPI) -> bytes:
    """The figure as PNG bytes (Agg, no pyplot); the size is figsize x dpi exactly."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return buffer.getvalue()


# --------------------------------------------------------------------------
# Colour scale helpers


def display_range(
    values: np.ndarray, cmap: str = "viridis", vmin: float | None = None, vmax: float | None = None
) -> tuple[float, float]:
    """(low, high) for colouring ``values``, the explorer's rule
    (``colormap.value_range``: symmetric about 0 for a diverging colormap, a
    constant map at the bottom colour); explicit overrides win."""
    low, high = colormap.value_range(values, symmetric=colormap.is_diverging(cmap))
    low = low if vmin is None else float(vmin)
    high = high if vmax is None else float(vmax)
    return (low, high) if high > low else (low, low + 1.0)


def _colormap(name: str) -> Colormap:
    try:
        base = matplotlib.colormaps[name]
    except KeyError:
        raise ValueError(f"unknown colormap {name!r}") from None
    # NaN marks mosaic padding and empty cells: draw it as the background.
    return base.with_extremes(bad="white")


# --------------------------------------------------------------------------
# Layer grid layout (placed by hand: no layout engine, so one draw pass)


def _grid_tile_inches(height: int, width: int, rows: int, cols: int) -> float:
    longest = max(height, width)
    tile_in = min(MAX_TILE_IN, max(MIN_TILE_IN, longest / MAP_PIXELS_PER_TILE_INCH))
    # A single row of small tiles would leave the colorbar towering over it.
    tile_in = max(tile_in, min(MAX_SHORT_GRID_TILE_IN, MIN_COLORBAR_HEIGHT_IN * longest / (rows * height)))
    margins = GRID_MARGIN_IN
    area = (cols * tile_in + margins["left"] + margins["right"]) * (rows * tile_in + margins["top"] + margins["bottom"])
    if area > MAX_FIGURE_SQ_INCHES:
        tile_in *= (MAX_FIGURE_SQ_INCHES / area) ** 0.5
    return tile_in


def _grid_axes(img_w_in: float, img_h_in: float) -> tuple[Figure, object, object]:
    m = GRID_MARGIN_IN
    content_h = max(img_h_in, MIN_COLORBAR_HEIGHT_IN)
    fig_w = max(MIN_GRID_FIGURE_WIDTH_IN, img_w_in + m["left"] + m["right"])
    fig_h = content_h + m["top"] + m["bottom"]
    fig = _new_figure(fig_w, fig_h)
    left = m["left"] + (fig_w - m["left"] - m["right"] - img_w_in) / 2
    img_bottom = m["bottom"] + content_h - img_h_in
    ax = fig.add_axes((left / fig_w, img_bottom / fig_h, img_w_in / fig_w, img_h_in / fig_h))
    cax_left = left + img_w_in + COLORBAR_GAP_IN
    cax = fig.add_axes((cax_left / fig_w, m["bottom"] / fig_h, COLORBAR_WIDTH_IN / fig_w, content_h / fig_h))
    return fig, ax, cax


def _label_tiles(ax, channels: int, cols: int, height: int, width: int, pad: int, tile_in: float) -> None:
    """Number each tile in its top-left corner, white on a translucent dark box.

    The boxes are one PolyCollection sized from the font, not a ``bbox`` per
    text: per-text boxes cost a third of a 128-channel grid's render time.
    """
    fontsize = min(10.0, max(6.0, tile_in * 9))
    px_per_point = max(height, width) / tile_in / 72
    inset = 0.05 * min(height, width)
    box_h = (1.25 * fontsize + 2) * px_per_point
    # Past LABEL_EVERY_TILE_UP_TO only each row's first tile is numbered.
    step = 1 if channels <= LABEL_EVERY_TILE_UP_TO else cols
    boxes = []
    for index in range(0, channels, step):
        y, x = tile_origin(index, cols, height, width, pad)
        left, top = x - 0.5 + inset, y - 0.5 + inset
        box_w = (0.62 * fontsize * len(str(index)) + 3) * px_per_point
        boxes.append([(left, top), (left + box_w, top), (left + box_w, top + box_h), (left, top + box_h)])
        ax.text(
            left + 1.5 * px_per_point, top + px_per_point, str(index), fontsize=fontsize, color="white",
            ha="left", va="top",
        )
    ax.add_collection(PolyCollection(boxes, facecolors="black", alpha=0.55, linewidths=0), autolim=False)


def _grid_colorbar(fig: Figure, drawn, cax, scale: str) -> None:
    if scale == "layer":
        colorbar = fig.colorbar(drawn, cax=cax)
        colorbar.set_label("activation (shared scale)", fontsize=9)
    else:
        colorbar = fig.colorbar(drawn, cax=cax, ticks=[0, 1])
        colorbar.ax.set_yticklabels(["channel\nmin", "channel\nmax"])
        colorbar.set_label("each channel's own range", fontsize=9)
    colorbar.ax.tick_params(labelsize=8)


def _grid_titles(fig: Figure, title: str, note: str) -> None:
    fig_w, fig_h = fig.get_size_inches()
    top = 1 - 0.12 / fig_h
    fig.text(0.5, top, _wrap(title, fig_w, 13, max_lines=1), ha="center", va="top", fontsize=13)
    fig.text(0.5, top - 0.38 / fig_h, _wrap(note, fig_w, 9, max_lines=2), ha="center", va="top", fontsize=9, color="0.3")


# --------------------------------------------------------------------------
# Dense layers


def _unit_strip_figure(values, *, title, cmap, vmin, vmax, value_label) -> Figure:
    units = values.size
    low, high = display_range(values, cmap, vmin, vmax)
    fig_w = min(11.0, max(4.8, 0.7 * units + 2.2))
    fig = _new_figure(fig_w, 2.8, layout="constrained")
    ax = fig.add_subplot()
    colormap = _colormap(cmap)
    drawn = ax.imshow(values[None, :], cmap=colormap, vmin=low, vmax=high, interpolation="nearest", aspect="auto")
    for unit, value in enumerate(values):
        shade = colormap((value - low) / (high - low))
        ink = "black" if _luminance(shade) > 0.5 else "white"
        ax.text(unit, 0, f"{value:.3g}", ha="center", va="center", fontsize=8, color=ink)
    ax.set_xticks(range(units))
    ax.set_yticks([])
    ax.set_xlabel("unit")
    ax.tick_params(labelsize=8)
    if units == 1:
        # One number needs no colour scale: say it in the title instead.
        ax.set_title(f"{_wrap(title, fig_w, 11)}\nvalue = {values[0]:.4g}", fontsize=11)
        return fig
    ax.set_title(_wrap(title, fig_w, 11), fontsize=11)
    fig.colorbar(drawn, ax=ax, label=value_label)
    return fig


def _unit_block_figure(values, *, title, cmap, vmin, vmax, value_label) -> Figure:
    units = values.size
    block = colormap.vector_block(values)
    rows, cols = block.shape
    low, high = display_range(values, cmap, vmin, vmax)
    fig_w = 6.4
    fig = _new_figure(fig_w, min(8.0, max(3.4, 4.4 * rows / cols + 1.2)), layout="constrained")
    ax = fig.add_subplot()
    drawn = ax.imshow(
        block, cmap=_colormap(cmap), vmin=low, vmax=high, interpolation="nearest", aspect="equal"
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: f"{int(round(y)) * cols}"))
    ax.set_ylabel("first unit of row", fontsize=9)
    ax.set_xlabel(f"+ column \u00b7 {units} units in {rows}\u00d7{cols} \u00b7 {_range_text(values)}", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.set_title(_wrap(title, fig_w, 11), fontsize=11)
    _side_colorbar(fig, ax, drawn, value_label, axes_width_in=4.4)
    return fig


def _side_colorbar(fig: Figure, ax, drawn, label: str, axes_width_in: float) -> None:
    """A colorbar exactly as tall as the (aspect-locked) image, about 0.2 in wide.

    An inset axes follows the image's drawn box; ``fig.colorbar(ax=...)``
    would follow the layout slot instead and overhang a non-square image.
    """
    axes_width_in = max(axes_width_in, 0.5)
    cax = ax.inset_axes((1.0 + 0.1 / axes_width_in, 0.0, 0.2 / axes_width_in, 1.0))
    fig.colorbar(drawn, cax=cax, label=label)


def _luminance(rgba) -> float:
    red, green, blue = rgba[:3]
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


# --------------------------------------------------------------------------
# Small helpers


def _new_figure(width_in: float, height_in: float, layout: str | None = None) -> Figure:
    fig = Figure(figsize=(width_in, height_in), layout=layout)
    FigureCanvasAgg(fig)
    return fig


def _as_array(values: np.ndarray, *, ndim: int, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float32)
    if array.ndim != ndim or array.size == 0:
        raise ValueError(f"expected a non-empty {ndim}-D {what}, got shape {array.shape}")
    return array


def _range_text(values: np.ndarray) -> str:
    low, high = finite_range(values)
    return "no finite values" if low is None else f"min {low:.3g} \u00b7 max {high:.3g}"


def _size_and_range(values: np.ndarray) -> str:
    return f"{values.shape[0]}\u00d7{values.shape[1]} \u00b7 {_range_text(values)}"


def _wrap(text: str, width_in: float, fontsize: float, max_lines: int = 3) -> str:
    """Wrap ``text`` to fit ``width_in`` inches at ``fontsize`` points (roughly)."""
    chars_per_line = max(12, int(width_in * 72 / (fontsize * 0.6)))
    return "\n".join(textwrap.wrap(text, chars_per_line, max_lines=max_lines, placeholder="\u2026")) or text
