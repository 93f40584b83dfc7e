"""actviz's half-block renderer for rich-pixels: two vertical pixels per cell.

``HalfBlockRenderer`` is a ``rich_pixels.Renderer``, so
``Pixels.from_image(image, renderer=HalfBlockRenderer())`` draws with it; the
app calls ``render_rows(rgb)`` on numpy arrays directly (no PIL round trip)
and hands the rows to Textual's line API. Segments are built from numpy run
keys, with horizontal runs of identical cells merged into one Segment, so
repainting is cheap and writes few bytes.

With ``colours="256"`` (terminals without truecolor) the picture is first
dithered onto the xterm palette (``ui.palette_dither``, keyed to the picture's
``SourceGrid`` when it has one: a map pixel drawn large stays one colour) and
cells carry palette indices, emitted as ``Color.from_ansi`` so Rich does not
re-map them to its own nearest colour.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
from PIL.Image import Image
from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich_pixels import Renderer

from actviz_tui.core.pictures import colormap
from actviz_tui.ui import palette_dither, xterm_palette
from actviz_tui.ui.source_grid import SourceGrid

UPPER_HALF = "\u2580"  # "▀": foreground paints the top pixel, background the bottom
RGB = tuple[int, int, int]

# A cell is keyed by its colour pair, top << 25 | bottom, colours packed
# 0xRRGGBB (or a palette index in 256-colour mode); a bottom of _DEFAULT_BG means "terminal default background".
# A run of cells is keyed by its pair << 12 | its length (runs are cut at
# _MAX_RUN cells), which still fits in 64 bits.
_DEFAULT_BG = 1 << 24
_PAIR_SHIFT = 25
_LENGTH_BITS = 12
_MAX_RUN = (1 << _LENGTH_BITS) - 1
_NEWLINE_KEY = 1 << 63
COLOUR_MODES = ("truecolor", "256")


class HalfBlockRenderer(Renderer):
    """Draws an RGB picture as W cells by ceil(H / 2) rows of "▀".

    ``background`` fills the missing bottom pixel of an odd last row (None:
    the terminal's own background). ``colours``: "truecolor" or "256".
    """

    def __init__(self, *, background: RGB | None = (0, 0, 0), colours: str = "truecolor") -> None:
        super().__init__()
        if colours not in COLOUR_MODES:
            raise ValueError(f"colours must be one of {COLOUR_MODES}, got {colours!r}")
        self.background = background
        self.colours = colours

    def render(self, image: Image, resize: tuple[int, int] | None) -> list[Segment]:
        """rich-pixels' entry point: every row's segments, each row ended by a newline."""
        if resize:
            image = image.resize(resize)
        return self.render_segments(np.asarray(image.convert("RGB")))

    def render_segments(self, rgb: np.ndarray, source: SourceGrid | None = None) -> list[Segment]:
        """``source``: which source pixel each pixel shows (256 colours dither by it)."""
        rgb = _checked_rgb(rgb)
        if self.colours == "256":
            pad = None if self.background is None else xterm_palette.nearest_index(self.background)
            rows, cols = (None, None) if source is None else _checked_source(source, rgb)
            return _build_segments(palette_dither.dither_indices(rgb, rows, cols), pad, _CACHES["256"])
        pad = None if self.background is None else _pack(self.background)
        return _build_segments(_packed_rgb(rgb), pad, _CACHES["truecolor"])

    def render_rows(self, rgb: np.ndarray, source: SourceGrid | None = None) -> list[list[Segment]]:
        """The segments of each terminal row, without newlines (for Textual's line API)."""
        return _split_rows(self.render_segments(rgb, source))


class HalfBlockImage:
    """A picture drawn by HalfBlockRenderer: W cells by ceil(H / 2) rows; a Rich renderable.

    ``source``: which source pixel each pixel shows (None: each its own).
    """

    def __init__(
        self, rgb: np.ndarray, *, background: RGB | None = (0, 0, 0), colours: str = "truecolor",
        source: SourceGrid | None = None,
    ) -> None:
        rgb = _checked_rgb(rgb)
        self.width: int = rgb.shape[1]
        self.height: int = (rgb.shape[0] + 1) // 2
        self._segments = HalfBlockRenderer(background=background, colours=colours).render_segments(rgb, source)

    @classmethod
    def from_values(
        cls, values2d: np.ndarray, cmap: str, vmin: float, vmax: float, cells_w: int, cells_h: int,
        *, background: RGB | None = (0, 0, 0), colours: str = "truecolor",
    ) -> "HalfBlockImage":
        """Colour a 2-D map and fit it, aspect kept, into a cells_w x cells_h box."""
        rgb = fitted_map_rgb(values2d, cmap, vmin, vmax, cells_w, cells_h)
        source = SourceGrid.resampled_map(*np.shape(values2d), *rgb.shape[:2])
        return cls(rgb, background=background, colours=colours, source=source)

    @classmethod
    def from_rgb(
        cls, rgb: np.ndarray, cells_w: int, cells_h: int, *, source: SourceGrid | None = None,
        background: RGB | None = (0, 0, 0), colours: str = "truecolor",
    ) -> "HalfBlockImage":
        """Fit an RGB picture, aspect kept, into a cells_w x cells_h box (``fit_rgb``);
        ``source``: which map pixel each of its pixels shows (None: each its own)."""
        fitted = fit_rgb(rgb, cells_w, cells_h * 2)
        source = (source or SourceGrid.pixels(*rgb.shape[:2])).resampled(*fitted.shape[:2])
        return cls(fitted, background=background, colours=colours, source=source)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        return self._segments  # every row, each ended by Segment.line()

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width, self.width)

    def rows(self) -> list[list[Segment]]:
        """The segments of each terminal row (for Textual's line API)."""
        return _split_rows(self._segments)


def fitted_map_rgb(values2d: np.ndarray, cmap: str, vmin: float, vmax: float, cells_w: int, cells_h: int) -> np.ndarray:
    """A 2-D map coloured and area-resampled to fit cells_w x cells_h cells (2 px per cell high)."""
    map_h, map_w = np.shape(values2d)
    px_h, px_w = colormap.fit_shape(map_h, map_w, cells_h * 2, cells_w)
    return colormap.to_rgb(colormap.resample_area(values2d, px_h, px_w), cmap, vmin, vmax)


def fit_rgb(rgb: np.ndarray, max_w: int, max_h: int) -> np.ndarray:
    """Resize an RGB image into a pixel box, aspect kept (area averaging).

    Not Pillow's BOX filter: it weighs whole pixels, so a non-integer ratio aliases
    (a fine checkerboard shrunk 150 -> 80 stays 0/255 there, an even grey here)."""
    out_h, out_w = colormap.fit_shape(rgb.shape[0], rgb.shape[1], max_h, max_w)
    if (out_h, out_w) == rgb.shape[:2]:
        return rgb
    planes = [colormap.resample_area(rgb[:, :, c], out_h, out_w) for c in range(3)]
    return np.clip(np.stack(planes, axis=2) + 0.5, 0, 255).astype(np.uint8)


def _split_rows(segments: list[Segment]) -> list[list[Segment]]:
    starts = [0] + [i + 1 for i, segment in enumerate(segments) if segment.text == "\n"]
    return [segments[start : end - 1] for start, end in zip(starts, starts[1:])]


def _checked_rgb(rgb: np.ndarray) -> np.ndarray:
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) array, got shape {rgb.shape}")
    if rgb.dtype != np.uint8:
        raise TypeError(f"expected uint8 pixels, got {rgb.dtype}")
    return rgb


