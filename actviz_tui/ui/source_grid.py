"""Which source pixel each pixel of a picture shows: what 256-colour dithering is keyed to.

A map of 7x7 drawn 40 pixels wide repeats each of its pixels over a block;
dithering those pixels one by one would draw a texture inside each block.
A ``SourceGrid`` labels a picture's rows and columns by the source row and
column they show (run labels: 0, 0, 0, 1, 1, 2, ...), and the dither is keyed
to the labels, not to the pixels. A shrunk axis is its own source: each of its
pixels is an average of several.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actviz_tui.core.pictures import colormap


def run_labels(keys: np.ndarray) -> np.ndarray:
    """0 for the first key, then one more wherever the key changes."""
    keys = np.asarray(keys)
    labels = np.zeros(len(keys), dtype=np.intp)
    if len(keys) > 1:
        np.cumsum(keys[1:] != keys[:-1], out=labels[1:])
    return labels


@dataclass(frozen=True, eq=False)
class SourceGrid:
    """Run labels of a picture's rows (H,) and columns (W,): neighbouring rows
    with one label show one source row, and likewise columns."""

    rows: np.ndarray
    cols: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.rows), len(self.cols)

    @classmethod
    def pixels(cls, height: int, width: int) -> "SourceGrid":
        """Every pixel its own source."""
        return cls(np.arange(height), np.arange(width))

    @classmethod
    def resampled_map(cls, map_h: int, map_w: int, out_h: int, out_w: int) -> "SourceGrid":
        """A map_h x map_w map after ``colormap.resample_area`` to out_h x out_w."""
        return cls.pixels(map_h, map_w).resampled(out_h, out_w)

    def resampled(self, out_h: int, out_w: int) -> "SourceGrid":
        """This picture after ``colormap.resample_area`` to out_h x out_w: a growing
        axis repeats its rows (or columns), a shrinking one makes new ones."""
        return SourceGrid(_resampled_axis(self.rows, out_h), _resampled_axis(self.cols, out_w))

    @classmethod
    def tiled(cls, rows: int, cols: int, gap: int, tile_rows: np.ndarray, tile_cols: np.ndarray) -> "SourceGrid":
        """A page of rows x cols tiles ``gap`` pixels apart (``core.pictures.mosaic``),
        each tile showing source row tile_rows[y] at its row y (and columns alike)."""
        return cls(_tiled_axis(rows, gap, tile_rows), _tiled_axis(cols, gap, tile_cols))


def _resampled_axis(labels: np.ndarray, n_out: int) -> np.ndarray:
    if n_out < len(labels):
        return np.arange(n_out)
    return run_labels(labels[colormap.repeated_cells(len(labels), n_out)])


def _tiled_axis(count: int, gap: int, sources: np.ndarray) -> np.ndarray:
    """Labels along one axis of a page: each tile's sources, each gap pixel its own."""
    sources = np.asarray(sources)
    tile = len(sources)
    band, offset = np.divmod(np.arange(count * (tile + gap) - gap), tile + gap)
    in_tile = offset < tile
    shown = sources[np.minimum(offset, tile - 1)]
    new = np.ones(len(band), dtype=bool)
    new[1:] = (band[1:] != band[:-1]) | ~in_tile[1:] | ~in_tile[:-1] | (shown[1:] != shown[:-1])
    return np.cumsum(new) - 1
