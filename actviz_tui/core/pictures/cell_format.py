"""How layer-table cells read, in the explorer and in ``actviz summary``.

Numbers are rounded to 3 significant digits, never cut; counts shrink to
``18.5k``/``3.2M``; dead channels read ``2/32``; long type names and layer
names get shorter without losing what tells them apart.
"""

from __future__ import annotations

import math

# Applied in order to a Keras class name: BatchNormalization -> BatchNorm, ...
TYPE_ABBREVIATIONS = (
    ("Normalization", "Norm"),
    ("Average", "Avg"),
    ("Pooling", "Pool"),
    ("Depthwise", "DW"),
    ("Separable", "Sep"),
    ("ZeroPadding", "ZeroPad"),
    ("UpSampling", "UpSample"),
    ("Transpose", "T"),
    ("Concatenate", "Concat"),
    ("MultiHeadAttention", "MHAttention"),
    ("SpatialDropout", "SpatialDrop"),
    ("Cropping", "Crop"),
)
COUNT_UNITS = ("", "k", "M", "G", "T")
ELLIPSIS = "…"


def short_type(type_name: str) -> str:
    """The layer class with long words abbreviated (one table: TYPE_ABBREVIATIONS)."""
    for long, short in TYPE_ABBREVIATIONS:
        type_name = type_name.replace(long, short)
    return type_name


def format_number(value: float) -> str:
    """3 significant digits, rounded: 0.229, -0.00123, 123, 1.23e3, 1.23e-5."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = f"{value:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return "0" if text == "-0" else text


def format_count(count: int) -> str:
    """Whole below 1000, else 3 significant digits and a unit: 18.5k, 3.2M, 23.6M."""
    if abs(count) < 1000:
        return str(count)
    for power, unit in enumerate(COUNT_UNITS[1:], start=1):
        text = f"{count / 1000 ** power:.3g}"
        if abs(float(text)) < 1000 or unit == COUNT_UNITS[-1]:
            return text + unit
    return str(count)


def format_percent(fraction: float) -> str:
    """Whole percent; a share that rounds to 0% or 100% but is not says <1% / >99%."""
    if 0 < fraction < 0.005:
        return "<1%"
    if 0.995 <= fraction < 1:
        return ">99%"
    return f"{fraction:.0%}"


def format_dead(dead: int, channels: int) -> str:
    """``2/32``: channels that are zero everywhere, of all; empty when none is."""
    return f"{dead}/{channels}" if dead else ""


def format_shape(shape: tuple) -> str:
    """A shape without its batch axis as ``HxWxC``; ``?`` for an unknown size."""
    return "x".join("?" if dim is None else str(dim) for dim in shape) or "scalar"


def elide_middle(text: str, width: int) -> str:
    """``text`` in at most ``width`` characters, its middle replaced by an ellipsis."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    head = (width - 1) // 2
    tail = width - 1 - head
    return text[:head] + ELLIPSIS + text[len(text) - tail:]
