"""View 3: one channel across every layer that has 2-D maps, as titled tiles."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from actviz_tui.core import colormap
from actviz_tui.core.display_maps import channel_stack
from actviz_tui.core.value_ranges import finite_range
from actviz_tui.core.export import MAX_ACROSS_PANELS, spatial_layer_rows
from actviz_tui.ui.messages import LayersReady
from actviz_tui.ui.views.base import ExplorerView
from actviz_tui.ui.widgets.map_tile import MapTile


class AcrossView(ExplorerView):
    NAME, KEY, LABEL = "across", "3", "Across"
    HELP = "view: the selected channel across every layer with maps"
    EXPORT_KIND = "across"
    NEEDS = "layers"
    DEFAULT_CSS = """
    AcrossView #note { height: auto; color: $warning; }
    AcrossView #across-tiles { layout: grid; grid-size: 3; grid-rows: 14; grid-gutter: 0 1; height: auto; }
    """

    def __init__(self, session_getter) -> None:
        super().__init__(session_getter)
        self._asked: tuple | None = None  # what the tiles show, or are being computed for

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="note")
            yield Vertical(id="across-tiles")

    def forget(self) -> None:
        """A new image: the tiles are stale."""
        self._asked = None

    def repaint(self) -> None:
        state = self.state
        if self.session is None or not self.session.has_image:
            return
        asked = (state.image, state.channel, state.cmap, state.scale, self.size.width)
        if asked != self._asked:
            self._asked = asked
            self.caption = f"channel {state.channel} across layers"
            rows = spatial_layer_rows(self.session)  # the same panels as the exported figure
            self.screen.engine.compute_layers(self.session, rows, asked, reply_to=self)

    @on(LayersReady)
    def _layers_ready(self, message: LayersReady) -> None:
        if message.request != self._asked or not self.is_current:
            return  # a newer request is on its way
        channel, cmap, scale = self.state.channel, self.state.cmap, self.state.scale
        tiles, skipped = [], []
        for row, activation in message.arrays.items():
            name, stack = self.session.layers[row].name, channel_stack(activation)
            if stack.shape[2] <= channel:
                skipped.append(f"{name} ({stack.shape[2]} ch)")
                continue
            values = stack[:, :, channel]
            source = stack if scale == "layer" else values
            extent = None if scale == "layer" else finite_range(stack)
            value_range = colormap.value_range(source, symmetric=cmap in colormap.DIVERGING, layer_range=extent)
            tiles.append(MapTile(f"{name} {values.shape[0]}x{values.shape[1]}", values, cmap, value_range))
        self._mount_tiles(tiles[:MAX_ACROSS_PANELS])
        self.query_one("#note", Static).update(self._note(channel, len(tiles), skipped))
        self.caption = f"channel {channel} across {min(len(tiles), MAX_ACROSS_PANELS)} layers  ({scale} scale)"

    def _mount_tiles(self, tiles: list[MapTile]) -> None:
        container = self.query_one("#across-tiles", Vertical)
        container.remove_children()
        container.styles.grid_size_columns = max(1, min(4, self.size.width // 28))
        container.mount(*tiles)

    @staticmethod
    def _note(channel: int, shown: int, skipped: list[str]) -> str:
        note = f"too few channels for channel {channel}: {', '.join(skipped)}" if skipped else ""
        if shown > MAX_ACROSS_PANELS:
            note += f"  (first {MAX_ACROSS_PANELS} of {shown} layers shown)"
        if not shown:
            note = f"no layer has a map for channel {channel}. " + note
        return note
