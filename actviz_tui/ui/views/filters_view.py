"""View 4: the selected layer's learned filters (weights), no image needed.

A first convolution over RGB shows one colour patch per filter; deeper
convolutions show the selected filter's kernels across its input channels;
Dense and other weights show as one matrix. A line under the picture gives
the per-filter L2 norms and names the all-zero filters.
"""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding

from actviz_tui.core.pictures import colormap
from actviz_tui.core.errors import ActvizError
from actviz_tui.core.analysis.filters import LayerFilters
from actviz_tui.core.pictures.cell_format import index_ranges
from actviz_tui.ui.grid_layout import GridLayout, plan_grid
from actviz_tui.ui.grid_picture import grid_picture, rgb_grid_picture
from actviz_tui.ui.views.base import ExplorerView
from actviz_tui.ui.widgets.heatmap_view import HeatmapView
from actviz_tui.ui.widgets.wrapping_line import WrappingLine

WEIGHTS_CMAP = "coolwarm"  # weights are signed: a diverging map centred on zero


class FiltersView(ExplorerView):
    NAME, KEY, LABEL = "filters", "4", "Filters"
    HELP = "view: the layer's learned filters (weights) and their L2 norms"
    EXPORT_KIND = "filters"
    NEEDS = "weights"
    DEFAULT_CSS = """
    FiltersView { layout: vertical; }
    FiltersView #filter-norms { color: $text-muted; }
    """
    BINDINGS = [
        Binding("pageup", "page(-1)", "Page up", tooltip="filters: previous page of kernels or patches"),
        Binding("pagedown", "page(1)", "Page down", tooltip="filters: next page of kernels or patches"),
    ]

    def __init__(self, session_getter) -> None:
        super().__init__(session_getter)
        self._filters: dict[int, LayerFilters | str] = {}  # row -> filters, or why there are none
        self.tiles: GridLayout | None = None
        self.pages = 1  # pages of the selected filter's kernels, as last drawn

    def compose(self) -> ComposeResult:
        yield HeatmapView(id="filters-picture")
        yield WrappingLine(id="filter-norms")

    def layer_filters(self, row: int) -> LayerFilters | str:
        if row not in self._filters:
            try:
                self._filters[row] = self.session.filters(row)
            except ActvizError as error:
                self._filters[row] = str(error)
        return self._filters[row]

    def action_page(self, delta: int) -> None:
        filters = self.layer_filters(self.state.layer)
        if self.tiles is not None and not isinstance(filters, str) and filters.is_rgb:
            # the patches are the filters themselves: a page moves the selected filter
            self.post_message(self.ChannelChosen(self.state.channel + delta * self.tiles.per_page))
            return
        page = (self.state.filters_page % self.pages + delta) % self.pages
        self.post_message(self.SettingsChosen({"filters_page": page}))

    def repaint(self) -> None:
        if self.session is None:
            return
        filters = self.layer_filters(self.state.layer)
        picture, norms_line = self.query_one(HeatmapView), self.query_one("#filter-norms", WrappingLine)
        if isinstance(filters, str):
            picture.clear(filters)
            norms_line.show("")
            self.caption = self.layer_heading()
            return
        width, height = picture.content_size
        if not self.laid_out(width, height):
            return
        index = min(self.state.channel, filters.count - 1)
        norms_line.show(norms_summary(filters, index))
        if filters.matrix is not None:  # not a convolution-like layer
            self.tiles = None
            matrix = filters.matrix
            picture.show_values(matrix, WEIGHTS_CMAP, *colormap.value_range(matrix, symmetric=True))
        elif filters.is_rgb:
            patches = filters.rgb_patches()
            self.tiles = plan_grid(filters.count, patches.shape[1], patches.shape[2], height * 2, width)
            picture.show_rgb(rgb_grid_picture(patches, self.tiles, self.tiles.page_of(index), index))
        else:
            kernels = filters.kernels_of(index)
            self.tiles = plan_grid(kernels.shape[2], kernels.shape[0], kernels.shape[1], height * 2, width)
            self.pages = -(-kernels.shape[2] // self.tiles.per_page)
            page = self.state.filters_page % self.pages  # a page planned for a larger pane may be past the end
            # one scale, centred on 0
            picture.show_rgb(grid_picture(kernels, self.tiles, page, -1, WEIGHTS_CMAP, "layer"))
        self.caption = f"{filters.name}  {self._what(filters, index)}"  # after planning: its page numbers

    def _what(self, filters: LayerFilters, index: int) -> str:
        if filters.stack is None:
            return f"weights {filters.shape_text()} ({filters.layer_type}), unit {index} marked by its norm"
        if filters.is_rgb:
            return f"{filters.count} filters {filters.shape_text()} as RGB patches, filter {index} framed"
        inputs = filters.stack.shape[2]
        shown = ""
        if self.tiles is not None and self.tiles.per_page < inputs:
            first = self.state.filters_page % self.pages * self.tiles.per_page
            shown = f", inputs {first}-{min(first + self.tiles.per_page, inputs) - 1} (PgUp/PgDn)"
        return f"filter {index}/{filters.count}: its kernels {filters.shape_text()} over {inputs} inputs{shown}"


def norms_summary(filters: LayerFilters, index: int) -> str:
    """One line (wrapped where long): this filter's L2 norm, the layer's spread, every all-zero filter."""
    norms, zero = filters.norms, filters.zero_filters
    dead = f"all-zero ({len(zero)}): {index_ranges(zero)}" if zero else "none all-zero"
    return (
        f"L2 {norms[index]:.3g} (filter {index}) · min {norms.min():.3g} #{int(np.argmin(norms))} · "
        f"median {np.median(norms):.3g} · max {norms.max():.3g} #{int(np.argmax(norms))} · {dead}"
    )

