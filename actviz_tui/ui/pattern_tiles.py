"""View 4's patterns face (P), drawn: filter patterns, the input each channel responds to most.

``LayerPatterns`` is what the explorer knows of one layer's patterns: the finished
channels as RGB tiles (grey inputs drawn grey), the run's progress, why it stopped.
``page_picture`` paints one page of them as the filters' colour patches are painted
(the selected tile framed, each tile numbered, the ones still computing flat grey);
the texts say what is shown and how far the run is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image

from actviz_tui.core.patterns import Patterns, PatternSettings
from actviz_tui.ui.grid_layout import GridLayout, plan_grid
from actviz_tui.ui.grid_picture import rgb_grid_picture
from actviz_tui.ui.pattern_jobs import ChannelOrder, page_first
from actviz_tui.ui.tile_labels import label_size, stamp_number

PENDING_RGB = 48  # a tile still being computed: flat dark grey
# Patterns are pictures: below ~20 half-block pixels a side they are blurs. Pages of
# tiles at least this large, rather than every channel at once.
MIN_TILE_PX = 20
OBJECTIVES = {  # what a score is (the mean leaves a 1/16 border out): short, so the line stays one line
    "channel": "mean before activation",
    "unit": "value before activation",
    "class": "logit",
}


@dataclass
class LayerPatterns:
    """One layer's patterns as far as they are known, and the state of the run computing them."""

    count: int | None = None  # channels (units, classes); None until the run has looked at the layer
    what: str = "channel"
    size: tuple[int, int] = (1, 1)  # (height, width) of a pattern
    tiles: dict[int, np.ndarray] = field(default_factory=dict)  # channel -> (h, w, 3) uint8
    scores: dict[int, float] = field(default_factory=dict)
    cached: int = 0  # read from the disk cache in the last run
    running: bool = True
    cancelled: bool = False
    error: str = ""  # why there are none (the core's one line)
    progress: tuple[int, int] | None = None  # (done, total) optimisation steps of the run
    asked_at: float = field(default_factory=time.monotonic)
    first_progress: tuple[float, int] | None = None  # (time, steps done): the rate, for the time left
    seconds: float | None = None  # how long the run took, when it ended by itself

    @property
    def complete(self) -> bool:
        return self.count is not None and len(self.tiles) >= self.count

    @property
    def wants_a_run(self) -> bool:
        return not (self.complete or self.running or self.cancelled or self.error)

    def restart(self) -> None:
        """A new run (after a cancelled or stopped one): what is finished stays on show."""
        self.running, self.cancelled, self.cached, self.progress, self.first_progress = True, False, 0, None, None
        self.asked_at, self.seconds = time.monotonic(), None

    def add(self, part: Patterns) -> None:
        for position, channel in enumerate(part.channels):
            self.tiles[channel] = as_tile(part.pixels[position])
            self.scores[channel] = float(part.scores[position])
        self.cached += part.cached

    def step(self, done: int, total: int) -> None:
        self.progress = (done, total)
        if self.first_progress is None:
            self.first_progress = (time.monotonic(), done)

    def finish(self, cancelled: bool, error: str) -> None:
        self.running, self.cancelled, self.error = False, cancelled, error
        if not cancelled and not error:
            self.seconds = time.monotonic() - self.asked_at


