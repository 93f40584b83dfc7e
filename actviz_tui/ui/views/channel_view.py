"""View 1: one channel's map as a heatmap, with its colour legend."""

from __future__ import annotations

import numpy as np
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Click

from actviz_tui.core.analysis.class_names import binary_names, is_binary
from actviz_tui.core.analysis.predictions import unit_labels
from actviz_tui.core.pictures.display_maps import channel_map, channel_value, describe_picture, has_spatial_maps
from actviz_tui.core.pictures.value_ranges import negligible
from actviz_tui.ui.views.base import ExplorerView
from actviz_tui.ui.views.probe_mode import PreviewField, ProbeCursor, probe_line, probed_box, unprobeable
from actviz_tui.ui.widgets.color_legend import ColorLegend
from actviz_tui.ui.widgets.heatmap_view import HeatmapView
from actviz_tui.ui.widgets.notice_line import Notice
from actviz_tui.ui.widgets.probe_map import ProbeMap
from actviz_tui.ui.widgets.unit_bars import UnitBars
from actviz_tui.ui.widgets.wrapping_line import WrappingLine


class ChannelView(ExplorerView):
    NAME, KEY, LABEL = "channel", "1", "Single"
    HELP = "view: one channel as a heatmap, with its colour legend in real values"
    EXPORT_KIND = "channel"
    BINDINGS = [
        Binding("v", "probe", "Probe", tooltip="single channel: probe mode, the value under a cursor and its receptive "
                "field boxed on the input preview; arrows move the cursor (shift: 4 positions), a click on the map "
                "puts it there, Esc or v leaves"),
    ]
    DEFAULT_CSS = """
    ChannelView { layout: vertical; }
    ChannelView #probe-line { display: none; }
    ChannelView.-probing #probe-line { display: block; }
    ChannelView UnitBars { display: none; }
    ChannelView.-bars UnitBars { display: block; }
    ChannelView.-bars HeatmapView, ChannelView.-bars ColorLegend { display: none; }
    """

    def __init__(self, session_getter) -> None:
        super().__init__(session_getter)
        self.probe: ProbeCursor | None = None  # the probe's cursor; None out of probe mode

    def compose(self) -> ComposeResult:
        yield ProbeMap(id="heatmap")
        yield WrappingLine(id="probe-line")
        yield ColorLegend(id="legend")
        yield UnitBars(id="unit-bars")

    def repaint(self) -> None:
        if self.layer_data is None or self.layer_data.row != self.state.layer:
            if self.session is not None:
                self.caption = self.layer_heading()
            return
        state, activation = self.state, self.layer_data.array
        values = channel_map(activation, state.channel)
        as_bars = activation.ndim <= 1 and state.layer in self.session.output_rows
        self.set_class(as_bars, "-bars")  # the model's output: labelled bars, not a block
        if as_bars:
            kind = self.session.output_kinds.get(state.layer, "values")
            labels = unit_labels(self.session.labels, activation.size)
            if is_binary(kind, activation.size):  # the one unit is p, class 1's probability
                labels = {0: binary_names(self.session.labels)[1]}
            self.query_one(UnitBars).show(activation, state.channel, labels, kind)
        vmin, vmax = self.value_range(values, activation)
        probe = self._probe_on(activation)
        outlines = () if probe is None else (probe.outline,)
        self.query_one(HeatmapView).show_values(values, state.cmap, vmin, vmax, outlines)
        self.query_one(ColorLegend).set_range(state.cmap, vmin, vmax)
        self.caption = self._heading(activation, values)
        if probe is not None:
            box = probed_box(self.session.receptive_fields[state.layer], probe, self.session.model_input)
            self.query_one("#probe-line", WrappingLine).show(probe_line(values, probe, box))
            self.post_message(PreviewField(box))

    # ----- probe mode -------------------------------------------------------------
    def watch_state(self) -> None:
        if not self.is_current and self.probe is not None:
            self.leave_probe()
        super().watch_state()

    def action_probe(self) -> None:
        """v: into probe mode at the map's centre (or where it was), or out of it."""
        if self.probe is not None:
            self.leave_probe()
            return
        activation = self._activation()
        if activation is None:
            self.post_message(Notice("probe: the layer's maps are still being computed", "probe"))
            return
        self.enter_probe(ProbeCursor(activation.shape[0] // 2, activation.shape[1] // 2))

    def enter_probe(self, cursor: ProbeCursor) -> None:
        activation = self._activation()
        if activation is None or self._refused(activation):
            return
        self.probe = cursor.clamped(activation.shape)
        self.add_class("-probing")
        picture = self.query_one(ProbeMap)
        picture.can_focus = True
        picture.focus()
        self.repaint()

    def leave_probe(self, repaint: bool = True) -> None:
        self.probe = None
        self.remove_class("-probing")
        picture = self.query_one(ProbeMap)
        had_focus = picture.has_focus
        picture.can_focus = False
        if had_focus and self.screen.AUTO_FOCUS:  # back to the screen's own (the layer table)
            self.screen.query(self.screen.AUTO_FOCUS).first().focus()
        self.post_message(PreviewField(None))
        if repaint and self.is_current:
            self.repaint()

    @on(ProbeMap.Moved)
    def _probe_moved(self, message: ProbeMap.Moved) -> None:
        activation = self._activation()
        if self.probe is not None and activation is not None and activation.ndim == 3:
            self.probe = self.probe.moved(message.rows, message.cols, activation.shape)
            self.repaint()

    @on(ProbeMap.Left)
    def _probe_left(self) -> None:
        self.leave_probe()

    def on_click(self, event: Click) -> None:
        """A click on the map puts the probe's cursor there (into probe mode if need be)."""
        picture = self.query_one(ProbeMap)
        activation = self._activation()
        if activation is None or event.widget is None or picture not in event.widget.ancestors_with_self:
            return
        offset = event.screen_offset - picture.content_region.offset  # a pixel tier's picture sits inside
        position = picture.picture_pixel(offset.x, offset.y)
        if position is not None:
            self.enter_probe(ProbeCursor(*position))

    def _activation(self) -> np.ndarray | None:
        data = self.layer_data
        return data.array if data is not None and data.row == self.state.layer else None

    def _probe_on(self, activation: np.ndarray) -> ProbeCursor | None:
        """The cursor kept on this layer's map (clamped after a layer change); probe mode ends where there is none."""
        if self.probe is None or self._refused(activation):
            return None
        self.probe = self.probe.clamped(activation.shape)
        return self.probe

    def _refused(self, activation: np.ndarray) -> bool:
        why = unprobeable(activation, self.session.layers[self.state.layer].name)
        if why is not None:
            self.post_message(Notice(why, "probe", "warning"))
            if self.probe is not None:
                self.leave_probe(repaint=False)  # asked while repainting
        return why is not None

    def _heading(self, activation: np.ndarray, values: np.ndarray) -> str:
        state = self.state
        where = f"channel {state.channel}/{state.channels}"
        unit_value = channel_value(activation, state.channel)
        if unit_value is not None:
            where = f"unit {state.channel}/{state.channels} = {unit_value:.4g}  ({describe_picture(activation)})"
        elif not has_spatial_maps(activation):
            where += f"  ({describe_picture(activation)})"
        low, high = np.nanmin(values), np.nanmax(values)  # the data's own range, not the colour scale's
        dead = ""
        if negligible(max(abs(low), abs(high)), self.layer_extent(activation)):  # activation_stats' rule
            dead = "  dead: all zeros" if low == high == 0 else "  dead: all ~0"
        if state.channel in (self.scan_dead() or ()):
            dead += "  dead on the scanned dataset"
        mark = "  * marked" if state.is_marked else ""
        name = self.session.layers[state.layer].name
        return f"{name}  {where}  [{low:.4g}, {high:.4g}]  {state.scale} scale{dead}{mark}"
