"""A fast half-block image renderable: two vertical pixels per terminal cell.

Segments are built once, at construction, with horizontal runs of identical
cells merged into one Segment, so repainting is cheap and writes few bytes.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style

from actviz_tui.core import colormap

UPPER_HALF = "\u2580"  # "▀": foreground paints the top pixel, background the bottom
RGB = tuple[int, int, int]

# Packed colours are 24-bit; this value means "terminal default background".
_DEFAULT_BG = 1 << 24
_KEY_SHIFT = 25


class HalfBlockImage:
    """An (H, W, 3) uint8 RGB image shown as W cells by ceil(H / 2) rows."""

    def __init__(self, rgb: np.ndarray, *, background: RGB | None = (0, 0, 0)) -> None:
        rgb = np.asarray(rgb)
        if rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError(f"expected an (H, W, 3) array, got shape {rgb.shape}")
        if rgb.dtype != np.uint8:
            raise TypeError(f"expected uint8 pixels, got {rgb.dtype}")
        self.width: int = rgb.shape[1]
        self.height: int = (rgb.shape[0] + 1) // 2
        self._segments: list[Segment] = _build_segments(rgb, background)

    @classmethod
    def from_values(
        cls,
        values2d: np.ndarray,
        cmap: str,
        vmin: float,
        vmax: float,
        cells_w: int,
        cells_h: int,
        *,
        nan_rgb: RGB = (0, 0, 0),
        background: RGB | None = (0, 0, 0),
    ) -> "HalfBlockImage":
        """Colour a 2-D map and fit it, aspect kept, into a cells_w x cells_h box."""
        map_h, map_w = np.shape(values2d)
        px_h, px_w = colormap.fit_shape(map_h, map_w, cells_h * 2, cells_w)
        resized = colormap.resample_area(values2d, px_h, px_w)
        rgb = colormap.to_rgb(resized, cmap, vmin, vmax, nan_rgb=nan_rgb)
        return cls(rgb, background=background)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._segments

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width, self.width)


def _build_segments(rgb: np.ndarray, background: RGB | None) -> list[Segment]:
    """All rows' segments, each row ended by a newline segment."""
    keys = _cell_keys(rgb, background)
    if keys.size == 0:
        return []
    rows, width = keys.shape
    is_run_start = np.ones(keys.shape, dtype=bool)
    is_run_start[:, 1:] = keys[:, 1:] != keys[:, :-1]
    starts = np.flatnonzero(is_run_start)
    lengths = np.diff(starts, append=rows * width)
    ends_row = (starts + lengths) % width == 0
    return _runs_to_segments(
        keys.ravel()[starts].tolist(), lengths.tolist(), ends_row.tolist()
    )


def _cell_keys(rgb: np.ndarray, background: RGB | None) -> np.ndarray:
    """(rows, W) uint64: top colour << 25 | bottom colour, colours packed 0xRRGGBB."""
    packed = (
        (rgb[..., 0].astype(np.uint64) << 16)
        | (rgb[..., 1].astype(np.uint64) << 8)
        | rgb[..., 2].astype(np.uint64)
    )
    if packed.shape[0] % 2:
        pad_value = _DEFAULT_BG if background is None else _pack(background)
        pad = np.full((1, packed.shape[1]), pad_value, dtype=np.uint64)
        packed = np.concatenate([packed, pad])
    return (packed[0::2] << np.uint64(_KEY_SHIFT)) | packed[1::2]


def _runs_to_segments(
    keys: list[int], lengths: list[int], ends_row: list[bool]
) -> list[Segment]:
    # The one unavoidable Python loop: one iteration per merged run.
    newline = Segment.line()
    segments: list[Segment] = []
    append = segments.append
    for key, length, is_row_end in zip(keys, lengths, ends_row):
        glyph_style = _GLYPH_STYLES.get(key)
        if glyph_style is None:
            glyph_style = _remember_glyph_style(key)
        glyph, style = glyph_style
        append(Segment(glyph * length, style))
        if is_row_end:
            append(newline)
    return segments


# Shared across images so that a Style's ANSI codes, which Rich caches on the
# Style object, are computed once per colour pair rather than once per frame.
# Colormap images draw from at most 256 x 256 pairs per colormap.
_GLYPH_STYLES: dict[int, tuple[str, Style]] = {}
_COLORS: dict[int, Color] = {}
_MAX_CACHED_PAIRS = 1 << 18


def _remember_glyph_style(key: int) -> tuple[str, Style]:
    if len(_GLYPH_STYLES) >= _MAX_CACHED_PAIRS:
        _GLYPH_STYLES.clear()
        _COLORS.clear()
    glyph_style = _GLYPH_STYLES[key] = _glyph_and_style(key)
    return glyph_style


def _glyph_and_style(key: int) -> tuple[str, Style]:
    top, bottom = key >> _KEY_SHIFT, key & ((1 << _KEY_SHIFT) - 1)
    if bottom == _DEFAULT_BG:
        return UPPER_HALF, Style.from_color(_color(top))
    if top == bottom:
        # A space with only a background is shorter on the wire than "▀" with both.
        return " ", Style.from_color(bgcolor=_color(bottom))
    return UPPER_HALF, Style.from_color(_color(top), _color(bottom))


def _color(packed: int) -> Color:
    color = _COLORS.get(packed)
    if color is None:
        red, green, blue = packed >> 16, (packed >> 8) & 0xFF, packed & 0xFF
        color = _COLORS[packed] = Color.from_rgb(red, green, blue)
    return color


def _pack(rgb: Iterable[int]) -> int:
    r, g, b = rgb
    return (int(r) << 16) | (int(g) << 8) | int(b)
