"""Where a top image is cropped: the receptive field of the channel's peak, in input pixels."""

from __future__ import annotations

import math

import numpy as np

from actviz_tui.core.analysis.receptive_field import ReceptiveField

Box = tuple[int, int, int, int]  # (top, left, bottom, right), bottom and right exclusive


def crop_box(image_hw: tuple[int, int], map_hw: tuple | None, y: int | None, x: int | None,
             field: ReceptiveField | None) -> Box:
    """The box of ``image_hw`` that position (y, x) of a ``map_hw`` map sees.

    Centred where the field says position (y, x) looks (``ReceptiveField.centre``: its
    offset + position * jump, from kernels, strides and padding), as tall and wide as the
    field, clipped to the image; a field without an offset is centred at
    ((y + 0.5) * H / map_h, (x + 0.5) * W / map_w), the map stretched over the image.
    The whole image when the field is unknown or whole, the map size unknown, or no
    position was kept (a layer without maps).
    """
    height, width = int(image_hw[0]), int(image_hw[1])
    whole = (0, 0, height, width)
    if field is None or field.whole or len(field.size) != 2 or y is None or x is None:
        return whole
    if map_hw is None or len(map_hw) != 2 or None in map_hw or 0 in map_hw:
        return whole
    if len(field.offset) == 2:
        centre_y, centre_x = (c + 0.5 for c in field.centre((y, x)))  # pixel k's centre is k + 0.5 here
    else:
        centre_y, centre_x = (y + 0.5) * height / map_hw[0], (x + 0.5) * width / map_hw[1]
    top, bottom = _span(centre_y, field.size[0], height)
    left, right = _span(centre_x, field.size[1], width)
    return top, left, bottom, right


def _span(centre: float, size: float, extent: int) -> tuple[int, int]:
    """[start, stop) of ``size`` pixels centred at ``centre``, clipped to [0, extent); at least one pixel."""
    size = max(1, int(math.floor(size + 0.5)))
    start = int(math.floor(centre - size / 2 + 0.5))
    stop = start + size
    start, stop = max(start, 0), min(stop, extent)
    if stop <= start:  # a centre outside the image (a map larger than it): its nearest pixel
        start = min(max(int(centre), 0), extent - 1)
        stop = start + 1
    return start, stop


def crop(picture: np.ndarray, box: Box) -> np.ndarray:
    top, left, bottom, right = box
    return picture[top:bottom, left:right]
