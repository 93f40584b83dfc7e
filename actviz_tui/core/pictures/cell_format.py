"""How layer-table cells read, in the explorer and in ``actviz summary``.

Numbers are rounded to 3 significant digits, never cut; counts shrink to
``18.5k``/``3.2M``; dead channels read ``2/32``; type names fit in
``TYPE_WIDTH`` characters; long layer names lose the prefix they share with the
rows around them first, so that what tells them apart stays in view.
"""

from __future__ import annotations

import math
import re

TYPE_WIDTH = 10  # the Type column's most; the full class name is in the layer's detail line
# Applied in order to a Keras class name longer than TYPE_WIDTH, until it fits:
# BatchNormalization -> BatchNorm, GlobalAveragePooling2D -> GAvgPool2D, ...
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
    ("MultiHeadAttention", "MHA"),
    ("SpatialDropout", "SDropout"),
    ("Stochastic", "Stoch"),
    ("Cropping", "Crop"),
    ("Distributed", "Dist"),
    ("Bidirectional", "BiDir"),
    ("Random", "Rand"),
    ("Rotation", "Rot"),
    ("Translation", "Transl"),
    ("Brightness", "Bright"),
    ("Contrast", "Contr"),
    ("Gaussian", "Gauss"),
    ("Global", "G"),
    ("Dropout", "Drop"),
    ("Activity", "Act"),
    ("Regularization", "Reg"),
    ("Integer", "Int"),
    ("Category", "Cat"),
    ("Encoding", "Enc"),
)
COUNT_UNITS = ("", "k", "M", "G", "T")
ELLIPSIS = "…"


def short_type(type_name: str) -> str:
    """The layer class in at most TYPE_WIDTH characters: long words abbreviated (one
    table: TYPE_ABBREVIATIONS), a name still too long elided in the middle."""
    for long, short in TYPE_ABBREVIATIONS:
        if len(type_name) <= TYPE_WIDTH:
            break
        type_name = type_name.replace(long, short)
    return elide_middle(type_name, TYPE_WIDTH)


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


def format_scan_dead(dead: int, channels: int) -> str:
    """``3/64 scan``: channels never above 0 on a scanned dataset, of all (``0/64 scan`` too:
    the scan says so, not this image)."""
    return f"{dead}/{channels} scan"


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


def elide_name(name: str, width: int, neighbours: tuple[str, ...] = ()) -> str:
    """A layer name in at most ``width`` characters that still reads apart from its
    ``neighbours`` (the rows around it in the table).

    Names of one block share a prefix and differ towards the end (``conv2_block1_concat``,
    ``conv2_block2_concat``), so the prefix goes first: ``…block1_concat``. Only when that
    tail reads like a neighbour's (the same role in the next block) is the word where they
    differ kept too, before the tail: ``…k_0…wise_conv``.
    """
    if len(name) <= width:
        return name
    if width <= 2:
        return ELLIPSIS[:width]
    keep = width - 1
    tail = name[len(name) - keep:]
    alike = [other for other in neighbours if other[len(other) - keep:] == tail]
    if not alike:
        return ELLIPSIS + tail
    start, end = _differing_word(name, max(_common_prefix(name, other) for other in alike))
    middle = name[max(0, start - 2):end]
    rest = width - len(middle) - 2
    if rest < 3 or end >= len(name) - rest:  # no room for both: the differing part wins
        return ELLIPSIS + name[max(0, end - keep):end] if end < len(name) else ELLIPSIS + tail
    lead = ELLIPSIS if start - 2 > 0 else ""
    return lead + middle + ELLIPSIS + name[len(name) - rest - (1 - len(lead)):]


def _differing_word(name: str, position: int) -> tuple[int, int]:
    """The run of digits, or of letters, around ``position``: where two names part."""
    position = min(position, len(name) - 1)
    digit = name[position].isdigit()
    start = end = position
    while start > 0 and name[start - 1].isalnum() and name[start - 1].isdigit() == digit:
        start -= 1
    while end < len(name) and name[end].isalnum() and name[end].isdigit() == digit:
        end += 1
    return start, end


def _common_prefix(a: str, b: str) -> int:
    length = 0
    for x, y in zip(a, b):
        if x != y:
            break
        length += 1
    return length


def index_ranges(indices, separator: str = ", ") -> str:
    """``0-3, 7, 9-10``: sorted indices with runs written as ranges, none left out."""
    runs: list[list[int]] = []
    for index in sorted(int(i) for i in indices):
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    return separator.join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def compress_names(names) -> list[str]:
    """Names that differ in one number only, written once: ``stage_2_block_{0-8}_identity``.

    The rest keep their order; nothing is left out (a chain of ``x + f(x)`` feeds a
    layer from every block before it, and the list stays readable).
    """
    remaining = list(dict.fromkeys(names))
    compressed: list[str] = []
    while remaining:
        tokens = _tokens(remaining[0])
        best, position = [remaining[0]], -1
        for p in (i for i, token in enumerate(tokens) if token.isdigit()):
            members = [name for name in remaining if _differs_only_at(_tokens(name), tokens, p)]
            if len(members) > len(best):
                best, position = members, p
        if position >= 0:
            numbers = index_ranges((_tokens(name)[position] for name in best), ",")
            compressed.append(f"{''.join(tokens[:position])}{{{numbers}}}{''.join(tokens[position + 1:])}")
        else:
            compressed.append(remaining[0])
        remaining = [name for name in remaining if name not in best]
    return compressed


def _tokens(name: str) -> list[str]:
    return re.findall(r"\d+|\D+", name)


def _differs_only_at(tokens: list[str], reference: list[str], position: int) -> bool:
    return len(tokens) == len(reference) and tokens[position].isdigit() and all(
        a == b for i, (a, b) in enumerate(zip(tokens, reference)) if i != position
    )
