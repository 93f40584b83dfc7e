"""View 2: every channel of the layer as a grid of tiles, paged when they don't fit; dead ones hatched."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Click
from textual.widgets import Static

from actviz_tui.core.pictures.display_maps import channel_map, channel_stack, describe_picture, has_spatial_maps
from actviz_tui.ui.grid_layout import GridLayout, plan_grid
from actviz_tui.core.analysis.channel_ranking import ChannelRanking, index_ranking
from actviz_tui.core.export import FigureRequest
from actviz_tui.ui.grid_order import GridOrder, next_order, page_titles, position_after
from actviz_tui.ui.grid_picture import grid_picture, page_source
from actviz_tui.ui.ranking_job import ContributionsKey, ContributionsReady, ask_contributions
from actviz_tui.ui.views.base import ExplorerView
from actviz_tui.ui.widgets.heatmap_view import HeatmapView

TITLE_LINES = 4  # lines of tile titles under an ordered grid


class GridView(ExplorerView):
    NAME, KEY, LABEL = "grid", "2", "Grid"
    HELP = ("view: every channel of the layer as tiles (paged), dead ones hatched; ← → [ ] move the selection; "
            "O orders them by mean, max or their part in the decision")
    EXPORT_KIND = "grid"
    DEFAULT_CSS = """
    GridView { layout: vertical; }
    GridView #grid-picture { height: 1fr; }
    GridView #grid-titles { height: auto; max-height: 4; display: none; }
    GridView.-ordered #grid-titles { display: block; }
    """
    BINDINGS = [
        Binding("pageup", "page(-1)", "Page up", tooltip="grid: previous page of channels"),
        Binding("pagedown", "page(1)", "Page down", tooltip="grid: next page of channels"),
        Binding("O", "order", "Order channels",
                tooltip="grid: order the tiles by channel index, mean, max, or their part in the decision (Grad-CAM "
                        "weight of the class-map view's class, else the top one, × the channel's mean); "
                        "the rank and score in the tile titles"),
    ]

    def __init__(self, session_getter) -> None:
        super().__init__(session_getter)
        self.tiles: GridLayout | None = None  # in half-block pixels (pages, the keys)
        self.drawn: GridLayout | None = None  # the same, zoomed to the picture's pixels
        self.order = GridOrder(self._ask_contributions)
        self.ranking: ChannelRanking | None = None  # the order the tiles on show follow
        self._order_asked = ("index", "index")  # (the state's order, the one O asked for last)

    def compose(self) -> ComposeResult:
        yield HeatmapView(id="grid-picture")
        yield Static("", id="grid-titles")

    def channel_step(self, delta: int) -> int:
        """Along the displayed order: ← → one tile, [ ] a row of tiles."""
        if self.tiles is not None and abs(delta) == 10:  # [ and ]: a row up or down
            delta = self.tiles.cols * (1 if delta > 0 else -1)
        if self.ranking is None or self.ranking.by == "index":
            return delta
        return position_after(self.ranking, self.state.channel, delta) - self.state.channel

    def action_page(self, delta: int) -> None:
        if self.tiles is not None:
            ranking = self.ranking or index_ranking(self.state.channels)
            step = delta * self.tiles.per_page
            self.post_message(self.ChannelChosen(position_after(ranking, self.state.channel, step)))

    def action_order(self) -> None:
        """The next order; keys typed faster than the state changes go on from the last one asked."""
        shown, asked = self._order_asked
        current = asked if self.state.grid_order == shown and asked != shown else self.state.grid_order
        self._order_asked = (self.state.grid_order, next_order(current))
        self.post_message(self.SettingsChosen({"grid_order": self._order_asked[1]}))

    def forget(self) -> None:
        self.order.forget()

    def _ask_contributions(self, key: ContributionsKey) -> None:
        if self.session is not None and self.session.has_image:
            ask_contributions(self.engine, self.session, key, reply_to=self)

    @on(ContributionsReady)
    def _contributions_ready(self, message: ContributionsReady) -> None:
        if self.order.answered(message) and self.is_current:
            self.repaint()

    def export_request(self, state) -> FigureRequest:
        """The grid in the order on show: ``order`` (and the decision's ``order_class``) in the options."""
        request = super().export_request(state)
        if state.grid_order == "index":
            return request
        options = (("order", state.grid_order), ("order_class", state.cam.class_index))
        return replace(request, options=options if state.grid_order == "decision" else options[:1])

    def repaint(self) -> None:
        if self.layer_data is None or self.layer_data.row != self.state.layer:
            if self.session is not None:
                self.caption = self.layer_heading()
            return
        activation, state = self.layer_data.array, self.state
        picture = self.query_one(HeatmapView)
        name = self.session.layers[state.layer].name
        self.set_class(state.grid_order != "index", "-ordered")
        if not has_spatial_maps(activation):
            self.tiles = self.ranking = None
            values = channel_map(activation, 0)
            picture.show_values(values, state.cmap, *self.value_range(values, activation))
            unordered = f"\nno maps to order by {state.grid_order}" if state.grid_order != "index" else ""
            self.query_one("#grid-titles", Static).update("")
            self.caption = f"{name}  {describe_picture(activation)}  (no maps to tile){unordered}"
            return
        stack = channel_stack(activation)
        width, height = picture.content_size
        if not self.laid_out(width, height):
            return
        key = ContributionsKey(self.session.key, state.layer, state.cam.class_index)
        ranking, note = self.order.ranking(state.grid_order, stack, key)
        self.ranking = ranking
        layout = self.tiles = plan_grid(stack.shape[2], stack.shape[0], stack.shape[1], height * 2, width)
        page = layout.page_of(ranking.position(state.channel))
        marked = state.marked_channels(state.layer)
        extent, dead = self.layer_extent(activation), self.layer_dead(activation)
        self.drawn = layout.zoomed(picture.zoom)
        page_rgb = grid_picture(stack, self.drawn, page, state.channel, state.cmap, state.scale, extent, marked, dead,
                                ranking.channels)
        picture.show_rgb(page_rgb, page_source(self.drawn, stack.shape[0], stack.shape[1]))
        first = page * layout.per_page
        last = min(first + layout.per_page, stack.shape[2])
        pages = -(-stack.shape[2] // layout.per_page)
        on_dataset = " (scan)" if self.scan_dead() is not None else ""
        shown = f"channels {first}-{last - 1}" if ranking.by == "index" else f"ranks {first + 1}-{last}"
        place = f"#{ranking.position(state.channel) + 1}, {ranking.score_text(state.channel)}"
        rank = f" ({place})" if ranking.by != "index" else ""
        self.caption = (
            f"{name}  {shown} of {stack.shape[2]}  page {page + 1}/{pages}  "
            f"selected {state.channel}{rank}{' (dead)' if state.channel in dead else ''}  "
            f"{f'{len(dead)} dead{on_dataset} hatched  ' if dead else ''}{state.scale} scale"
            + (f"\n{note}" if note else "")
        )
        titles = self.query_one("#grid-titles", Static)
        width = max(titles.size.width or picture.size.width, 20)
        tile_titles = page_titles(ranking, first, last - first, state.channel, width, TITLE_LINES)
        titles.update(tile_titles if ranking.by != "index" else "")

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
        ranking = self.ranking or index_ranking(self.state.channels)
        first = self.tiles.page_of(ranking.position(self.state.channel)) * self.tiles.per_page
        if slot is not None and first + slot < min(self.state.channels, len(ranking.channels)):
            self.post_message(self.ChannelChosen(ranking.channel_at(first + slot)))
