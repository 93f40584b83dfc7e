"""View 4: the selected layer's learned filters (weights), no image needed.

A first convolution over RGB shows one colour patch per filter, one over a
single channel (grayscale, depthwise) one tile per filter; deeper convolutions
show the selected filter's kernels across its input channels; Dense and other
weights show as one matrix. A colour bar gives the real weights; all-zero
filters are hatched and said so; a line under it all gives the per-filter L2
norms and names the all-zero filters.
"""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.analysis.filters import LayerFilters
from actviz_tui.core.pictures.cell_format import index_ranges
from actviz_tui.ui.grid_layout import GridLayout, plan_grid
from actviz_tui.ui.grid_picture import grid_picture, page_source, patches_source, rgb_grid_picture
from actviz_tui.ui.views.patterns_face import PatternsFace
from actviz_tui.ui.widgets.color_legend import ColorLegend
from actviz_tui.ui.widgets.heatmap_view import HeatmapView
from actviz_tui.ui.widgets.wrapping_line import WrappingLine

WEIGHTS_CMAP = "coolwarm"  # weights are signed: a diverging map centred on zero


class FiltersView(PatternsFace):
    NAME, KEY, LABEL = "filters", "4", "Filters"
    HELP = ("view: the layer's learned filters (weights, with their colour bar), L2 norms, all-zero ones hatched; "
            "P: its filter patterns")
    EXPORT_KIND = "filters"
    NEEDS = "weights"
    DEFAULT_CSS = """
    FiltersView { layout: vertical; }
    FiltersView #filter-norms { color: $text-muted; }
    """
    BINDINGS = [
        Binding("pageup", "page(-1)", "Page up", tooltip="filters: previous page of kernels, patches or patterns"),
        Binding("pagedown", "page(1)", "Page down", tooltip="filters: next page of kernels, patches or patterns"),
    ]

    def __init__(self, session_getter) -> None:
        super().__init__(session_getter)
        self._filters: dict[int, LayerFilters | str] = {}  # row -> filters, or why there are none
        self.tiles: GridLayout | None = None
        self.pages = 1  # pages of the selected filter's kernels, as last drawn

    def compose(self) -> ComposeResult:
        yield HeatmapView(id="filters-picture")
        yield ColorLegend(id="filters-legend")
        yield WrappingLine(id="filter-norms")

    def layer_filters(self, row: int) -> LayerFilters | str:
        if row not in self._filters:
            try:
                self._filters[row] = self.session.filters(row)
            except ActvizError as error:
                self._filters[row] = str(error)
        return self._filters[row]

    def action_page(self, delta: int) -> None:
        if self.state.filters_face == "patterns":
            self.patterns_page_step(delta)
            return
        filters = self.layer_filters(self.state.layer)
        if self.tiles is not None and not isinstance(filters, str) and filters.filters_as_tiles:
            # the tiles are the filters themselves: a page moves the selected filter
            self.post_message(self.ChannelChosen(self.state.channel + delta * self.tiles.per_page))
            return
        page = (self.state.filters_page % self.pages + delta) % self.pages
        self.post_message(self.SettingsChosen({"filters_page": page}))

    def repaint(self) -> None:
        if self.session is None:
            return
        if self.state.filters_face == "patterns":
            self.repaint_patterns()
            return
        filters = self.layer_filters(self.state.layer)
        picture, norms_line = self.query_one(HeatmapView), self.query_one("#filter-norms", WrappingLine)
        legend = self.query_one(ColorLegend)
        if isinstance(filters, str):
            picture.clear(filters)
            legend.display = False
            norms_line.show("")
            self.caption = self.layer_heading()
            return
        width, height = picture.content_size
        if not self.laid_out(width, height):
            return
        index = min(self.state.channel, filters.count - 1)
        norms_line.show(norms_summary(filters, index))
        legend.display = not filters.is_rgb  # patches are each stretched to their own range: no one scale
        weights_range = self._draw(filters, index, picture, width, height)
        if weights_range is not None:
            legend.set_range(WEIGHTS_CMAP, *weights_range)
        self.caption = f"{filters.name}  {self._what(filters, index)}"  # after planning: its page numbers

    def _draw(self, filters: LayerFilters, index: int, picture: HeatmapView, width: int, height: int):
        """Draw the weights; their colour range (None for colour patches)."""
        zero = frozenset(filters.zero_filters)
        if filters.matrix is not None:  # not a convolution-like layer
            self.tiles = None
            weights_range = filters.colour_range(filters.matrix)
            picture.show_values(filters.matrix, WEIGHTS_CMAP, *weights_range)
            return weights_range
        if filters.is_rgb:
            patches = filters.rgb_patches()
            self.tiles = plan_grid(filters.count, patches.shape[1], patches.shape[2], height * 2, width)
            zoomed = self.tiles.zoomed(picture.zoom)
            page_rgb = rgb_grid_picture(patches, zoomed, self.tiles.page_of(index), index, zero)
            picture.show_rgb(page_rgb, patches_source(zoomed, patches.shape[1], patches.shape[2]))
            return None
        if filters.is_single_input:  # one kernel per filter: every filter as a tile, the selected framed
            kernels, selected, dead = filters.single_kernels(), index, zero
        else:  # the selected filter's kernels, one per input; all hatched if the filter is all zero
            kernels, selected = filters.kernels_of(index), -1
            dead = frozenset(range(kernels.shape[2])) if filters.is_zero(index) else frozenset()
        self.tiles = plan_grid(kernels.shape[2], kernels.shape[0], kernels.shape[1], height * 2, width)
        self.pages = -(-kernels.shape[2] // self.tiles.per_page)
        page = self.tiles.page_of(index) if filters.is_single_input else self.state.filters_page % self.pages
        weights_range = filters.colour_range(kernels)  # one scale, centred on 0 (the layer's for a zero filter)
        zoomed = self.tiles.zoomed(picture.zoom)
        page_rgb = grid_picture(kernels, zoomed, page, selected, WEIGHTS_CMAP, "layer", weights_range, dead=dead)
        picture.show_rgb(page_rgb, page_source(zoomed, kernels.shape[0], kernels.shape[1]))
        return weights_range

    def _what(self, filters: LayerFilters, index: int) -> str:
        zero = "  ALL ZERO (a dead filter)" if filters.is_zero(index) else ""
        if filters.stack is None:
            return f"weights {filters.shape_text()} ({filters.layer_type}), unit {index} marked by its norm{zero}"
        if filters.filters_as_tiles:
            drawn = "as RGB patches" if filters.is_rgb else "over one input"
            pages = ""
            if self.tiles is not None and self.tiles.per_page < filters.count:
                count = -(-filters.count // self.tiles.per_page)
                pages = f", page {self.tiles.page_of(index) + 1}/{count} (PgUp/PgDn)"
            return f"{filters.count} filters {filters.shape_text()} {drawn}, filter {index} framed{zero}{pages}"
        inputs = filters.stack.shape[2]
        shown = ""
        if self.tiles is not None and self.tiles.per_page < inputs:
            first = self.state.filters_page % self.pages * self.tiles.per_page
            shown = f", inputs {first}-{min(first + self.tiles.per_page, inputs) - 1} (PgUp/PgDn)"
        return f"filter {index}/{filters.count}{zero}: its kernels {filters.shape_text()} over {inputs} inputs{shown}"


def norms_summary(filters: LayerFilters, index: int) -> str:
    """One line (wrapped where long): this filter's L2 norm, the layer's spread, every all-zero filter."""
    norms, zero = filters.norms, filters.zero_filters
    dead = f"all-zero ({len(zero)}): {index_ranges(zero)}" if zero else "none all-zero"
    return (
        f"L2 {norms[index]:.3g} (filter {index}) · min {norms.min():.3g} #{int(np.argmin(norms))} · "
        f"median {np.median(norms):.3g} · max {norms.max():.3g} #{int(np.argmax(norms))} · {dead}"
    )

