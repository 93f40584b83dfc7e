"""View 6: the selected channel's top images in a dataset scan, cropped to the receptive field
of the peak, as titled tiles; , and . pick a tile, Enter makes its image the current input.

The crops are read in a worker (``TopImagesWanted``, answered with ``TopCropsReady``); they
do not depend on the image on show, only on the scan, the layer and the channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Hashable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.events import Click
from textual.message import Message
from textual.widgets import Static

from actviz_tui.core.export import FigureRequest
from actviz_tui.core.pictures.cell_format import format_number, format_percent
from actviz_tui.ui.messages import TopCropsReady
from actviz_tui.ui.top_tiles import GAP, TopTile, plan_tiles
from actviz_tui.ui.views.base import ExplorerView

NO_SCAN = "no scan loaded: press S to open a folder 'actviz scan' wrote (or start with --scan SCAN_DIR)"


class TopView(ExplorerView):
    NAME, KEY, LABEL = "top", "6", "Top images"
    HELP = ("view: a scan's top images of the selected channel, cropped to the receptive field of the peak; "
            ", . pick a tile, Enter opens its image")
    EXPORT_KIND = "top"
    NEEDS = "scan"
    BINDINGS = [
        Binding("comma", "tile(-1)", "Previous tile", key_display=",", tooltip="top images: the tile before"),
        Binding("full_stop", "tile(1)", "Next tile", key_display=".", tooltip="top images: the next tile"),
        Binding("enter", "open_tile", "Open image",
                tooltip="top images: the selected tile's image becomes the input of every view"),
    ]
    DEFAULT_CSS = """
    TopView { layout: vertical; }
    TopView #top-note { height: 2; color: $text-muted; }  /* fixed: the tiles are planned in the rest */
    TopView #top-tiles { layout: grid; height: auto; }
    """

    @dataclass
    class TopImagesWanted(Message):
        """The top crops of ``layer``'s ``channel`` in the screen's scan, answered to ``view``."""

        view: "TopView"
        layer: str
        channel: int
        request: Hashable

    @dataclass
    class ImageChosen(Message):
        """Make this image the current input."""

        path: Path

    def __init__(self, session_getter) -> None:
        super().__init__(session_getter)
        self._asked: tuple | None = None  # (scan folder, layer, channel) shown or being read
        self.crops: list = []  # the TopCrops on show
        self.selected = 0

    @property
    def scan(self):
        return getattr(self.screen, "scan", None)

    def compose(self) -> ComposeResult:
        yield Static("", id="top-note", markup=False)
        yield VerticalScroll(Vertical(id="top-tiles"))

    def scan_changed(self) -> None:
        self._asked = None
        if self.is_current:
            self.repaint()

    def export_request(self, state) -> FigureRequest:
        options = () if self.scan is None else (("scan", str(self.scan.folder)),)
        return FigureRequest(self.EXPORT_KIND, layer=state.layer, channel=state.channel, options=options)

    def repaint(self) -> None:
        if self.session is None:
            return
        scan, state = self.scan, self.state
        name = self.session.layers[state.layer].name
        if scan is None or not scan.has_layer(name):
            self._asked, self.crops = None, []
            self._mount([])
            why = NO_SCAN if scan is None else (
                f"layer {name} is not in scan {scan.folder.name}: select one of {', '.join(scan.layer_names)}")
            self.query_one("#top-note", Static).update(why)
            self.caption = f"{name}  top images: {'no scan' if scan is None else 'layer not scanned'}"
            return
        asked = (str(scan.folder), name, min(state.channel, scan.layer(name).channels - 1))
        if scan.channel_summary(name, asked[2]).active == 0:
            self._show_dead(asked)
            return
        if asked != self._asked:
            self._asked, self.crops, self.selected = asked, [], 0
            self.caption = f"{self._heading()}  (reading the images)"
            self.post_message(self.TopImagesWanted(self, name, asked[2], asked))
        elif self.crops:
            self._layout()

    def _show_dead(self, asked: tuple) -> None:
        """Every score of a dead channel is <= 0: its "top" images would be an arbitrary pick."""
        self._asked, self.crops = asked, []
        self._mount([])
        self.query_one("#top-note", Static).update(
            f"channel {asked[2]} is dead on the dataset: never > 0 on any of {self.scan.scanned} images, "
            "so no image drives it")
        self.caption = self._heading()

    @on(TopCropsReady)
    def _crops_ready(self, message: TopCropsReady) -> None:
        if message.request != self._asked:
            return
        self.crops = message.crops
        self._mount([TopTile(crop, rank) for rank, crop in enumerate(self.crops)])
        self._show_selection()

    def _mount(self, tiles: list[TopTile]) -> None:
        container = self.query_one("#top-tiles", Vertical)
        container.remove_children()
        if tiles:
            container.mount(*tiles)
            self._layout()

    def _layout(self) -> None:
        """Columns and tile height that show the crops largest in the pane."""
        if not self.crops:
            return
        shown = [crop.rgb for crop in self.crops if crop.rgb is not None]
        crop_h, crop_w = shown[0].shape[:2] if shown else (1, 1)
        scroll = self.query_one(VerticalScroll)
        width, height = scroll.size.width - scroll.styles.scrollbar_size_vertical, scroll.size.height
        if not self.laid_out(width, height):
            return
        plan = plan_tiles(len(self.crops), crop_h, crop_w, width, height)
        container = self.query_one("#top-tiles", Vertical)
        container.styles.grid_size_columns = plan.cols
        container.styles.grid_rows = str(plan.tile_h)
        # Textual names gutters by the line they draw: vertical ones part columns, horizontal ones rows.
        container.styles.grid_gutter_vertical, container.styles.grid_gutter_horizontal = GAP, 0

    def _show_selection(self) -> None:
        tiles = list(self.query(TopTile))
        for tile in tiles:
            tile.set_class(tile.rank == self.selected, "-selected")
        if tiles and self.selected < len(tiles):
            self.call_after_refresh(tiles[self.selected].scroll_visible, animate=False)
        self.query_one("#top-note", Static).update(self._note())
        self.caption = self._heading()

    def action_tile(self, delta: int) -> None:
        if self.crops:
            self.selected = (self.selected + delta) % len(self.crops)
            self._show_selection()

    def action_open_tile(self) -> None:
        if not self.crops:
            return
        crop = self.crops[self.selected]
        if crop.rgb is None:
            self.notify(crop.error, title="top images", severity="warning", timeout=6)
            return
        self.post_message(self.ImageChosen(crop.path))

    def on_click(self, event: Click) -> None:
        tile = next((w for w in (event.widget.ancestors_with_self if event.widget else []) if isinstance(w, TopTile)),
                    None)
        if tile is not None:
            if tile.rank == self.selected and event.chain >= 2:  # a double click opens it
                self.action_open_tile()
            self.selected = tile.rank
            self._show_selection()

    def _heading(self) -> str:
        scan, state = self.scan, self.state
        if scan is None or self._asked is None:
            return ""
        _folder, name, channel = self._asked
        summary = scan.channel_summary(name, channel)
        by = "max" if scan.settings.by == "max" else "mean"
        stats = ""
        if summary.active is not None:
            dead = "  dead on the dataset" if summary.active == 0 else ""
            stats = (f"  active on {format_percent(summary.active)}, max {format_number(summary.maximum or 0.0)}"
                     f"{dead}")
        return (f"{name}  channel {channel}/{state.channels}  top {len(self.crops) or scan.settings.top_k} "
                f"of {scan.scanned} images by {by}{stats}")

    def _note(self) -> str:
        if not self.crops:
            return "no image in the scan for this channel"
        crop = self.crops[self.selected]
        top = crop.top
        where = "" if top.y is None else f" peak at y {top.y}, x {top.x}"
        box = "" if crop.box is None else (f", crop rows {crop.box[0]}-{crop.box[2] - 1} "
                                           f"cols {crop.box[1]}-{crop.box[3] - 1}")
        return (f"{self.selected + 1}/{len(self.crops)} {top.image}  score {top.score:.6g}{where}{box}"
                "   , . choose  Enter opens")
