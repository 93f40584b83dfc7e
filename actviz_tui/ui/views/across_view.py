"""View 3: one channel across the layers around the selected one, as titled tiles.

On a deep model the tiles are a window of at most MAX_ACROSS_PANELS layers
centred on the selected layer (the same window ``actviz export
--across-layers N --around LAYER`` draws); PgUp/PgDn move it
(``ExplorerState.across_shift``), and the export saves the window on show.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from actviz_tui.core.pictures import colormap
from actviz_tui.core.pictures.cell_format import elide_middle
from actviz_tui.core.pictures.display_maps import channel_stack
from actviz_tui.core.errors import ActvizError
from actviz_tui.core.export import MAX_ACROSS_PANELS, AcrossSelection, FigureRequest, select_layers
from actviz_tui.core.pictures.value_ranges import finite_range, scaled_range
from actviz_tui.ui.messages import LayersReady
from actviz_tui.ui.views.base import ExplorerView
from actviz_tui.ui.widgets.map_tile import MapTile


class AcrossView(ExplorerView):
    NAME, KEY, LABEL = "across", "3", "Across"
    HELP = f"view: the selected channel across the {MAX_ACROSS_PANELS} layers around the selected one; PgUp PgDn move"
    EXPORT_KIND = "across"
    NEEDS = "layers"
    BINDINGS = [
        Binding("pageup", "page(-1)", "Page up", tooltip=f"across: the {MAX_ACROSS_PANELS} layers before"),
        Binding("pagedown", "page(1)", "Page down", tooltip=f"across: the {MAX_ACROSS_PANELS} layers after"),
    ]
    DEFAULT_CSS = """
    AcrossView #note { height: 1; color: $warning; text-wrap: nowrap; text-overflow: ellipsis; }
    AcrossView #across-tiles { layout: grid; grid-size: 3; grid-rows: 14; grid-gutter: 0 1; height: auto; }
    AcrossView MapTile.-selected { border: heavy $accent; }
    """

    def __init__(self, session_getter) -> None:
        super().__init__(session_getter)
        self._asked: tuple | None = None  # what the tiles show, or are being computed for
        self.shown: AcrossSelection | None = None  # the window asked for last

    def compose(self) -> ComposeResult:
        yield Static("", id="note")
        yield VerticalScroll(Vertical(id="across-tiles"))

    def forget(self) -> None:
        """A new image: the tiles are stale."""
        self._asked = None

    def action_page(self, delta: int) -> None:
        if self.shown is not None:  # from where the window is (kept inside the list), not where it was asked
            shift = self.shown.window.shift + delta * MAX_ACROSS_PANELS
            self.post_message(self.SettingsChosen({"across_shift": shift}))

    def selection(self, state) -> AcrossSelection:
        """The window of layers ``state`` shows (ActvizError when no layer has its channel)."""
        return select_layers(self.session, state.channel, state.layer, MAX_ACROSS_PANELS, state.across_shift)

    def export_request(self, state) -> FigureRequest:
        """The window on show: centred on its middle layer, ``--around`` draws the same one."""
        try:
            rows = self.selection(state).rows
        except ActvizError:
            return super().export_request(state)  # the dialog leaves it out
        return FigureRequest(self.EXPORT_KIND, layer=rows[(len(rows) - 1) // 2], channel=state.channel)

    def repaint(self) -> None:
        state = self.state
        if self.session is None or not self.session.has_image:
            return
        try:
            chosen = self.selection(state)
        except ActvizError as error:  # no layer has this channel
            self._asked, self.shown = None, None
            self._mount_tiles([])
            self.query_one("#note", Static).update(str(error))
            self.caption = f"channel {state.channel} across layers: none has it"
            return
        asked = (state.image, state.channel, state.cmap, state.scale, self.size.width, chosen.rows, state.layer)
        if asked != self._asked:
            self._asked, self.shown = asked, chosen
            self.caption = f"{self._heading(chosen)}  (computing)"
            self.post_message(self.LayersWanted(self, chosen.rows, asked))

    @on(LayersReady)
    def _layers_ready(self, message: LayersReady) -> None:
        if self.shown is None:
            return
        chosen, cmap, scale = self.shown, self.state.cmap, self.state.scale
        tiles = []
        for row in chosen.rows:
            stack = channel_stack(message.arrays[row])
            values = stack[:, :, chosen.channel]
            value_range = scaled_range(values, scale, finite_range(stack), symmetric=colormap.is_diverging(cmap))
            # the layer's own name (not its nested path), cut in the middle: tiles stay tellable apart
            title = f"{elide_middle(self.session.layers[row].short_name, 22)} {values.shape[0]}x{values.shape[1]}"
            tile = MapTile(title, values, cmap, value_range)
            tile.set_class(row == self.state.layer, "-selected")
            tiles.append(tile)
        self._mount_tiles(tiles)
        self.query_one("#note", Static).update(self._note(chosen))
        self.caption = f"{self._heading(chosen)}  ({scale} scale)"

    def _mount_tiles(self, tiles: list[MapTile]) -> None:
        container = self.query_one("#across-tiles", Vertical)
        container.remove_children()
        container.styles.grid_size_columns = max(1, min(4, self.size.width // 28))
        container.mount(*tiles)
        selected = [tile for tile in tiles if tile.has_class("-selected")]
        if selected:
            self.call_after_refresh(selected[0].scroll_visible, animate=False)

    @staticmethod
    def _heading(chosen) -> str:
        window = chosen.window
        layers = window.describe() if window.is_partial else f"{window.total} layers"
        return f"channel {chosen.channel} across {layers}"

    @staticmethod
    def _note(chosen) -> str:
        parts = [chosen.skipped_note()]
        if chosen.window.is_partial:
            parts.append("PgUp/PgDn: other layers")
        return "; ".join(part for part in parts if part)
