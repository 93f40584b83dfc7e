"""A widget that draws a 2-D map (or an RGB image): half-blocks, or real pixels in a pixel tier."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Region
from textual.app import ComposeResult
from textual.strip import Strip
from textual.widget import Widget

from actviz_tui.ui.colour_notice import announce_colours_once
from actviz_tui.ui.graphics_tier import HALFBLOCK, PIXEL_TIERS, drawable_tier
from actviz_tui.ui.picture_marks import Outline, draw_outlines
from actviz_tui.ui.source_grid import SourceGrid
from actviz_tui.ui.widgets.halfblock import HalfBlockImage, fit_rgb, fitted_map_rgb

if TYPE_CHECKING:
    from actviz_tui.ui.widgets.pixel_picture import PixelPicture


class HeatmapView(Widget):
    """Fills its box with the map, aspect ratio kept, area-averaged, never cropped.

    The picture is built lazily at paint time, so a burst of key presses
    renders once, for the final selection. Rows go to Textual as ready-made
    strips (the line API), centred in the box, skipping Rich's line splitting.

    In a pixel tier (the app's ``graphics``: kitty or sixel) the picture is
    built at the terminal's pixel size and shown by a textual-image widget
    inside this one, once the frame that found it stale has been drawn.
    """

    DEFAULT_CSS = """
    HeatmapView { width: 1fr; height: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._values: np.ndarray | None = None
        self._rgb: np.ndarray | None = None
        self._source: SourceGrid | None = None  # which source pixel each pixel of _rgb shows
        self._cmap = "viridis"
        self._range = (0.0, 1.0)
        self._outlines: tuple[Outline, ...] = ()  # drawn over the fitted picture
        self._picture_key: tuple | None = None
        self._version = 0  # bumped on every new picture: ids of freed arrays get reused
        self._picture: HalfBlockImage | None = None
        self._strips: list[Strip] = []
        self._pixels: PixelPicture | None = None  # set in a pixel tier
        self.placeholder = ""

    def compose(self) -> ComposeResult:
        tier = drawable_tier(getattr(self.app, "graphics", HALFBLOCK), self.app.console.color_system)
        if tier in PIXEL_TIERS:
            from actviz_tui.ui.widgets.pixel_picture import PixelPicture

            self._pixels = PixelPicture(tier)
            yield self._pixels.widget

    def on_unmount(self) -> None:
        if self._pixels is not None:
            self._pixels.release()

    def show_values(self, values: np.ndarray, cmap: str, vmin: float, vmax: float,
                    outlines: tuple[Outline, ...] = ()) -> None:
        """A 2-D map coloured by ``cmap``; ``outlines`` in map positions (the probe's cursor)."""
        self._version += 1
        self._values, self._rgb, self._outlines = values, None, tuple(outlines)
        self._cmap, self._range = cmap, (vmin, vmax)
        self.refresh()

    def show_rgb(self, rgb: np.ndarray, source: SourceGrid | None = None, outlines: tuple[Outline, ...] = ()) -> None:
        """An RGB picture (input preview, channel grid); fitted like a map.
        ``source``: which map pixel each of its pixels shows (None: each its own);
        ``outlines`` in its pixels (a receptive field on the preview)."""
        self._version += 1
        self._values, self._rgb, self._source, self._outlines = None, rgb, source, tuple(outlines)
        self.refresh()

    def set_outlines(self, outlines: tuple[Outline, ...]) -> None:
        """Draw these rectangles over the picture on show instead of the ones before (none: the plain picture)."""
        if tuple(outlines) != self._outlines:
            self._version += 1
            self._outlines = tuple(outlines)
            self.refresh()

    def clear(self, placeholder: str = "") -> None:
        self._version += 1
        self._values = self._rgb = None
        self.placeholder = placeholder
        self.refresh()

    @property
    def picture_size(self) -> tuple[int, int]:
        """(cells wide, rows high) of the current picture, (0, 0) if none."""
        if self._pixels is not None:
            return self._pixels.cells
        picture = self._picture
        return (picture.width, picture.height) if picture else (0, 0)

    @property
    def zoom(self) -> int:
        """How many times finer than half-blocks a picture can be drawn here, both ways
        (1 with half-blocks: a cell is 1 x 2 pixels)."""
        if self._pixels is None:
            return 1
        cell_w, cell_h = self._pixels.cell
        return max(1, min(cell_w, cell_h // 2))

    def picture_offset(self) -> tuple[int, int]:
        """(x, y) cell where the centred picture starts in the content box."""
        width, height = self.content_size
        picture_w, picture_h = self.picture_size
        return (max((width - picture_w) // 2, 0), max((height - picture_h) // 2, 0))

    def picture_pixel(self, x: int, y: int) -> tuple[int, int] | None:
        """(y, x) in the RGB picture given to ``show_rgb`` under content cell (x, y),
        None off the picture (a half-block cell: its top pixel; a pixel-tier cell: its middle)."""
        left, top = self.picture_offset()
        column, row = x - left, y - top
        shown = self._rgb if self._rgb is not None else self._values  # a map: (row, col) of the map
        if shown is None or not (0 <= column < self.picture_size[0] and 0 <= row < self.picture_size[1]):
            return None
        if self._pixels is not None:
            (shown_y, shown_x), shown_shape = self._pixels.pixel_under(column, row), self._pixels.source_shape
        else:
            shown_y, shown_x, shown_shape = row * 2, column, (self.picture_size[1] * 2, self.picture_size[0])
        source_h, source_w = shown.shape[:2]
        if not (0 <= shown_y < shown_shape[0] and 0 <= shown_x < shown_shape[1]):
            return None
        return shown_y * source_h // shown_shape[0], shown_x * source_w // shown_shape[1]

    def get_line_filters(self) -> list[LineFilter]:
        return without_ansi_conversion(super().get_line_filters())

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if self._pixels is not None and self._has_picture():
            return Strip.blank(width, self.rich_style)  # the picture widget lies over it
        if self._picture is None:
            text = wrapped(self.placeholder, width)
            line = text[y] if y < len(text) else ""
            return Strip([Segment(line[:width], Style(dim=True))]).extend_cell_length(width)
        return self._strips[y] if y < len(self._strips) else Strip.blank(width)

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._pixels is not None:
            self._pixels_wanted()
            return super().render_lines(crop)
        if self._current_picture() is None or self.styles.gutter:
            return super().render_lines(crop)  # placeholder text, or a styled box
        return self._picture_lines(crop)

    def _picture_lines(self, crop: Region) -> list[Strip]:
        """The ready-made strips as they are: Textual's per-line styling pass
        (background, opacity, filters) has nothing to add to opaque RGB cells
        and costs more than building the picture."""
        width = self.size.width
        blank = Strip.blank(width, self.rich_style)
        lines = [self._strips[y] if y < len(self._strips) else blank for y in crop.line_range]
        if crop.column_span != (0, width):
            lines = [line.crop(*crop.column_span) for line in lines]
        return lines

    def _has_picture(self) -> bool:
        return self._values is not None or self._rgb is not None

    def _pixels_wanted(self) -> None:
        """A pixel tier: (re)build the picture after this frame if it or the box changed."""
        key = (self._version, *self.content_size)
        if key != self._picture_key:
            self._picture_key = key
            self.call_after_refresh(self._show_pixels, key)

    def _show_pixels(self, key: tuple) -> None:
        pixels, (width, height) = self._pixels, self.content_size
        if pixels is None or key != self._picture_key:
            return  # a newer picture or box came meanwhile: its own call draws it
        if width < 1 or height < 1 or not self._has_picture():
            pixels.hide()
            return
        rgb = self._fitted_rgb(*pixels.pixel_box(width, height))
        pixels.show(rgb, width, height, self.background_colors[1].rgb)

    def _current_picture(self) -> HalfBlockImage | None:
        width, height = self.content_size
        if width < 1 or height < 1 or not self._has_picture():
            self._picture = None
            return None
        key = (self._version, width, height)
        if key != self._picture_key:
            self._picture = self._build(width, height)
            self._strips = centred_strips(self._picture, width, height, self.rich_style)
            self._picture_key = key
        return self._picture

    def _build(self, width: int, height: int) -> HalfBlockImage:
        """Half-blocks: the map (or picture) dithered at its own resolution in 256 colours."""
        colours = colour_mode(self)
        announce_colours_once(self)
        if self._outlines:
            rgb = self._fitted_rgb(width, height * 2)
            source = self._source if self._values is None else None
            grid = (source or SourceGrid.pixels(*self._shown_shape())).resampled(*rgb.shape[:2])
            return HalfBlockImage(rgb, colours=colours, source=grid)
        if self._values is not None:
            vmin, vmax = self._range
            return HalfBlockImage.from_values(self._values, self._cmap, vmin, vmax, width, height, colours=colours)
        assert self._rgb is not None  # _current_picture builds only with values or a picture
        return HalfBlockImage.from_rgb(self._rgb, width, height, colours=colours, source=self._source)

    def _shown_shape(self) -> tuple[int, int]:
        shown = self._values if self._values is not None else self._rgb
        assert shown is not None  # asked only while a picture is on show
        return shown.shape[0], shown.shape[1]

    def _fitted_rgb(self, pixels_w: int, pixels_h: int) -> np.ndarray:
        """The map coloured, or the RGB picture, fitted into a pixel box (aspect kept), outlines drawn."""
        if self._values is not None:
            vmin, vmax = self._range
            rgb = fitted_map_rgb(self._values, self._cmap, vmin, vmax, pixels_w, pixels_h // 2)
        else:
            assert self._rgb is not None  # built only with values or a picture
            rgb = fit_rgb(self._rgb, pixels_w, pixels_h)
        if not self._outlines:
            return rgb
        return draw_outlines(rgb, self._shown_shape(), self._outlines, max(1, self.zoom // 3))


def colour_mode(widget: Widget) -> str:
    """"256" when the terminal has 256 colours (pictures are then dithered), else "truecolor"."""
    return "256" if widget.app.console.color_system == "256" else "truecolor"


def without_ansi_conversion(filters) -> list[LineFilter]:
    """Our colours are final: RGB, or palette indices that Textual's ANSI filter
    would turn back into RGB (and it would re-copy every segment of every frame)."""
    return [f for f in filters if not isinstance(f, ANSIToTruecolor)]


def wrapped(text: str, width: int) -> list[str]:
    lines = []
    for paragraph in text.splitlines():
        lines.extend(textwrap.wrap(paragraph, max(width, 1)) or [""])
    return lines


def centred_strips(picture: HalfBlockImage, width: int, height: int, background: Style | None = None) -> list[Strip]:
    left = max((width - picture.width) // 2, 0)
    right = max(width - left - picture.width, 0)
    top = (height - picture.height) // 2
    pad_left = [Segment(" " * left, background)] if left else []
    pad_right = [Segment(" " * right, background)] if right else []
    body = [Strip(pad_left + row + pad_right, left + picture.width + right) for row in picture.rows()]
    return [Strip.blank(width, background)] * top + body
