"""A widget that draws a 2-D map (or an RGB image) with the half-block renderer."""

from __future__ import annotations

import textwrap

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from actviz_tui.core.pictures import colormap
from actviz_tui.ui.colour_notice import announce_colours_once
from actviz_tui.ui.widgets.halfblock import HalfBlockImage


class HeatmapView(Widget):
    """Fills its box with the map, aspect ratio kept, area-averaged, never cropped.

    The picture is built lazily at paint time, so a burst of key presses
    renders once, for the final selection. Rows go to Textual as ready-made
    strips (the line API), centred in the box, skipping Rich's line splitting.
    """

    DEFAULT_CSS = """
    HeatmapView { width: 1fr; height: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._values: np.ndarray | None = None
        self._rgb: np.ndarray | None = None
        self._cmap = "viridis"
        self._range = (0.0, 1.0)
        self._picture_key: tuple | None = None
        self._version = 0  # bumped on every new picture: ids of freed arrays get reused
        self._picture: HalfBlockImage | None = None
        self._strips: list[Strip] = []
        self.placeholder = ""

    def show_values(self, values: np.ndarray, cmap: str, vmin: float, vmax: float) -> None:
        self._version += 1
        self._values, self._rgb = values, None
        self._cmap, self._range = cmap, (vmin, vmax)
        self.refresh()

    def show_rgb(self, rgb: np.ndarray) -> None:
        """An RGB picture (input preview, channel grid); fitted like a map."""
        self._version += 1
        self._values, self._rgb = None, rgb
        self.refresh()

    def clear(self, placeholder: str = "") -> None:
        self._version += 1
        self._values = self._rgb = None
        self.placeholder = placeholder
        self.refresh()

    @property
    def picture_size(self) -> tuple[int, int]:
        """(cells wide, rows high) of the current picture, (0, 0) if none."""
        picture = self._picture
        return (picture.width, picture.height) if picture else (0, 0)

    def picture_offset(self) -> tuple[int, int]:
        """(x, y) cell where the centred picture starts in the content box."""
        width, height = self.content_size
        picture_w, picture_h = self.picture_size
        return (max((width - picture_w) // 2, 0), max((height - picture_h) // 2, 0))

    def get_line_filters(self) -> list[LineFilter]:
        return without_ansi_conversion(super().get_line_filters())

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        if self._picture is None:
            text = wrapped(self.placeholder, width)
            line = text[y] if y < len(text) else ""
            return Strip([Segment(line[:width], Style(dim=True))]).extend_cell_length(width)
        return self._strips[y] if y < len(self._strips) else Strip.blank(width)

    def render_lines(self, crop: Region) -> list[Strip]:
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

    def _current_picture(self) -> HalfBlockImage | None:
        width, height = self.content_size
        if width < 1 or height < 1 or (self._values is None and self._rgb is None):
            self._picture = None
            return None
        key = (self._version, width, height)
        if key != self._picture_key:
            self._picture = self._build(width, height)
            self._strips = centred_strips(self._picture, width, height, self.rich_style)
            self._picture_key = key
        return self._picture

    def _build(self, width: int, height: int) -> HalfBlockImage:
        colours = colour_mode(self)
        announce_colours_once(self)
        if self._values is not None:
            vmin, vmax = self._range
            return HalfBlockImage.from_values(self._values, self._cmap, vmin, vmax, width, height, colours=colours)
        assert self._rgb is not None  # _current_picture builds only with values or a picture
        return HalfBlockImage(fit_rgb(self._rgb, width, height * 2), colours=colours)


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


def fit_rgb(rgb: np.ndarray, max_w: int, max_h: int) -> np.ndarray:
    """Resize an RGB image into a pixel box, aspect kept (area averaging).

    Not Pillow's BOX filter: it weighs whole pixels, so a non-integer ratio aliases
    (a fine checkerboard shrunk 150 -> 80 stays 0/255 there, an even grey here)."""
    out_h, out_w = colormap.fit_shape(rgb.shape[0], rgb.shape[1], max_h, max_w)
    if (out_h, out_w) == rgb.shape[:2]:
        return rgb
    planes = [colormap.resample_area(rgb[:, :, c], out_h, out_w) for c in range(3)]
    return np.clip(np.stack(planes, axis=2) + 0.5, 0, 255).astype(np.uint8)
