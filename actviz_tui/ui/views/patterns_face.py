"""The filters view's patterns face (P): asks for a layer's patterns, keeps what comes, draws it.

A part of FiltersView. One run at a time: showing another layer, the weights or
another view stops the run (``PatternsWanted(None)``) after its current step;
what it finished is in the disk cache, so coming back goes on from there. A layer
seen before in this session is drawn from memory, without a run.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass

from textual import on
from textual.message import Message

from actviz_tui.core.patterns import PatternSettings
from actviz_tui.ui.explorer_state import ExplorerState
from actviz_tui.ui.grid_layout import GridLayout
from actviz_tui.ui.grid_picture import patches_source
from actviz_tui.ui.messages import StageChanged
from actviz_tui.ui.pattern_jobs import (
    ChannelOrder, PatternsDone, PatternsKey, PatternsPart, PatternsProgress, PatternsStarted,
)
from actviz_tui.ui.pattern_tiles import (
    LayerPatterns, page_order, plural, page_picture, page_text, plan_page, progress_text, settings_text, status_text,
)
from actviz_tui.ui.views.base import ExplorerView
from actviz_tui.ui.widgets.color_legend import ColorLegend
from actviz_tui.ui.widgets.heatmap_view import HeatmapView
from actviz_tui.ui.widgets.notice_line import Notice
from actviz_tui.ui.widgets.wrapping_line import WrappingLine

KEEP_LAYERS = 16  # layers whose patterns stay in memory (the disk cache keeps them all)
# The core's 256 steps take ~4.5 min for the sample's 32-channel conv2d on a 2-core CPU
# (~1 s a step for 32 patterns of 150x150); 64 steps show the same structures in ~1 min.
# ACTVIZ_PATTERN_STEPS asks for others (256: the export's default, sharper).
EXPLORER_STEPS = 64
BATCH_SIZE = 8  # the first tiles come sooner, and on a 2-core CPU 32 patterns take 1.5x as long in one batch as in 4


def explorer_settings() -> PatternSettings:
    steps = os.environ.get("ACTVIZ_PATTERN_STEPS", "")
    return PatternSettings(steps=int(steps) if steps.isdigit() and int(steps) > 0 else EXPLORER_STEPS,
                           batch_size=BATCH_SIZE)


def patterns_key(state: ExplorerState, settings: PatternSettings) -> PatternsKey | None:
    """What the patterns face shows for ``state``; None when it is not on show."""
    if state.view != "filters" or state.filters_face != "patterns":
        return None
    return PatternsKey(state.layer, settings)


class PatternsFace(ExplorerView):
    @dataclass
    class PatternsWanted(Message):
        """Compute ``key``'s patterns in ``order``, answered to ``view``; key None: stop any run."""

        view: "PatternsFace"
        key: PatternsKey | None
        order: ChannelOrder | None = None

    def __init__(self, session_getter) -> None:
        super().__init__(session_getter)
        self.pattern_settings = explorer_settings()
        self.patterns: OrderedDict[PatternsKey, LayerPatterns] = OrderedDict()
        self.pattern_tiles: GridLayout | None = None  # the patterns' page, as last drawn

    def watch_state(self, old: ExplorerState | None = None, new: ExplorerState | None = None) -> None:
        before = None if old is None else patterns_key(old, self.pattern_settings)
        if before is not None and new is not None and before != patterns_key(new, self.pattern_settings):
            self._leave(before)
        if self.is_current:
            self.repaint()

    def _leave(self, key: PatternsKey) -> None:
        """The face shows something else now: stop its run; coming back goes on (or tries again)."""
        record = self.patterns.get(key)
        if record is not None and record.running:
            record.running = False
            self.post_message(self.PatternsWanted(self, None))
        if record is not None:
            record.cancelled = False

    def patterns_page_step(self, delta: int) -> None:
        if self.pattern_tiles is not None:
            self.post_message(self.ChannelChosen(self.state.channel + delta * self.pattern_tiles.per_page))

    # ----- drawing ------------------------------------------------------------------
    def repaint_patterns(self) -> None:
        picture, info = self.query_one(HeatmapView), self.query_one("#filter-norms", WrappingLine)
        self.query_one(ColorLegend).display = False
        width, height = picture.content_size
        if not self.laid_out(width, height):
            return
        key = PatternsKey(self.state.layer, self.pattern_settings)
        record = self.patterns.get(key)
        if record is None or record.wants_a_run:
            record = self._ask(key, record, width, height)
        name = self.session.layers[self.state.layer].name
        heading = f"{name}  {settings_text(self.pattern_settings, record.what)}"
        self.pattern_tiles = None
        if record.error:
            picture.clear(record.error)
            info.show("")
            self.caption = f"{name}  patterns: none here"
            return
        if record.count is None:
            picture.clear(f"patterns of {name}: looking at the layer…")
            info.show(progress_text(record))
            self.caption = heading
            return
        selected = min(self.state.channel, record.count - 1)
        layout = self.pattern_tiles = plan_page(record, width, height)
        zoomed = layout.zoomed(picture.zoom)
        picture.show_rgb(page_picture(record, zoomed, layout.page_of(selected), selected),
                         patches_source(zoomed, zoomed.tile_h, zoomed.tile_w))  # tiles drawn at their own size
        info.show(progress_text(record) if record.running else status_text(record, selected))
        self.caption = f"{heading}  {page_text(record, layout, selected)}"

    def _ask(self, key: PatternsKey, record: LayerPatterns | None, width: int, height: int) -> LayerPatterns:
        if record is None:
            record = self.patterns[key] = LayerPatterns()
        else:
            record.restart()
        self.patterns.move_to_end(key)
        for old in [k for k, r in self.patterns.items() if not r.running][:-KEEP_LAYERS]:
            del self.patterns[old]
        self.post_message(self.PatternsWanted(self, key, page_order(self.state.channel, width, height)))
        return record

    def _redraw(self, key: PatternsKey) -> None:
        if self.is_current and patterns_key(self.state, self.pattern_settings) == key:
            self.repaint()

    # ----- the run's answers ---------------------------------------------------------
    def _live_record(self, key: PatternsKey) -> LayerPatterns | None:
        record = self.patterns.get(key)
        return record if record is not None and record.running else None

    @on(PatternsStarted)
    def _patterns_started(self, message: PatternsStarted) -> None:
        record = self._live_record(message.key)
        if record is not None:
            record.count, record.what, record.size = message.count, message.what, (message.height, message.width)
            self._redraw(message.key)

    @on(PatternsPart)
    def _patterns_part(self, message: PatternsPart) -> None:
        record = self._live_record(message.key)
        if record is not None:
            record.add(message.part)
            self._redraw(message.key)

    @on(PatternsProgress)
    def _patterns_progress(self, message: PatternsProgress) -> None:
        record = self._live_record(message.key)
        if record is None:
            return
        record.step(message.done, message.total)
        text = progress_text(record)
        self.post_message(StageChanged(text))
        if self.is_current and patterns_key(self.state, self.pattern_settings) == message.key:
            self.query_one("#filter-norms", WrappingLine).show(text)

    @on(PatternsDone)
    def _patterns_done(self, message: PatternsDone) -> None:
        record = self._live_record(message.key)
        if record is None:
            return
        record.finish(message.cancelled, message.error)
        name = self.session.layers[message.key.layer].name
        if message.cancelled:
            self.post_message(StageChanged("patterns cancelled"))
            finished = f"{len(record.tiles)}/{plural(record.count or 0, record.what)}"
            self.post_message(Notice(f"{name}: cancelled after {finished}; what is finished stays on show and "
                                     "in the cache",
                                     "patterns", "warning"))
        elif not message.error:
            self.post_message(StageChanged(f"patterns of {name} ready"))
        self._redraw(message.key)