def _checked_source(source: SourceGrid, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if source.shape != rgb.shape[:2]:
        raise ValueError(f"source grid {source.shape} does not match the picture's {rgb.shape[:2]}")
    return source.rows, source.cols


def _build_segments(colours: np.ndarray, pad_colour: int | None, cache: "_StyleCache") -> list[Segment]:
    run_keys = _run_keys(_cell_keys(colours, pad_colour))
    get = cache.segments.get
    return [get(key) or cache.remember_segment(key) for key in run_keys.tolist()]


def _packed_rgb(rgb: np.ndarray) -> np.ndarray:
    return (
        (rgb[..., 0].astype(np.uint64) << np.uint64(16))
        | (rgb[..., 1].astype(np.uint64) << np.uint64(8))
        | rgb[..., 2].astype(np.uint64)
    )


def _cell_keys(colours: np.ndarray, pad_colour: int | None) -> np.ndarray:
    """(rows, W) uint64 colour-pair keys from (H, W) colour numbers, padding an odd last row."""
    packed = colours.astype(np.uint64, copy=False)
    if packed.shape[0] % 2:
        pad_value = _DEFAULT_BG if pad_colour is None else pad_colour
        pad = np.full((1, packed.shape[1]), pad_value, dtype=np.uint64)
        packed = np.concatenate([packed, pad])
    return (packed[0::2] << np.uint64(_PAIR_SHIFT)) | packed[1::2]


def _run_keys(cell_keys: np.ndarray) -> np.ndarray:
    """Flat run keys in drawing order, with _NEWLINE_KEY after each row."""
    rows, width = cell_keys.shape
    if cell_keys.size == 0:
        return np.full(rows, _NEWLINE_KEY, dtype=np.uint64)  # zero-width rows
    is_run_start = np.ones(cell_keys.shape, dtype=bool)
    is_run_start[:, 1:] = cell_keys[:, 1:] != cell_keys[:, :-1]
    is_run_start[:, ::_MAX_RUN] = True
    starts = np.flatnonzero(is_run_start)
    lengths = np.diff(starts, append=rows * width)
    keys = (cell_keys.ravel()[starts] << np.uint64(_LENGTH_BITS)) | lengths.astype(np.uint64)
    last_run_of_row = np.flatnonzero((starts + lengths) % width == 0)
    return np.insert(keys, last_run_of_row + 1, np.uint64(_NEWLINE_KEY))


# Shared across images: colormap pictures reuse the same few thousand runs,
# and a shared Style keeps the ANSI codes Rich caches on it from frame to frame.
# One cache per colour mode: the same number means 0xRRGGBB in one, an index in the other.
_MAX_CACHED = 1 << 15  # about 16 MB when full


class _StyleCache:
    def __init__(self, make_color) -> None:
        self.make_color = make_color
        self.segments: dict[int, Segment] = {}
        self.styles: dict[int, tuple[str, Style]] = {}
        self.colors: dict[int, Color] = {}

    def clear(self) -> None:
        for cache in (self.segments, self.styles, self.colors):
            cache.clear()

    def remember_segment(self, run_key: int) -> Segment:
        if len(self.segments) >= _MAX_CACHED:
            self.segments.clear()
        if run_key == _NEWLINE_KEY:
            segment = Segment.line()
        else:
            glyph, style = self.glyph_and_style(run_key >> _LENGTH_BITS)
            segment = Segment(glyph * (run_key & _MAX_RUN), style)
        self.segments[run_key] = segment
        return segment

    def glyph_and_style(self, pair: int) -> tuple[str, Style]:
        cached = self.styles.get(pair)
        if cached is None:
            if len(self.styles) >= _MAX_CACHED:
                self.styles.clear()
            cached = self.styles[pair] = self._make_glyph_and_style(pair)
        return cached

    def _make_glyph_and_style(self, pair: int) -> tuple[str, Style]:
        top, bottom = pair >> _PAIR_SHIFT, pair & ((1 << _PAIR_SHIFT) - 1)
        if bottom == _DEFAULT_BG:
            return UPPER_HALF, Style.from_color(self.color(top))
        if top == bottom:
            # A space with only a background is shorter on the wire than "▀" with both.
            return " ", Style.from_color(bgcolor=self.color(bottom))
        return UPPER_HALF, Style.from_color(self.color(top), self.color(bottom))

    def color(self, number: int) -> Color:
        color = self.colors.get(number)
        if color is None:
            if len(self.colors) >= _MAX_CACHED:
                self.colors.clear()
            color = self.colors[number] = self.make_color(number)
        return color


def _rgb_color(packed: int) -> Color:
    return Color.from_rgb(packed >> 16, (packed >> 8) & 0xFF, packed & 0xFF)


_CACHES = {"truecolor": _StyleCache(_rgb_color), "256": _StyleCache(Color.from_ansi)}


def _pack(rgb: Iterable[int]) -> int:
    red, green, blue = (int(channel) for channel in rgb)
    return (red << 16) | (green << 8) | blue
