"""Figure plumbing shared by every builder: a new Agg figure, PNG bytes, input
checks, titles wrapped to the figure's width, colormaps and colour ranges.

Nothing here touches ``matplotlib.pyplot`` (no global figure registry, no
display needed over SSH).
"""

from __future__ import annotations

import textwrap
from io import BytesIO
from typing import Literal

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Colormap
from matplotlib.figure import Figure

from actviz_tui.core.pictures import colormap
from actviz_tui.core.pictures.value_ranges import finite_range

DEFAULT_DPI = 150
# zlib level 1 encodes several times faster than the default 6, for files
# only a little larger (activation maps are smooth).
PNG_COMPRESS_LEVEL = 1


def render_png_bytes(fig: Figure, dpi: int = DEFAULT_DPI) -> bytes:
    """The figure as PNG bytes (Agg, no pyplot); the size is figsize x dpi exactly."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
    return buffer.getvalue()


def new_figure(width_in: float, height_in: float, layout: Literal["constrained"] | None = None) -> Figure:
    fig = Figure(figsize=(width_in, height_in), layout=layout)
    FigureCanvasAgg(fig)
    return fig


def as_array(values: np.ndarray, *, ndim: int, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float32)
    if array.ndim != ndim or array.size == 0:
        raise ValueError(f"expected a non-empty {ndim}-D {what}, got shape {array.shape}")
    return array


# --------------------------------------------------------------------------
# Colour scales


def display_range(
    values: np.ndarray,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    layer_range: tuple[float | None, float | None] | None = None,
) -> tuple[float, float]:
    """(low, high) for colouring ``values``, the explorer's rule
    (``colormap.value_range``: symmetric about 0 for a diverging colormap, a
    constant map at the bottom colour, a channel near-flat against ``layer_range``
    flat too); explicit overrides win."""
    low, high = colormap.value_range(values, symmetric=colormap.is_diverging(cmap), layer_range=layer_range)
    low = low if vmin is None else float(vmin)
    high = high if vmax is None else float(vmax)
    return (low, high) if high > low else (low, low + 1.0)


def named_colormap(name: str) -> Colormap:
    """The matplotlib colormap ``name``, with NaN drawn as the white background."""
    try:
        base = matplotlib.colormaps[name]
    except KeyError:
        raise ValueError(f"unknown colormap {name!r}") from None
    # NaN marks mosaic padding and empty cells: draw it as the background.
    return base.with_extremes(bad="white")


def side_colorbar(fig: Figure, ax, drawn, label: str, axes_width_in: float) -> None:
    """A colorbar exactly as tall as the (aspect-locked) image, about 0.2 in wide.

    An inset axes follows the image's drawn box; ``fig.colorbar(ax=...)``
    would follow the layout slot instead and overhang a non-square image.
    """
    axes_width_in = max(axes_width_in, 0.5)
    cax = ax.inset_axes((1.0 + 0.1 / axes_width_in, 0.0, 0.2 / axes_width_in, 1.0))
    fig.colorbar(drawn, cax=cax, label=label)


# --------------------------------------------------------------------------
# Text


def range_text(values: np.ndarray) -> str:
    low, high = finite_range(values)
    return "no finite values" if low is None else f"min {low:.3g} \u00b7 max {high:.3g}"


def size_and_range(values: np.ndarray) -> str:
    return f"{values.shape[0]}\u00d7{values.shape[1]} \u00b7 {range_text(values)}"


def wrap(text: str, width_in: float, fontsize: float, max_lines: int = 3) -> str:
    """Wrap ``text`` to fit ``width_in`` inches at ``fontsize`` points (roughly)."""
    chars_per_line = max(12, int(width_in * 72 / (fontsize * 0.6)))
    return "\n".join(textwrap.wrap(text, chars_per_line, max_lines=max_lines, placeholder="\u2026")) or text
