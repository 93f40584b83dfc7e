"""The xterm 256-colour palette in OKLab: for any colour, the two palette colours to mix and how.

Terminals without truecolor (tmux's default TERM, most SSH sessions, where
COLORTERM is not forwarded) offer a 6x6x6 colour cube (indices 16-231) and 24
greys (232-255). Mapping each pixel to its nearest entry bands a colormap into
about ten flat steps; instead each colour is drawn with its nearest palette
colour in OKLab (a perceptual space) and one partner, in the proportion whose
mix lands nearest to it (``colour_mixes``); ``ui.palette_dither`` decides
which pixels get which. Indices 0-15 are never used: their colours depend on
the terminal's theme.
"""

from __future__ import annotations

import functools

import numpy as np

CUBE_LEVELS = np.array([0, 95, 135, 175, 215, 255])
GREY_LEVELS = np.arange(8, 239, 10)
FIRST_INDEX = 16


def palette_rgb() -> np.ndarray:
    """(256, 3) uint8: the colour of each xterm index from 16 on (0-15 left black)."""
    table = np.zeros((256, 3), dtype=np.uint8)
    red, green, blue = np.meshgrid(CUBE_LEVELS, CUBE_LEVELS, CUBE_LEVELS, indexing="ij")
    table[16:232] = np.stack([red.ravel(), green.ravel(), blue.ravel()], axis=1)
    table[232:] = np.repeat(GREY_LEVELS[:, None], 3, axis=1)
    return table


_SRGB_TO_LINEAR = np.where(
    np.arange(256) / 255 <= 0.04045, np.arange(256) / 255 / 12.92, ((np.arange(256) / 255 + 0.055) / 1.055) ** 2.4
)
_LINEAR_TO_LMS = np.array(
    [[0.4122214708, 0.5363325363, 0.0514459929],
     [0.2119034982, 0.6806995451, 0.1073969566],
     [0.0883024619, 0.2817188376, 0.6299787005]]
)
_LMS_TO_OKLAB = np.array(
    [[0.2104542553, 0.7936177850, -0.0040720468],
     [1.9779984951, -2.4285922050, 0.4505937099],
     [0.0259040371, 0.7827717662, -0.8086757660]]
)


def oklab(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) float64 OKLab (L in [0, 1]) of (..., 3) uint8 sRGB colours."""
    linear = _SRGB_TO_LINEAR[np.asarray(rgb, dtype=np.uint8)]
    return np.cbrt(linear @ _LINEAR_TO_LMS.T) @ _LMS_TO_OKLAB.T


CONTRAST_PENALTY = 0.05  # weighs a pair's own distance: a mix of far-apart colours is a visible texture
MAX_PARTNER_DISTANCE = 0.25  # in OKLab: a partner further off shows as stray dots (red in a navy area)
_CHUNK = 4096  # colours a pass: K x 240 arrays stay a few MB


@functools.cache
def _palette_tables() -> tuple[np.ndarray, ...]:
    """float32 tables of indices 16-255: OKLab (240, 3), squared norms (240,),
    dot products and squared distances between entries (240, 240), and which
    pairs are too far apart to mix (each entry with itself too)."""
    lab = oklab(palette_rgb()[FIRST_INDEX:]).astype(np.float32)
    norms = (lab**2).sum(axis=1)
    dots = _dots(lab, lab)
    spans = norms[:, None] - 2 * dots + norms[None, :]
    too_far = (spans > MAX_PARTNER_DISTANCE**2) | np.eye(len(lab), dtype=bool)
    np.fill_diagonal(spans, 1.0)  # no pair: keeps the division below finite
    return lab, norms, dots, spans, too_far


def _dots(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(K, 3) . (P, 3) -> (K, P), by broadcasting: no BLAS, whose threads stall on a busy machine."""
    return a[:, :1] * b[:, 0] + a[:, 1:2] * b[:, 1] + a[:, 2:] * b[:, 2]


