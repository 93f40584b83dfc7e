"""Rectangles drawn over a picture once it is fitted to the screen: the probe's cursor, a receptive field.

A mark is given in the source's pixels (a map's positions, an input image's pixels) and
drawn in the fitted picture's pixels, so a one-pixel line stays one screen pixel wide
however much the picture was shrunk or grown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

RGB = tuple[int, int, int]
FIELD_COLOUR: RGB = (255, 0, 255)  # magenta: on no colormap and rare in photos and X-rays


@dataclass(frozen=True)
class Outline:
    """A rectangle of source pixels: rows [top, bottom), cols [left, right)."""

    top: int
    left: int
    bottom: int
    right: int
    colour: RGB | None = None  # None: black or white, whichever stands out from the pixel under it
    around: bool = False  # drawn just outside the rectangle (a probed cell keeps its colour), else on its edge


def draw_outlines(rgb: np.ndarray, source_hw: tuple[int, int], outlines, thickness: int = 1) -> np.ndarray:
    """A copy of the fitted picture ``rgb`` (H, W, 3) with each outline drawn; ``source_hw``: the
    size of the picture the outlines are given in. A rectangle is clipped to the picture."""
    if not outlines:
        return rgb
    marked = rgb.copy()
    for outline in outlines:
        box = fitted_box(outline, source_hw, rgb.shape[:2], thickness if outline.around else 0)
        _draw_ring(marked, box, thickness, outline.colour)
    return marked


def fitted_box(outline: Outline, source_hw: tuple[int, int], fitted_hw: tuple[int, int],
               grow: int = 0) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) in fitted pixels, at least one pixel, grown by ``grow``, clipped."""
    (source_h, source_w), (fitted_h, fitted_w) = source_hw, fitted_hw
    top, bottom = _scaled(outline.top, outline.bottom, fitted_h / source_h)
    left, right = _scaled(outline.left, outline.right, fitted_w / source_w)
    top, left = max(top - grow, 0), max(left - grow, 0)
    return top, left, min(bottom + grow, fitted_h), min(right + grow, fitted_w)


def _scaled(start: int, stop: int, scale: float) -> tuple[int, int]:
    first = int(math.floor(start * scale + 1e-9))
    return first, max(int(math.ceil(stop * scale - 1e-9)), first + 1)


def _draw_ring(rgb: np.ndarray, box: tuple[int, int, int, int], thickness: int, colour: RGB | None) -> None:
    top, left, bottom, right = box
    if bottom <= top or right <= left:
        return
    ring = np.zeros(rgb.shape[:2], dtype=bool)
    ring[top:bottom, left:right] = True
    ring[top + thickness:bottom - thickness, left + thickness:right - thickness] = False
    if colour is None:
        light = rgb[ring].astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32) > 128
        rgb[ring] = np.where(light[:, None], 0, 255).astype(rgb.dtype)
    else:
        rgb[ring] = colour
