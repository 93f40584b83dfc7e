"""The explorer screen: layer table, heatmaps, views; everything but start-up.

Nothing here computes activations: TensorFlow import, model loading and
activation extraction run in thread workers that report with messages; key
handlers only change ``self.state`` and repaint from arrays already in memory.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
from textual import on, work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.events import Resize
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Static

from actviz_tui.core import colormap
from actviz_tui.core.display_maps import (
    channel_count, channel_map, channel_stack, channel_value, describe_picture, has_spatial_maps,
)
from actviz_tui.core.errors import ActvizError, one_line
from actviz_tui.core.export_jobs import MAX_ACROSS_PANELS, ExportSettings, export_figures, spatial_layer_rows
from actviz_tui.core.image_input import display_rgb
from actviz_tui.core.model_session import ModelSession, SessionOptions
from actviz_tui.core.backend_env import backend_device_label, backend_name, import_backend
from actviz_tui.ui.explorer_state import ExplorerState
from actviz_tui.ui.frame_timer import FrameTimer
from actviz_tui.ui.grid_layout import GridLayout, plan_grid
from actviz_tui.ui.grid_picture import grid_picture
from actviz_tui.ui.messages import (
    AcrossReady, ActivationReady, EngineFailed, ExportDone, ImageReady, SessionReady, StageChanged, StatsReady,
)
from actviz_tui.ui.export_choices import export_choices
from actviz_tui.ui.screens.export_dialog import ExportDialog, ExportPlan
from actviz_tui.ui.screens.prompt_screen import PromptScreen
from actviz_tui.ui.widgets.color_legend import ColorLegend
from actviz_tui.ui.widgets.heatmap_view import HeatmapView
from actviz_tui.ui.widgets.layer_table import LayerTable
from actviz_tui.ui.widgets.map_tile import MapTile
from actviz_tui.ui.widgets.text_line import TextLine

MIN_WIDTH, MIN_HEIGHT = 60, 16
CURSOR_ACTIONS = frozenset({"channel", "first_channel", "last_channel", "grid_page"})


class ExplorerScreen(Screen[None]):
    AUTO_FOCUS = "#layers"
    BINDINGS = [
        Binding("left", "channel(-1)", "Channel -", priority=True),
        Binding("right", "channel(1)", "Channel +", priority=True),
        Binding("left_square_bracket", "channel(-10)", "-10", show=False, priority=True),
        Binding("right_square_bracket", "channel(10)", "+10", show=False, priority=True),
        Binding("home", "first_channel", "First channel", show=False, priority=True),
        Binding("end", "last_channel", "Last channel", show=False, priority=True),
        Binding("c", "ask_channel", "Channel #"),
        Binding("1", "view('channel')", "Single"),
        Binding("2", "view('grid')", "Grid"),
        Binding("3", "view('across')", "Across"),
        Binding("pageup", "grid_page(-1)", "Page up", show=False, priority=True),
        Binding("pagedown", "grid_page(1)", "Page down", show=False, priority=True),
        Binding("m", "next_cmap", "Colormap"),
        Binding("s", "next_scope", "Scale"),
        Binding("n", "image(1)", "Next image", show=False),
        Binding("p", "image(-1)", "Prev image", show=False),
        Binding("o", "open_image", "Open image", show=False),
        Binding("slash", "filter", "Filter"),
        Binding("x", "toggle_mark", "Mark"),
        Binding("e", "export", "Export"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("f1,question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(
        self,
        model_path: Path,
        image_paths: list[Path],
        options: SessionOptions = SessionOptions(),
        *,
        session: ModelSession | None = None,
    ) -> None:
        super().__init__(id="explorer")
        self.model_path = Path(model_path)
        self.image_paths = [Path(p) for p in image_paths]
        self.options = options
        self.session: ModelSession | None = session  # injected by tests, else loaded
        self.state = ExplorerState()
        self.activation: np.ndarray | None = None  # of state.layer, when computed
        self.device = ""
        self.stage = "starting"
        self.error = ""
        self.frame_timer = FrameTimer()
        self.engine_lock = threading.Lock()  # one TensorFlow call at a time
        self._grid_layout: GridLayout | None = None
        self._across_key: tuple | None = None  # what the across-layers tiles show
        self._layer_range: tuple = (None, False, (0.0, 1.0))  # (activation, symmetric?, its range)
        self._stats_pending = False
        self.marks: set[tuple[int, int]] = set()  # (layer row, channel) chosen for export

    # ----- layout -------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="sidebar"):
                # Disabled (so never focused) until / opens it: typed keys are commands, not text.
                yield Input(placeholder="filter layers: part of a name or type", id="filter", disabled=True)
                yield LayerTable(id="layers")
                yield TextLine("input", id="preview-title")
                yield HeatmapView(id="preview")
            with Vertical(id="viewer"):
                yield TextLine(id="title")
                with ContentSwitcher(initial="single", id="views"):
                    with Vertical(id="single"):
                        yield HeatmapView(id="heatmap")
                        yield ColorLegend(id="legend")
                    with Vertical(id="grid-view"):
                        yield HeatmapView(id="grid")
                    with VerticalScroll(id="across"):
                        yield Static("", id="note")
                        yield Vertical(id="across-tiles")
        yield Static("enlarge the terminal (at least 60x16)", id="too-small")
        yield TextLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#heatmap", HeatmapView).frame_callback = self.frame_timer.frame_done
        self.query_one("#grid", HeatmapView).frame_callback = self.frame_timer.frame_done
        self.query_one("#heatmap", HeatmapView).clear("loading…")
        self.query_one(LayerTable).focus()
        self._check_size(self.size.width, self.size.height)
        self.show_status()
        if self.session is None:
            # Paint the first frame before the TensorFlow import starts competing for the GIL.
            self.call_after_refresh(self.load_model)
        else:
            self.post_message(SessionReady(self.session, "CPU"))

    def on_resize(self, event: Resize) -> None:
        self._check_size(event.size.width, event.size.height)
        self.call_after_refresh(self.refresh_view)

    def _check_size(self, width: int, height: int) -> None:
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-too-small")

    # ----- workers (threads): all TensorFlow work ------------------------
    @work(thread=True, exclusive=True, group="engine", exit_on_error=False, description="load model")
    def load_model(self) -> None:
        try:
            self.post_message(StageChanged(f"importing {backend_name()}"))
            import_backend()
            device = backend_device_label()
            self.post_message(StageChanged(f"loading model {self.model_path.name}"))
            with self.engine_lock:
                session = ModelSession.open(self.model_path, self.options)
            self.post_message(SessionReady(session, device))
        except ActvizError as error:
            self.post_message(EngineFailed(str(error), fatal_for_model=True))
        except Exception as error:
            self.post_message(EngineFailed(f"unexpected {type(error).__name__}: {one_line(error)}", True))

    @work(thread=True, exclusive=True, group="image", exit_on_error=False, description="read image")
    def load_image(self, index: int) -> None:
        session = self.session
        path = self.image_paths[index]
        try:
            self.post_message(StageChanged(f"reading {path.name}"))
            with self.engine_lock:
                if get_current_worker().is_cancelled:  # another image was asked for
                    return
                model_input = session.set_image(path)
            self.post_message(ImageReady(index, model_input))
        except ActvizError as error:
            self.post_message(EngineFailed(str(error)))
        except Exception as error:
            self.post_message(EngineFailed(f"cannot use image {path}: {one_line(error)}"))

    @work(thread=True, exclusive=True, group="activation", exit_on_error=False, description="compute layer")
    def compute_activation(self, row: int) -> None:
        session = self.session
        with self.engine_lock:
            if row != self.state.layer:  # a newer selection won while we waited
                return
            self.post_message(StageChanged(f"computing {session.layers[row].name}"))
            try:
                activation = session.activation(row)
            except Exception as error:
                self.post_message(EngineFailed(f"cannot compute {session.layers[row].name}: {one_line(error)}"))
                return
        self.post_message(ActivationReady(row, activation))

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False, description="layer statistics")
    def compute_stats(self) -> None:
        with self.engine_lock:
            if get_current_worker().is_cancelled:  # the image changed again
                return
            self.post_message(StageChanged("computing statistics of every layer"))
            try:
                stats = self.session.compute_all_stats()
            except Exception as error:
                self.post_message(EngineFailed(f"cannot compute statistics: {one_line(error)}"))
                return
        self.post_message(StatsReady(stats))

    @work(thread=True, exclusive=True, group="across", exit_on_error=False, description="all layers")
    def compute_across(self, channel: int) -> None:
        rows = spatial_layer_rows(self.session)  # the same panels as the exported figure
        with self.engine_lock:
            if get_current_worker().is_cancelled:
                return
            self.post_message(StageChanged("computing every layer"))
            try:
                arrays = self.session.activations(rows)
            except Exception as error:
                self.post_message(EngineFailed(f"cannot compute the layers: {one_line(error)}"))
                return
        if not get_current_worker().is_cancelled:
            self.post_message(AcrossReady(channel, arrays))

    # ----- engine messages ---------------------------------------------
    @on(StageChanged)
    def _stage(self, message: StageChanged) -> None:
        self.stage = message.stage
        self.show_status()

    @on(SessionReady)
    def _session_ready(self, message: SessionReady) -> None:
        self.session, self.device = message.session, message.device
        self.query_one(LayerTable).set_layers(self.session.layers)
        self.stage = "ready"
        self.show_status()
        hint = self.session.preprocessing_hint()
        if hint:
            self.notify(hint, title="preprocessing", severity="warning", timeout=12)
        if not self.image_paths:
            self.query_one("#heatmap", HeatmapView).clear("no image given: press o to open one")
        elif self.session.image_input_index is None:
            self._show_error(self.session.input_description() + ": this model does not take an image; layer table only")
        else:
            self.load_image(self.state.image)

    @on(ImageReady)
    def _image_ready(self, message: ImageReady) -> None:
        self.state = replace(self.state, image=message.image_index)
        self.error = ""
        self.activation = None
        self._across_key = None
        self._stats_pending = True
        self.query_one(LayerTable).set_stats({})
        preview = self.query_one("#preview", HeatmapView)
        preview.show_rgb(display_rgb(message.model_input))
        shape = "x".join(str(d) for d in message.model_input.shape)
        self.query_one("#preview-title", TextLine).update(
            f"input {shape} ({self.session.options.preprocessing})  {self.session.input_description()}"
        )
        self.select_layer(self.state.layer)

    @on(ActivationReady)
    def _activation_ready(self, message: ActivationReady) -> None:
        if message.row != self.state.layer:
            return
        self.activation = message.activation
        self.refresh_bindings()  # Mark and Export are usable now
        self.state = self.state.with_layer(message.row, channel_count(message.activation))
        self.error, self.stage = "", "ready"
        self.show_status()
        self.refresh_view()
        if self._stats_pending:  # after the first picture, not before it
            self._stats_pending = False
            self.compute_stats()

    @on(StatsReady)
    def _stats_ready(self, message: StatsReady) -> None:
        self.query_one(LayerTable).set_stats(message.stats)
        self.stage = "ready"
        self.show_status()

    @on(EngineFailed)
    def _engine_failed(self, message: EngineFailed) -> None:
        self._show_error(message.message)
        if message.fatal_for_model:
            self.query_one("#heatmap", HeatmapView).clear(message.message + "\n\npress q to quit")
        elif self.activation is None:
            self.query_one("#heatmap", HeatmapView).clear(message.message + "\n\npress o to open another image")

    def _show_error(self, text: str) -> None:
        self.error = text
        self.stage = "error"
        self.show_status()
        self.notify(text, title="actviz", severity="error", timeout=8)

    # ----- selection ----------------------------------------------------
    @on(DataTable.RowHighlighted, "#layers")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self.select_layer(int(event.row_key.value))

    def select_layer(self, row: int) -> None:
        if self.session is None:
            return
        self.state = self.state.with_layer(row, self.session.layers[row].channels or 1)
        self.activation = None
        if not self.session.has_image:
            self.refresh_view()
            return
        cached = self.session.probe.cache.get(row)
        if cached is not None:
            self.post_message(ActivationReady(row, cached))
        else:
            self.compute_activation(row)

    def action_channel(self, delta: int) -> None:
        if self.state.view == "grid" and self._grid_layout and delta in (10, -10):
            delta = self._grid_layout.cols * (1 if delta > 0 else -1)
        self._set_state(self.state.step_channel(delta))

    def action_first_channel(self) -> None:
        self._set_state(self.state.with_channel(0))

    def action_last_channel(self) -> None:
        self._set_state(self.state.with_channel(self.state.channels - 1))

    def action_grid_page(self, delta: int) -> None:
        if self._grid_layout is not None:
            self._set_state(self.state.step_channel(delta * self._grid_layout.per_page))

    def action_ask_channel(self) -> None:
        def chosen(answer: str | None) -> None:
            if answer and answer.isdigit():
                if int(answer) >= self.state.channels:
                    self.notify(f"no channel {answer} here: showing the last, {self.state.channels - 1}", timeout=4)
                self._set_state(self.state.with_channel(int(answer)))
            elif answer:
                self.notify(f"not a channel number: {answer}", severity="warning")

        self.app.push_screen(PromptScreen(f"Channel (0-{self.state.channels - 1}):", "e.g. 29"), chosen)

    def action_view(self, view: str) -> None:
        self._set_state(self.state.with_view(view))

    def action_next_cmap(self) -> None:
        self._set_state(self.state.next_cmap())

    def action_next_scope(self) -> None:
        self._set_state(self.state.next_scope())

    def action_image(self, delta: int) -> None:
        if self.session is None:
            self.notify("the model is still loading", timeout=3)
        elif len(self.image_paths) < 2:
            self.notify("only one image: give several on the command line, or press o", timeout=3)
        else:
            self.load_image((self.state.image + delta) % len(self.image_paths))

    def action_open_image(self) -> None:
        def chosen(answer: str | None) -> None:
            if not answer:
                return
            self.image_paths.append(Path(answer).expanduser())
            if self.session is None:  # opened once the model has loaded
                self.state = replace(self.state, image=len(self.image_paths) - 1)
            else:
                self.load_image(len(self.image_paths) - 1)

        self.app.push_screen(PromptScreen("Open image (path):", "path/to/image.jpg"), chosen)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.disabled = False
        box.add_class("-shown")
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.remove_class("-shown")
        box.disabled = True
        self.query_one(LayerTable).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        table = self.query_one(LayerTable)
        table.set_filter(event.value, keep=self.state.layer)
        shown = table.selected_row
        if shown is not None and shown != self.state.layer:  # the selected layer was filtered out
            self.select_layer(shown)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one(LayerTable).focus()

    def action_toggle_mark(self) -> None:
        if self.activation is None:
            return
        self.marks ^= {(self.state.layer, self.state.channel)}
        self.query_one(LayerTable).set_marked({row for row, _ in self.marks})
        self.refresh_view()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("export", "toggle_mark") and self.activation is None:
            return None  # shown, but disabled until activations exist
        if action in CURSOR_ACTIONS and isinstance(self.focused, Input):
            return False  # let the filter box move its own text cursor
        if action == "grid_page" and self.state.view != "grid":
            return False  # elsewhere the keys page the table or scroll
        return True

    def action_export(self) -> None:
        if self.activation is None:
            return
        settings = ExportSettings(cmap=self.state.cmap, scale=self.state.scope)
        choices = export_choices(self.session, self.state, self.marks)
        self.app.push_screen(ExportDialog(choices, settings), self._start_export)

    def _start_export(self, plan: ExportPlan | None) -> None:
        if plan is not None:
            self.export_worker(plan)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False, description="export figures")
    def export_worker(self, plan: ExportPlan) -> None:
        self.post_message(StageChanged(f"exporting to {plan.settings.folder}"))
        try:
            with self.engine_lock:
                paths = export_figures(self.session, plan.requests, plan.settings)
        except ActvizError as error:
            self.post_message(EngineFailed(f"export failed: {error}"))
            return
        except Exception as error:
            self.post_message(EngineFailed(f"export failed: {type(error).__name__}: {error}"))
            return
        self.post_message(ExportDone(paths))

    @on(ExportDone)
    def _export_done(self, message: ExportDone) -> None:
        self.error = ""
        self.stage = f"exported {len(message.paths)} file(s)"
        self.show_status()
        names = "\n".join(str(path) for path in message.paths[:8])
        more = f"\n… and {len(message.paths) - 8} more" if len(message.paths) > 8 else ""
        self.notify(f"wrote {len(message.paths)} file(s):\n{names}{more}", title="export", timeout=8)

    def action_help(self) -> None:
        from actviz_tui.ui.screens.help_screen import HelpScreen  # Markdown is slow to import

        self.app.push_screen(HelpScreen())

    def _set_state(self, state: ExplorerState) -> None:
        if state == self.state:
            return
        self.frame_timer.mark()
        self.state = state
        self.refresh_view()

    # ----- painting -------------------------------------------------------
    def refresh_view(self) -> None:
        self.query_one(ContentSwitcher).current = {"channel": "single", "grid": "grid-view", "across": "across"}[self.state.view]
        if self.session is None:
            return
        layer = self.session.layers[self.state.layer]
        if self.activation is None:
            self._title(f"{layer.name}  ({layer.type})")
            return
        if self.state.view == "channel":
            self._paint_channel(layer.name)
        elif self.state.view == "grid":
            self._paint_grid(layer.name)
        else:
            self._paint_across()
        self.show_status()

    def _value_range(self, values: np.ndarray) -> tuple[float, float]:
        symmetric = self.state.cmap in colormap.DIVERGING
        if self.state.scope != "layer":
            return colormap.value_range(values, symmetric=symmetric)
        # The whole layer's range is the same for every channel: scan it once.
        scanned, was_symmetric, layer_range = self._layer_range
        if scanned is not self.activation or was_symmetric != symmetric:
            layer_range = colormap.value_range(self.activation, symmetric=symmetric)
            self._layer_range = (self.activation, symmetric, layer_range)
        return layer_range

    def _paint_channel(self, layer_name: str) -> None:
        activation, channel = self.activation, self.state.channel
        values = channel_map(activation, channel)
        vmin, vmax = self._value_range(values)
        self.query_one("#heatmap", HeatmapView).show_values(values, self.state.cmap, vmin, vmax)
        self.query_one(ColorLegend).set_range(self.state.cmap, vmin, vmax)
        where = f"channel {channel}/{self.state.channels}"
        unit_value = channel_value(activation, channel)
        if unit_value is not None:
            where = f"unit {channel}/{self.state.channels} = {unit_value:.4g}  ({describe_picture(activation)})"
        elif not has_spatial_maps(activation):
            where += f"  ({describe_picture(activation)})"
        low, high = np.nanmin(values), np.nanmax(values)  # the data's own range, not the colour scale's
        dead = "  dead: all zeros" if low == high == 0 else ""
        mark = "  * marked" if (self.state.layer, channel) in self.marks else ""
        self._title(f"{layer_name}  {where}  [{low:.4g}, {high:.4g}]  {self.state.scope} scale{dead}{mark}")

    def _paint_grid(self, layer_name: str) -> None:
        grid = self.query_one("#grid", HeatmapView)
        if not has_spatial_maps(self.activation):
            self._grid_layout = None
            values = channel_map(self.activation, 0)
            vmin, vmax = self._value_range(values)
            grid.show_values(values, self.state.cmap, vmin, vmax)
            self._title(f"{layer_name}  {describe_picture(self.activation)}  (no maps to tile)")
            return
        stack = channel_stack(self.activation)
        width, height = grid.content_size
        if width < 2 or height < 2:  # just switched to and not laid out yet, or hidden
            if not self.has_class("-too-small"):
                self.call_after_refresh(self.refresh_view)
            return
        layout = plan_grid(stack.shape[2], stack.shape[0], stack.shape[1], height * 2, width)
        self._grid_layout = layout
        page = layout.page_of(self.state.channel)
        layer_range = self._value_range(stack) if self.state.scope == "layer" else None
        marked = frozenset(channel for row, channel in self.marks if row == self.state.layer)
        grid.show_rgb(grid_picture(stack, layout, page, self.state.channel, self.state.cmap, layer_range, marked))
        first = page * layout.per_page
        last = min(first + layout.per_page, stack.shape[2])
        pages = -(-stack.shape[2] // layout.per_page)
        self._title(
            f"{layer_name}  channels {first}-{last - 1} of {stack.shape[2]}  page {page + 1}/{pages}  "
            f"selected {self.state.channel}  {self.state.scope} scale"
        )

    def _paint_across(self) -> None:
        key = (self.state.channel, self.state.cmap, self.state.scope, self.size.width)
        if key != self._across_key:
            self._across_key = key
            self._title(f"channel {self.state.channel} across layers")
            self.compute_across(self.state.channel)

    @on(AcrossReady)
    def _across_ready(self, message: AcrossReady) -> None:
        if self.state.view != "across" or message.channel != self.state.channel:
            return  # a newer request is on its way
        channel, cmap = message.channel, self.state.cmap
        tiles, skipped = [], []
        for row, activation in message.arrays.items():
            name, stack = self.session.layers[row].name, channel_stack(activation)
            if stack.shape[2] <= channel:
                skipped.append(f"{name} ({stack.shape[2]} ch)")
                continue
            values = stack[:, :, channel]
            source = stack if self.state.scope == "layer" else values
            value_range = colormap.value_range(source, symmetric=cmap in colormap.DIVERGING)
            tiles.append(MapTile(f"{name} {values.shape[0]}x{values.shape[1]}", values, cmap, value_range))
        self._mount_tiles(tiles[:MAX_ACROSS_PANELS])
        self._across_note(channel, len(tiles), skipped)
        self._title(f"channel {channel} across {min(len(tiles), MAX_ACROSS_PANELS)} layers  ({self.state.scope} scale)")
        self.stage = "ready"
        self.show_status()

    def _mount_tiles(self, tiles: list[MapTile]) -> None:
        container = self.query_one("#across-tiles", Vertical)
        container.remove_children()
        container.styles.grid_size_columns = max(1, min(4, self.query_one("#views").size.width // 28))
        container.mount(*tiles)

    def _across_note(self, channel: int, shown: int, skipped: list[str]) -> None:
        note = f"too few channels for channel {channel}: {', '.join(skipped)}" if skipped else ""
        if shown > MAX_ACROSS_PANELS:
            note += f"  (first {MAX_ACROSS_PANELS} of {shown} layers shown)"
        if not shown:
            note = f"no layer has a map for channel {channel}. " + note
        self.query_one("#note", Static).update(note)

    def _title(self, text: str) -> None:
        self.query_one("#title", TextLine).update(text)

    def show_status(self) -> None:
        image = self.image_paths[self.state.image].name if self.image_paths else "no image"
        parts = [self.model_path.name, image, self.device or f"{backend_name()} not loaded yet", self.state.cmap]
        text = "  |  ".join(parts) + f"  |  {self.error or self.stage}"
        status = self.query_one("#status", TextLine)
        status.update(text)
        status.set_class(bool(self.error), "-error")

    # ----- mouse: click a grid tile ------------------------------------------
    def on_click(self, event) -> None:
        grid = self.query_one("#grid", HeatmapView)
        if self.state.view != "grid" or self._grid_layout is None or event.widget is not grid:
            return
        offset = event.get_content_offset(grid)
        if offset is None:
            return
        left, top = grid.picture_offset()
        x, y = offset.x - left, (offset.y - top) * 2
        slot = self._grid_layout.slot_at(y, x) if x >= 0 and y >= 0 else None
        first = self._grid_layout.page_of(self.state.channel) * self._grid_layout.per_page
        if slot is not None and first + slot < self.state.channels:
            self._set_state(self.state.with_channel(first + slot))

    # ----- command palette ----------------------------------------------------
    def palette_commands(self):
        """(title, help, callback) for every key action but quit."""
        for binding in self.BINDINGS:
            if binding.action != "app.quit":
                yield binding.description, f"key: {binding.key}", self._runner(binding.action)

    def _runner(self, action: str):
        return lambda: self.run_action(action)