def as_tile(pixels: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8 from a pattern's (h, w, C) pixels in [0, 1]: grey for one channel."""
    rgb = np.repeat(pixels, 3, axis=-1) if pixels.shape[-1] == 1 else pixels[..., :3]
    return np.clip(np.rint(rgb * 255), 0, 255).astype(np.uint8)


def plan_page(record: LayerPatterns, width: int, height: int) -> GridLayout:
    """The tiles for a ``width`` x ``height``-cell pane (half-block pixels: 1 wide, 2 tall)."""
    assert record.count is not None
    return pattern_grid(record.count, *record.size, height * 2, width)


def pattern_grid(count: int, pattern_h: int, pattern_w: int, pane_h: int, pane_w: int) -> GridLayout:
    """``plan_grid`` with tiles of at least MIN_TILE_PX; a paged grid's tiles then grow to fill the pane."""
    layout = plan_grid(count, pattern_h, pattern_w, pane_h, pane_w, MIN_TILE_PX)
    if layout.per_page >= count:
        return layout
    aspect = pattern_h / max(pattern_w, 1)
    room_w = (pane_w + layout.gap) // layout.cols - layout.gap
    room_h = (pane_h + layout.gap) // layout.rows - layout.gap
    tile_w = max(layout.tile_w, min(room_w, int(room_h / aspect)))
    return replace(layout, tile_w=tile_w, tile_h=max(layout.tile_h, min(room_h, round(tile_w * aspect))))


def page_order(selected: int, width: int, height: int) -> ChannelOrder:
    """The run's channel order: the page ``selected`` is on in this pane first, then the rest."""

    def order(count: int, pattern_h: int, pattern_w: int) -> tuple[int, ...]:
        layout = pattern_grid(count, pattern_h, pattern_w, height * 2, width)
        first = layout.page_of(min(selected, count - 1)) * layout.per_page
        return page_first(count, tuple(range(first, min(first + layout.per_page, count))))

    return order


def page_picture(record: LayerPatterns, layout: GridLayout, page: int, selected: int) -> np.ndarray:
    """(H, W, 3) uint8: one page of tiles, numbered, ``selected`` framed, unfinished ones flat grey.
    Each pattern is area-averaged to its tile (a texture sampled pixel by pixel would alias)."""
    assert record.count is not None
    first = page * layout.per_page
    channels = range(first, min(first + layout.per_page, record.count))
    patches = np.full((len(channels), layout.tile_h, layout.tile_w, 3), PENDING_RGB, dtype=np.uint8)
    for slot, channel in enumerate(channels):
        if channel in record.tiles:
            patches[slot] = fit_tile(record.tiles[channel], layout.tile_h, layout.tile_w)
    rgb = rgb_grid_picture(patches, layout, 0, selected - first)
    for slot, channel in enumerate(channels):
        if label_fits(channel, layout):
            stamp_number(rgb, *layout.tile_origin(slot), channel, layout.scale)
    return rgb


def fit_tile(tile: np.ndarray, height: int, width: int) -> np.ndarray:
    if tile.shape[:2] == (height, width):
        return tile
    return np.asarray(Image.fromarray(tile).resize((width, height), Image.Resampling.BOX))


def label_fits(channel: int, layout: GridLayout) -> bool:
    """A pattern's number may cover more of its corner than a map's: up to 3/4 of the width, half the height."""
    height, width = label_size(channel, layout.scale)
    return 2 * height <= layout.tile_h and 4 * width <= 3 * layout.tile_w


def settings_text(settings: PatternSettings, what: str = "channel") -> str:
    return f"patterns: what each {what} responds to most, {settings.steps} steps, seed {settings.seed}"


def page_text(record: LayerPatterns, layout: GridLayout, selected: int) -> str:
    assert record.count is not None
    what = record.what
    if layout.per_page >= record.count:
        return f"{plural(record.count, what)}, {what} {selected} framed"
    page = layout.page_of(selected)
    first, pages = page * layout.per_page, -(-record.count // layout.per_page)
    last = min(first + layout.per_page, record.count) - 1
    return f"{what}s {first}-{last} of {record.count}, page {page + 1}/{pages} (PgUp/PgDn), {what} {selected} framed"


def plural(count: int, what: str) -> str:
    return f"{count} {what}" if count == 1 else f"{count} {what}{'es' if what == 'class' else 's'}"


def progress_text(record: LayerPatterns) -> str:
    """``patterns: 12/64 channels, 37%, about 40 s left (Esc cancels)``."""
    count = record.count or 0
    finished = f"{len(record.tiles)}/{plural(count, record.what)}" if count else "looking at the layer"
    if record.progress is None:
        return f"patterns: {finished}, preparing the optimisation (Esc cancels)"
    done, total = record.progress
    to_compute = count - record.cached
    share = (record.cached + to_compute * done / max(total, 1)) / max(count, 1)
    return f"patterns: {finished}, {int(share * 100)}%{_time_left(record)} (Esc cancels)"


def _time_left(record: LayerPatterns) -> str:
    if record.first_progress is None or record.progress is None:
        return ""
    start, done_then = record.first_progress
    elapsed, (done, total) = time.monotonic() - start, record.progress
    if elapsed < 1 or done <= done_then:
        return ""
    left = (total - done) * elapsed / (done - done_then)
    return f", about {left:.0f} s left" if left < 120 else f", about {left / 60:.0f} min left"


def status_text(record: LayerPatterns, selected: int) -> str:
    """The line under the tiles once no run is going: the selected pattern's score, or how it stopped."""
    count = record.count or 0
    if record.cancelled:
        return f"patterns cancelled: {len(record.tiles)}/{plural(count, record.what)} finished (P twice goes on)"
    if selected not in record.scores:
        return f"{record.what} {selected}: not computed yet"
    where = (f" · {record.cached}/{count} read from the cache" if record.cached == count
             else f" · computed in {record.seconds:.0f} s" if record.seconds is not None else "")
    objective = OBJECTIVES.get(record.what, "its objective")
    return f"{record.what} {selected}: score {record.scores[selected]:.4g} ({objective}){where}"
