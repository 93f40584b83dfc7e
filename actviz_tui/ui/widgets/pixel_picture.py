"""A HeatmapView's picture in real pixels: one textual-image widget (Kitty graphics or Sixel).

Imported only in a pixel tier, after ``graphics_tier.choose_tier`` has let
textual-image ask the terminal (its modules query it when first imported).
The picture is built at the terminal's own pixel size and padded to whole
cells, so textual-image sends it as it is, without scaling it again.
"""

from __future__ import annotations

import numpy as np
from PIL import Image
from textual.widget import Widget


class PixelPicture:
    """The widget a HeatmapView shows its picture in, and where that picture sits."""

    def __init__(self, tier: str) -> None:
        from textual_image.widget import SixelImage, TGPImage

        self.tier = tier
        self.widget: Widget = TGPImage() if tier == "kitty" else SixelImage()
        self.widget.display = False
        self.cell = cell_pixels()
        self.cells = (0, 0)  # (wide, high) in cells of the picture on show
        self.padding = (0, 0)  # (top, left) pixels added around it to fill whole cells
        self.source_shape = (0, 0)  # (h, w) of the picture before padding

    def pixel_box(self, width: int, height: int) -> tuple[int, int]:
        """(wide, high) pixels of a box of width x height cells."""
        return width * self.cell[0], height * self.cell[1]

    def show(self, rgb: np.ndarray, width: int, height: int, background: tuple[int, int, int]) -> None:
        """Put an (H, W, 3) uint8 picture, at most the box's pixels, in the middle of a width x height box."""
        padded, self.padding = pad_to_cells(rgb, self.cell, background)
        self.source_shape = rgb.shape[:2]
        self.cells = (padded.shape[1] // self.cell[0], padded.shape[0] // self.cell[1])
        styles = self.widget.styles
        styles.width, styles.height = self.cells
        styles.offset = (max((width - self.cells[0]) // 2, 0), max((height - self.cells[1]) // 2, 0))
        self.widget.display = True
        self.widget.image = Image.fromarray(padded)  # type: ignore[attr-defined]

    def hide(self) -> None:
        self.cells = (0, 0)
        self.widget.display = False
        self.widget.image = None  # type: ignore[attr-defined]

    def release(self) -> None:
        """Free the terminal's copy of a Kitty picture (a Sixel one is not kept there)."""
        if self.tier == "kitty":
            self.widget.image = None  # type: ignore[attr-defined]  # textual-image deletes it

    def pixel_under(self, column: int, row: int) -> tuple[int, int]:
        """(y, x) in the unpadded picture of the middle of a cell of the picture (0, 0 = its corner)."""
        cell_w, cell_h = self.cell
        top, left = self.padding
        return row * cell_h + cell_h // 2 - top, column * cell_w + cell_w // 2 - left


def cell_pixels() -> tuple[int, int]:
    """(wide, high) pixels of a terminal cell, as textual-image measured it (and scales to)."""
    from textual_image._terminal import get_cell_size  # no public name for it; cached after the first ask

    size = get_cell_size()
    return max(size.width, 1), max(size.height, 1)


def pad_to_cells(
    rgb: np.ndarray, cell: tuple[int, int], background: tuple[int, int, int]
) -> tuple[np.ndarray, tuple[int, int]]:
    """The picture centred on a background of whole cells, and its (top, left) offset there."""
    cell_w, cell_h = cell
    height, width = rgb.shape[:2]
    padded_h, padded_w = -(-height // cell_h) * cell_h, -(-width // cell_w) * cell_w
    if (padded_h, padded_w) == (height, width):
        return rgb, (0, 0)
    top, left = (padded_h - height) // 2, (padded_w - width) // 2
    padded = np.empty((padded_h, padded_w, 3), dtype=np.uint8)
    padded[...] = background
    padded[top : top + height, left : left + width] = rgb
    return padded, (top, left)
