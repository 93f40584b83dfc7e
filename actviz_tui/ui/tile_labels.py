"""Channel numbers stamped into grid tiles: a 3x5-pixel digit font, pure numpy.

A half-block cell is 1 pixel wide and 2 tall, so a digit takes 3 columns and
3 rows of cells; the number sits on a dark box in the tile's top-left corner.
``scale`` draws each font pixel as scale x scale pixels (real-pixel terminals),
so a label covers the same cells there.
"""

from __future__ import annotations

import numpy as np

GLYPH_W, GLYPH_H = 3, 5
ADVANCE = GLYPH_W + 1  # one blank column between digits
MARGIN = 1
INK_RGB = (255, 255, 255)
BOX_RGB = (0, 0, 0)

_ROWS = {
    "0": ("111", "101", "101", "101", "111"),
    "1": ("010", "110", "010", "010", "111"),
    "2": ("111", "001", "111", "100", "111"),
    "3": ("111", "001", "111", "001", "111"),
    "4": ("101", "101", "111", "001", "001"),
    "5": ("111", "100", "111", "001", "111"),
    "6": ("111", "100", "111", "101", "111"),
    "7": ("111", "001", "010", "010", "010"),
    "8": ("111", "101", "111", "101", "111"),
    "9": ("111", "101", "111", "001", "111"),
}
GLYPHS = {digit: np.array([[c == "1" for c in row] for row in rows]) for digit, rows in _ROWS.items()}


def label_size(number: int, scale: int = 1) -> tuple[int, int]:
    """(height, width) in pixels of the boxed label for ``number``."""
    digits = len(str(number))
    return (GLYPH_H + 2 * MARGIN) * scale, (digits * ADVANCE - 1 + 2 * MARGIN) * scale


def fits(number: int, tile_h: int, tile_w: int, scale: int = 1) -> bool:
    """A label only where it covers at most half the tile's width and height."""
    height, width = label_size(number, scale)
    return 2 * height <= tile_h and 2 * width <= tile_w


def stamp_number(rgb: np.ndarray, y: int, x: int, number: int, scale: int = 1) -> None:
    """Draw ``number`` boxed at pixel (y, x) of ``rgb`` (in place)."""
    height, width = label_size(number, scale)
    rgb[y : y + height, x : x + width] = BOX_RGB
    for i, digit in enumerate(str(number)):
        top, left = y + MARGIN * scale, x + (MARGIN + i * ADVANCE) * scale
        ink = np.kron(GLYPHS[digit], np.ones((scale, scale), dtype=bool))
        block = rgb[top : top + GLYPH_H * scale, left : left + GLYPH_W * scale]
        block[ink] = INK_RGB
