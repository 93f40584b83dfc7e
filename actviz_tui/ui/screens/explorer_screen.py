"""The explorer screen: composition and wiring of the table, the views and the engine.

The screen owns the selection (``state``) and the selected layer's activation
(``layer_data``) as reactives that every view binds; key handlers only replace
``state``. Model work goes through ``EngineBridge`` and comes back as messages.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Static

from actviz_tui.core.model.backend_env import backend_name
from actviz_tui.core.pictures.display_maps import channel_count
from actviz_tui.core.inputs.images import display_rgb
from actviz_tui.core.model.options import ModelOptions
from actviz_tui.core.session.image_results import ImageResults
from actviz_tui.core.session.model_session import ModelSession
from actviz_tui.ui import explorer_actions
from actviz_tui.ui.engine_bridge import EngineBridge, Ticket
from actviz_tui.ui.explorer_commands import ExplorerCommands
from actviz_tui.ui.explorer_compare import ExplorerCompare
from actviz_tui.ui.explorer_export import ExplorerExport
from actviz_tui.ui.explorer_patterns import ExplorerPatterns
from actviz_tui.ui.explorer_save_view import ExplorerSaveView
from actviz_tui.ui.explorer_scan import ExplorerScan
from actviz_tui.ui.explorer_state import ExplorerState, ImageWalk, LayerData
from actviz_tui.ui.messages import (
    ActivationReady, EngineFailed, ImageFailed, ImageReady, SessionReady, StageChanged, StatsReady,
)
from actviz_tui.ui.picture_marks import FIELD_COLOUR, Outline
from actviz_tui.ui.views import VIEWS, ExplorerView
from actviz_tui.ui.views.probe_mode import PreviewField
from actviz_tui.ui.widgets.heatmap_view import HeatmapView
from actviz_tui.ui.widgets.layer_detail import LayerDetail
from actviz_tui.ui.widgets.layer_filter import LayerFilter
from actviz_tui.ui.widgets.layer_table import LayerTable
from actviz_tui.ui.widgets.notice_line import Notice, NoticeLine
from actviz_tui.ui.widgets.status_line import StatusLine
from actviz_tui.ui.widgets.wrapping_line import WrappingLine

MIN_WIDTH, MIN_HEIGHT = 60, 16


class ExplorerScreen(
    ExplorerCompare, ExplorerScan, ExplorerPatterns, ExplorerSaveView, ExplorerExport, explorer_actions.ExplorerActions,
    Screen[None],
):
    AUTO_FOCUS = "#layers"
    COMMANDS = {ExplorerCommands}
    BINDINGS = explorer_actions.bindings(VIEWS)

    state: reactive[ExplorerState] = reactive(ExplorerState, init=False, repaint=False)
    """The selection: layer, channel, view, colormap, scale, image, marks."""
    layer_data: reactive[LayerData | None] = reactive(None, init=False, repaint=False)
    """The selected layer's activation; None while it is computed."""

    def __init__(self, model_path: Path, image_paths: list[Path], options: ModelOptions = ModelOptions(),
                 *, session: ModelSession | None = None, start=None) -> None:
        super().__init__(id="explorer")
        self.model_path = Path(model_path)
        self.image_paths = [Path(p) for p in image_paths]
        self.options = options
        self.session: ModelSession | None = session  # injected by tests, else loaded
        self.results: ImageResults | None = None  # the shown image's results (session.no_image before one)
        self.start = start  # an ExplorerStart from the command line, applied once the model is in
        self.engine = EngineBridge(self)
        self.status_line = StatusLine(id="status")
        self._stats_pending = False
        self._walk: ImageWalk | None = None  # n / p under way: unreadable images are skipped

    @property
    def activation(self):
        """The selected layer's activation array, or None."""
        data = self.layer_data
        return data.array if data is not None and data.row == self.state.layer else None

    @property
    def marks(self) -> frozenset[tuple[int, int]]:
        return self.state.marks

    @property
    def current_view(self) -> ExplorerView:
        return self.query_one(f"#{self.state.view}", ExplorerView)

    # ----- layout -------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):
                yield LayerFilter(id="layer-filter")
                yield LayerTable(id="layers")
                yield WrappingLine("input", id="preview-title")
                yield HeatmapView(id="preview")
            with Vertical(id="viewer"):
                yield WrappingLine(id="title")
                with ContentSwitcher(initial=VIEWS[0].NAME, id="views"):
                    for view in VIEWS:
                        yield view(lambda: self.results).data_bind(ExplorerScreen.state, ExplorerScreen.layer_data)
        yield Static("enlarge the terminal (at least 60x16)", id="too-small")
        yield NoticeLine(id="notices")
        yield LayerDetail(id="detail")
        yield self.status_line
        footer = Footer()
        footer.compact = True  # a reactive since Textual 6.0; the keyword argument only since 6.2
        yield footer

    def on_mount(self) -> None:
        for view in self.query(ExplorerView):
            self.watch(view, "caption", self._caption_changed, init=False)
        self.query_one("#heatmap", HeatmapView).clear("loading…")
        self._check_size(self.size.width, self.size.height)
        status = self.status_line
        status.model, status.cmap = self.model_path.name, self.state.cmap
        status.device = f"{backend_name()} not loaded yet"
        self._show_image_name()
        if self.session is None:  # paint the first frame before the backend import competes for the GIL
            self.call_after_refresh(self.engine.load_model, self.model_path, self.options)
        else:
            self.post_message(SessionReady(self.session, "CPU"))

    def on_resize(self, event: Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-too-small")

    # ----- state ----------------------------------------------------------
    def watch_state(self, old: ExplorerState, new: ExplorerState) -> None:
        if old.view != new.view:
            self.query_one(ContentSwitcher).current = new.view
            self._caption_changed()
            self._ensure_layer()
            self.refresh_bindings()  # what Export can do depends on the view
        if old.marks != new.marks:
            self.query_one(LayerTable).set_marked({row for row, _ in new.marks})
        if old.cmap != new.cmap:
            self.status_line.cmap = new.cmap
        if old.image != new.image:
            self._show_image_name()
        if old.layer != new.layer:
            self.query_one(LayerDetail).show(new.layer)

    def set_state(self, state: ExplorerState) -> None:
        self.state = state

    def select_layer(self, row: int) -> None:
        if self.session is None:
            return
        self.state = self.state.with_layer(row, self.session.layers[row].channels or 1)
        self._ensure_layer()

    def _ensure_layer(self) -> None:
        """Compute the selected layer's activation if the view on show draws it."""
        row = self.state.layer
        if self.results is None or not self.results.has_image or self.activation is not None:
            return
        ticket = Ticket("activation", self.results.key, row)
        cached = self.results.cached_activation(row)
        if cached is not None:
            self.engine.answer(ticket, ActivationReady(row, cached), self)
        elif self.current_view.NEEDS in ("layer", "layers"):
            self.engine.compute_activation(self.results, row)
        else:
            self.engine.want(ticket)  # nothing on show draws it: an older layer's answer is stale

    def load_image(self, index: int) -> None:
        """Read image ``index``; if it cannot be read, say why (see ``walk_to_image``)."""
        assert self.session is not None  # images load once the model is in
        self._walk = None
        self.engine.load_image(self.session, index, self.image_paths[index])

    def walk_to_image(self, index: int, step: int, walk: ImageWalk | None = None) -> None:
        """Read image ``index``; if it cannot be read, skip it (a message) for the next
        one in direction ``step``, until one can be, or the walk is back where it began."""
        shown = self.state.image if self.results is not None and self.results.has_image else None
        self.load_image(index)
        self._walk = walk or ImageWalk(step, index, shown)

    # ----- engine messages --------------------------------------------------
    @on(StageChanged)
    def _stage(self, message: StageChanged) -> None:
        self.status_line.stage = message.stage

    @on(SessionReady)
    def _session_ready(self, message: SessionReady) -> None:
        self.session, self.status_line.device = message.session, message.device
        self.results = self.session.no_image
        self.query_one(LayerTable).set_layers(self.session.layers)
        detail = self.query_one(LayerDetail)
        detail.set_layers(self.session.layers, self.session.receptive_fields)
        detail.show(self.state.layer)
        self.apply_start(self.start)
        self.status_line.stage = "ready"
        hint = self.session.preprocessing_hint()
        if hint:
            self.announce(Notice(hint, "preprocessing", "warning"))
        if not self.image_paths:
            self.query_one("#heatmap", HeatmapView).clear("no image given: press o to open an image or a .npy array")
        else:
            self.walk_to_image(self.state.image, 1)

    @on(ImageFailed)
    def _image_failed(self, message: ImageFailed) -> None:
        walk, self._walk = self._walk, None
        following = None if walk is None else walk.after(message.image_index, len(self.image_paths))
        if walk is None or following is None:
            self._engine_failed(EngineFailed(message.error))
            return
        self.status_line.stage = f"skipped {message.path.name}"
        self.notify(f"skipped {message.path.name}: {message.error}", title="image", severity="warning", timeout=6)
        self.walk_to_image(following, walk.step, walk)  # the same walk goes on

    @on(ImageReady)
    def _image_ready(self, message: ImageReady) -> None:
        assert self.session is not None  # an image is read by the loaded session
        self._walk = None
        self.engine.want_image(message.results.key)
        self.status_line.error, self._stats_pending = "", True
        self.results = message.results
        self.layer_data = None
        for view in self.query(ExplorerView):
            view.forget()
        self.query_one(LayerTable).set_stats({})
        self._show_image_name()  # an opened image adds to the count
        picture = message.results.model_input
        assert picture is not None  # an ImageReady always carries an image
        self.query_one("#preview", HeatmapView).show_rgb(display_rgb(picture, message.results.input_bgr))
        shape = "x".join(str(d) for d in picture.shape)
        self.query_one("#preview-title", WrappingLine).show(
            f"input {shape} ({message.results.preprocessing})  {self.session.input_description()}"
        )
        self.state = replace(self.state, image=message.image_index)
        self.select_layer(self.state.layer)
        if self.current_view.NEEDS == "image":  # the first image, on the class map: no state change repaints it
            self.current_view.repaint()
        if self.current_view.NEEDS not in ("layer", "layers"):
            self._start_stats()

    @on(ActivationReady)
    def _activation_ready(self, message: ActivationReady) -> None:
        self.state = self.state.with_layer(message.row, channel_count(message.activation))
        self.layer_data = LayerData(message.row, message.activation)
        self.refresh_bindings()  # Mark and Export are usable now
        self.status_line.error, self.status_line.stage = "", "ready"
        self._start_stats()  # after the first picture, not before it

    def _start_stats(self) -> None:
        if self._stats_pending:
            self._stats_pending = False
            if self.results is not None:
                self.engine.compute_stats(self.results)

    @on(StatsReady)
    def _stats_ready(self, message: StatsReady) -> None:
        self.query_one(LayerTable).set_stats(message.stats)
        self.status_line.stage = "ready"

    @on(EngineFailed)
    def _engine_failed(self, message: EngineFailed) -> None:
        self.show_error(message.message)
        if message.fatal_for_model:
            self.query_one("#heatmap", HeatmapView).clear(message.message + "\n\npress q to quit")
        elif self.activation is None:
            self.query_one("#heatmap", HeatmapView).clear(message.message + "\n\npress o to open another image")

    def show_error(self, text: str) -> None:
        self.status_line.error, self.status_line.stage = text, "error"
        self.announce(Notice(text, "error", "error"))

    @on(Notice)
    def announce(self, notice: Notice) -> None:
        """Tell the user something in the notice line above the status line: it covers no picture."""
        self.query_one(NoticeLine).add(notice)

    # ----- table and filter -------------------------------------------------
    @on(DataTable.RowHighlighted, "#layers")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self.select_layer(int(event.row_key.value))

    @on(LayerFilter.Changed)
    def _filter_changed(self, event: LayerFilter.Changed) -> None:
        table = self.query_one(LayerTable)
        table.set_filter(event.text, keep=self.state.layer)
        shown = table.selected_row
        if shown is not None and shown != self.state.layer:  # the selected layer was filtered out
            self.select_layer(shown)

    @on(LayerFilter.Dismissed)
    def _filter_dismissed(self) -> None:
        self.query_one(LayerTable).focus()

    # ----- what the views ask for ----------------------------------------------
    @on(ExplorerView.ChannelChosen)
    def _channel_chosen(self, message: ExplorerView.ChannelChosen) -> None:
        if message.layer is not None and message.layer != self.state.layer:  # the table follows
            self.state = replace(self.state, wanted_channel=message.channel)
            self.select_layer(message.layer)
            self.query_one(LayerTable).select_layer(message.layer)
            return
        self.state = self.state.with_channel(message.channel)

    @on(ExplorerView.SettingsChosen)
    def _settings_chosen(self, message: ExplorerView.SettingsChosen) -> None:
        self.state = replace(self.state, **message.changes)

    @on(PreviewField)
    def _preview_field(self, message: PreviewField) -> None:
        box = message.box
        outlines = () if box is None else (Outline(*box.outline, colour=FIELD_COLOUR),)
        self.query_one("#preview", HeatmapView).set_outlines(outlines)

    @on(ExplorerView.LayersWanted)
    def _layers_wanted(self, message: ExplorerView.LayersWanted) -> None:
        if self.results is None:
            return
        self.engine.compute_layers(self.results, list(message.rows), message.request, reply_to=message.view)

    @on(ExplorerView.PredictionsWanted)
    def _predictions_wanted(self, message: ExplorerView.PredictionsWanted) -> None:
        if self.results is None:
            return
        self.engine.predict(self.results, reply_to=message.view)

    @on(ExplorerView.ClassHeatmapWanted)
    def _class_heatmap_wanted(self, message: ExplorerView.ClassHeatmapWanted) -> None:
        if self.results is None:
            return
        self.engine.class_heatmap(self.results, message.request, reply_to=message.view)

    # ----- heading and status -------------------------------------------------
    def _caption_changed(self) -> None:
        self.query_one("#title", WrappingLine).show(self.current_view.caption)

    def _show_image_name(self) -> None:
        status, paths = self.status_line, self.image_paths
        status.image = paths[self.state.image].name if paths else ""
        status.image_number, status.image_count = self.state.image + 1, len(paths)

    def editing_text(self) -> bool:
        return isinstance(self.focused, Input)
