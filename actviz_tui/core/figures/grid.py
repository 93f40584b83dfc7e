"""A whole (H, W, C) layer as one mosaic of numbered channel tiles, dead ones hatched red.

The axes are placed by hand (no layout engine, so one draw pass) and the tiles
are sized so that, at the default dpi, one activation is one PNG pixel.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from actviz_tui.core.analysis.stats import dead_channels
from actviz_tui.core.figures.canvas import DEFAULT_DPI, as_array, display_range, named_colormap, new_figure, wrap
from actviz_tui.core.pictures.mosaic import grid_shape, mosaic, tile_origin
from actviz_tui.core.pictures.value_ranges import check_scale

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
DEAD_COLOUR = "#d62728"  # the filters figure's all-zero red
DEAD_LISTED = 16  # dead channel numbers named in the subtitle

SCALE_NOTES = {
    "channel": "each channel scaled to its own min\u2013max (colours not comparable across channels)",
    "layer": "shared scale across channels (colour = activation value)",
}


def layer_grid_figure(
    maps: np.ndarray,
    *,
    title: str,
    cmap: str = "viridis",
    scale: str = "channel",
    max_cols: int | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    dead: Sequence[int] | None = None,
    order: Sequence[int] | None = None,
    labels: Sequence[str] | None = None,
    order_note: str = "",
) -> Figure:
    """Every channel of a (H, W, C) layer as one mosaic drawn by one ``imshow``.

    Channels are numbered in their tiles' corners. ``scale="channel"`` scales
    each tile to its own min-max; ``scale="layer"`` shares one scale (and a
    colorbar in real values; ``vmin``/``vmax`` override it). The ``dead``
    channels (default: ``stats.dead_channels`` of ``maps``) are hatched red and
    named in the subtitle: flat, they would pass for quiet live ones. ``order``: the
    channels in tile order (None: index order), ``labels``: each tile's label in that
    order (None: its channel number), ``order_note``: a line saying the order.
    """
    maps = as_array(maps, ndim=3, what="layer activation")
    check_scale(scale)
    dead = dead_channels(maps) if dead is None else tuple(dead)
    tiles = list(range(maps.shape[2])) if order is None else [int(c) for c in order]
    maps = maps if order is None else maps[:, :, tiles]
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
        image, cmap=named_colormap(cmap), vmin=low, vmax=high, interpolation="nearest", aspect="auto"
    )
    ax.set_axis_off()
    hatch_tiles(ax, [tiles.index(channel) for channel in dead if channel in tiles], cols, height, width, pad)
    texts = [str(channel) for channel in tiles] if labels is None else list(labels)
    _label_tiles(ax, texts, cols, height, width, pad, tile_in=inch_per_px * max(height, width))
    _grid_colorbar(fig, drawn, cax, scale)
    note = f"{channels} channels \u00b7 {height}\u00d7{width} \u00b7 {SCALE_NOTES[scale]}"
    ordered = f"{order_note} \u00b7 " if order_note else ""
    _grid_titles(fig, title, ordered + note + dead_note(dead), lines=3 if order_note else 2)
    return fig


def dead_note(dead: Sequence[int]) -> str:
    """`` · 2 dead (hatched red): 5, 17`` or nothing."""
    if not dead:
        return ""
    named = ", ".join(map(str, dead[:DEAD_LISTED])) + (" \u2026" if len(dead) > DEAD_LISTED else "")
    return f" \u00b7 {len(dead)} dead (hatched red): {named}"


def hatch_tiles(ax, indices: Sequence[int], cols: int, height: int, width: int, pad: int) -> None:
    """Hatch tiles ``indices`` of a ``mosaic`` (its cols, tile size and pad) red, one collection."""
    boxes = []
    for index in indices:
        y, x = tile_origin(index, cols, height, width, pad)
        top, left, bottom, right = y - 0.5, x - 0.5, y + height - 0.5, x + width - 0.5
        boxes.append([(left, top), (right, top), (right, bottom), (left, bottom)])
    if boxes:
        ax.add_collection(
            PolyCollection(boxes, facecolors="none", edgecolors=DEAD_COLOUR, hatch="///", linewidths=1.0),
            autolim=False,
        )


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


def _grid_axes(img_w_in: float, img_h_in: float) -> tuple[Figure, Axes, Axes]:
    m = GRID_MARGIN_IN
    content_h = max(img_h_in, MIN_COLORBAR_HEIGHT_IN)
    fig_w = max(MIN_GRID_FIGURE_WIDTH_IN, img_w_in + m["left"] + m["right"])
    fig_h = content_h + m["top"] + m["bottom"]
    fig = new_figure(fig_w, fig_h)
    left = m["left"] + (fig_w - m["left"] - m["right"] - img_w_in) / 2
    img_bottom = m["bottom"] + content_h - img_h_in
    ax = fig.add_axes((left / fig_w, img_bottom / fig_h, img_w_in / fig_w, img_h_in / fig_h))
    cax_left = left + img_w_in + COLORBAR_GAP_IN
    cax = fig.add_axes((cax_left / fig_w, m["bottom"] / fig_h, COLORBAR_WIDTH_IN / fig_w, content_h / fig_h))
    return fig, ax, cax


def _label_tiles(ax, texts: Sequence[str], cols: int, height: int, width: int, pad: int, tile_in: float) -> None:
    """Label each tile (its channel number) in its top-left corner, white on a translucent dark box;
    a long label (a rank and score) in a smaller font, to fit its tile's width.

    The boxes are one PolyCollection sized from the font, not a ``bbox`` per
    text: per-text boxes cost a third of a 128-channel grid's render time.
    """
    channels = len(texts)
    longest = max((len(text) for text in texts), default=1)
    tile_points = tile_in * 72 * width / max(height, width)
    fontsize = min(10.0, max(6.0, tile_in * 9), max(4.0, (0.9 * tile_points - 3) / (0.62 * longest)))
    px_per_point = max(height, width) / tile_in / 72
    inset = 0.05 * min(height, width)
    box_h = (1.25 * fontsize + 2) * px_per_point
    # Past LABEL_EVERY_TILE_UP_TO only each row's first tile is numbered.
    step = 1 if channels <= LABEL_EVERY_TILE_UP_TO else cols
    boxes = []
    for index in range(0, channels, step):
        y, x = tile_origin(index, cols, height, width, pad)
        left, top = x - 0.5 + inset, y - 0.5 + inset
        box_w = (0.62 * fontsize * len(texts[index]) + 3) * px_per_point
        boxes.append([(left, top), (left + box_w, top), (left + box_w, top + box_h), (left, top + box_h)])
        ax.text(
            left + 1.5 * px_per_point, top + px_per_point, texts[index], fontsize=fontsize, color="white",
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


def _grid_titles(fig: Figure, title: str, note: str, lines: int = 2) -> None:
    fig_w, fig_h = fig.get_size_inches()
    top = 1 - 0.12 / fig_h
    fig.text(0.5, top, wrap(title, fig_w, 13, max_lines=1), ha="center", va="top", fontsize=13)
    fig.text(0.5, top - 0.38 / fig_h, wrap(note, fig_w, 9, max_lines=lines), ha="center", va="top", fontsize=9,
             color="0.3")