def colour_mixes(colours: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For (K, 3) uint8 colours: the nearest palette index, the partner it is mixed
    with, and the partner's share (0-1).

    The partner is the palette colour, within MAX_PARTNER_DISTANCE of the
    nearest, whose mix with the nearest lands closest to the colour in OKLab,
    plus CONTRAST_PENALTY x the pair's squared distance x share x (1 - share).
    """
    parts = [_mixes(colours[start : start + _CHUNK]) for start in range(0, len(colours), _CHUNK)]
    if not parts:
        return np.zeros(0, dtype=np.int16), np.zeros(0, dtype=np.int16), np.zeros(0, dtype=np.float32)
    first, second, share = (np.concatenate(arrays) for arrays in zip(*parts))
    return first, second, share


def _mixes(colours: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lab = oklab(colours).astype(np.float32)
    palette, norms, dots, spans, too_far = _palette_tables()
    rows = np.arange(len(lab))
    products = _dots(lab, palette)
    first = (norms - 2 * products).argmin(axis=1)
    offset = lab - palette[first]  # from the nearest palette colour to the colour
    # For every partner P (K x 240): offset . (P - nearest), and |P - nearest|^2.
    along = products - dots[first] - (offset * palette[first]).sum(axis=1, keepdims=True)
    span = spans[first]
    share = np.clip(along / span, 0.0, 1.0)
    miss = (offset**2).sum(axis=1, keepdims=True) - 2 * share * along + share**2 * span
    cost = miss + CONTRAST_PENALTY * span * share * (1 - share)
    cost[too_far[first]] = np.inf
    second = cost.argmin(axis=1)
    share = np.where(np.isfinite(cost[rows, second]), share[rows, second], 0.0)  # no partner near enough
    return (first + FIRST_INDEX).astype(np.int16), (second + FIRST_INDEX).astype(np.int16), share


class MixMemo:
    """``colour_mixes`` (and OKLab) of the colours seen so far, by packed 0xRRGGBB:
    a colormap has 256 colours, worked out once, not on every frame."""

    def __init__(self, limit: int = 1 << 18) -> None:
        self.limit = limit
        self.clear()

    def clear(self) -> None:
        self.keys = np.zeros(0, dtype=np.uint32)
        self.tables: tuple[np.ndarray, ...] = (
            np.zeros(0, np.int16), np.zeros(0, np.int16), np.zeros(0, np.float32), np.zeros((0, 3), np.float32),
        )

    def lookup(self, packed: np.ndarray) -> tuple[np.ndarray, ...]:
        """(first, second, share, OKLab) for sorted unique packed colours."""
        found = self._positions(packed)
        if not found.all():
            self._add(packed[~found])
            found = self._positions(packed)
        positions = np.searchsorted(self.keys, packed)
        return tuple(table[positions] for table in self.tables)

    def _positions(self, packed: np.ndarray) -> np.ndarray:
        positions = np.minimum(np.searchsorted(self.keys, packed), max(len(self.keys) - 1, 0))
        return self.keys[positions] == packed if len(self.keys) else np.zeros(len(packed), dtype=bool)

    def _add(self, packed: np.ndarray) -> None:
        if len(self.keys) + len(packed) > self.limit:
            self.clear()
        colours = unpacked(packed)
        added = (*colour_mixes(colours), oklab(colours).astype(np.float32))
        keys = np.concatenate([self.keys, packed])
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.tables = tuple(np.concatenate([old, new])[order] for old, new in zip(self.tables, added))


def packed(rgb: np.ndarray) -> np.ndarray:
    """(...) uint32 0xRRGGBB of (..., 3) uint8 colours."""
    rgb = rgb.astype(np.uint32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def unpacked(values: np.ndarray) -> np.ndarray:
    return np.stack([(values >> 16) & 0xFF, (values >> 8) & 0xFF, values & 0xFF], axis=-1).astype(np.uint8)


def nearest_index(rgb: tuple[int, int, int]) -> int:
    """The palette index closest (in OKLab) to one colour (for flat fills such as padding)."""
    first, _second, _share = colour_mixes(np.array([rgb], dtype=np.uint8))
    return int(first[0])
