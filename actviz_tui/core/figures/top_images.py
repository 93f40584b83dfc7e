"""A channel's top images of a dataset scan as one figure: the crops in a grid, each titled
with its file name and score (OpenAI Microscope's "dataset examples")."""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from matplotlib.figure import Figure

from actviz_tui.core.figures.canvas import new_figure, wrap

TILE_IN = 1.8  # each crop's box, titles included
TITLE_IN = 0.7  # the figure's title above the grid
MAX_COLS = 5


def grid_shape(count: int) -> tuple[int, int]:
    """(rows, cols) for ``count`` tiles: near square, at most MAX_COLS wide."""
    cols = max(1, min(MAX_COLS, math.ceil(math.sqrt(max(count, 1)))))
    return max(1, math.ceil(count / cols)), cols


def figure_size(count: int) -> tuple[float, float]:
    """(width, height) in inches of a figure of ``count`` tiles (the PNG is that times the dpi)."""
    rows, cols = grid_shape(count)
    return cols * TILE_IN, rows * TILE_IN + TITLE_IN


def top_images_figure(crops: Sequence[np.ndarray | None], titles: Sequence[str], *, title: str,
                      notes: Sequence[str] = ()) -> Figure:
    """``crops`` (h, w, 3) uint8, best first, each titled; a crop that is None (the file
    could not be read) is an empty tile whose ``notes`` entry says why."""
    rows, cols = grid_shape(len(crops))
    width, height = figure_size(len(crops))
    fig = new_figure(width, height)
    grid = fig.add_gridspec(rows, cols, left=0.02, right=0.98, bottom=0.02, top=1 - (TITLE_IN + 0.1) / height,
                            wspace=0.08, hspace=0.35)
    for slot in range(rows * cols):
        ax = fig.add_subplot(grid[slot // cols, slot % cols])
        ax.set_axis_off()
        if slot >= len(crops):
            continue
        crop = crops[slot]
        if crop is None:
            note = notes[slot] if slot < len(notes) else "not readable"
            ax.text(0.5, 0.5, wrap(note, TILE_IN, 6, max_lines=4), ha="center", va="center", fontsize=6,
                    transform=ax.transAxes)
        else:
            ax.imshow(crop, interpolation="nearest")
        ax.set_title(wrap(titles[slot], TILE_IN, 8, max_lines=2), fontsize=8)
    fig.suptitle(wrap(title, width, 10, max_lines=2), fontsize=10, y=1 - 0.08 / height, va="top")
    return fig
