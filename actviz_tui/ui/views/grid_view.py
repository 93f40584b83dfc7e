"""View 2: every channel of the layer as a grid of tiles, paged when they don't fit; dead ones hatched."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Click

from actviz_tui.core.pictures.display_maps import channel_map, channel_stack, describe_picture, has_spatial_maps
from actviz_tui.ui.grid_layout import GridLayout, plan_grid
from actviz_tui.ui.grid_picture import grid_picture, page_source
from actviz_tui.ui.views.base import ExplorerView
from actviz_tui.ui.widgets.heatmap_view import HeatmapView


class GridView(ExplorerView):
    NAME, KEY, LABEL = "grid", "2", "Grid"
    HELP = "view: every channel of the layer as tiles (paged), dead ones hatched; ← → [ ] move the selection"
    EXPORT_KIND = "grid"
    BINDINGS = [
        Binding("pageup", "page(-1)", "Page up", tooltip="grid: previous page of channels"),
        Binding("pagedown", "page(1)", "Page down", tooltip="grid: next page of channels"),
    ]

    def __init__(self, session_getter) -> None:
        super().__init__(session_getter)
        self.tiles: GridLayout | None = None  # in half-block pixels (pages, the keys)
        self.drawn: GridLayout | None = None  # the same, zoomed to the picture's pixels

    def compose(self) -> ComposeResult:
        yield HeatmapView(id="grid-picture")

    def channel_step(self, delta: int) -> int:
        if self.tiles is not None and abs(delta) == 10:  # [ and ]: a row up or down
            return self.tiles.cols * (1 if delta > 0 else -1)
        return delta

    def action_page(self, delta: int) -> None:
        if self.tiles is not None:
            self.post_message(self.ChannelChosen(self.state.channel + delta * self.tiles.per_page))

    def repaint(self) -> None:
        if self.layer_data is None or self.layer_data.row != self.state.layer:
            if self.session is not None:
                self.caption = self.layer_heading()
            return
        activation, state = self.layer_data.array, self.state
        picture = self.query_one(HeatmapView)
        name = self.session.layers[state.layer].name
        if not has_spatial_maps(activation):
            self.tiles = None
            values = channel_map(activation, 0)
            picture.show_values(values, state.cmap, *self.value_range(values, activation))
            self.caption = f"{name}  {describe_picture(activation)}  (no maps to tile)"
            return
        stack = channel_stack(activation)
        width, height = picture.content_size
        if not self.laid_out(width, height):
            return
        layout = self.tiles = plan_grid(stack.shape[2], stack.shape[0], stack.shape[1], height * 2, width)
        page = layout.page_of(state.channel)
        marked = state.marked_channels(state.layer)
        extent, dead = self.layer_extent(activation), self.layer_dead(activation)
        self.drawn = layout.zoomed(picture.zoom)
        page_rgb = grid_picture(stack, self.drawn, page, state.channel, state.cmap, state.scale, extent, marked, dead)
        picture.show_rgb(page_rgb, page_source(self.drawn, stack.shape[0], stack.shape[1]))
        first = page * layout.per_page
        last = min(first + layout.per_page, stack.shape[2])
        pages = -(-stack.shape[2] // layout.per_page)
        on_dataset = " (scan)" if self.scan_dead() is not None else ""
        self.caption = (
            f"{name}  channels {first}-{last - 1} of {stack.shape[2]}  page {page + 1}/{pages}  "
            f"selected {state.channel}{' (dead)' if state.channel in dead else ''}  "
            f"{f'{len(dead)} dead{on_dataset} hatched  ' if dead else ''}{state.scale} scale"
        )

    def on_click(self, event: Click) -> None:
        picture = self.query_one(HeatmapView)
        # In a pixel tier the click lands on the picture widget inside the HeatmapView.
        on_picture = event.widget is not None and picture in event.widget.ancestors_with_self
        if self.tiles is None or self.drawn is None or not on_picture:
            return
        # From the screen position: a click forwarded from the pixel-tier picture inside carries
        # offsets relative to that child, which sits lower when the picture is centred.
        offset = event.screen_offset - picture.content_region.offset
        pixel = picture.picture_pixel(offset.x, offset.y)
        if pixel is None:
            return
        slot = self.drawn.slot_at(*pixel)
        first = self.tiles.page_of(self.state.channel) * self.tiles.per_page
        if slot is not None and first + slot < self.state.channels:
            self.post_message(self.ChannelChosen(first + slot))
