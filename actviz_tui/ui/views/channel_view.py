"""View 1: one channel's map as a heatmap, with its colour legend."""

from __future__ import annotations

import numpy as np
from textual.app import ComposeResult

from actviz_tui.core.analysis.class_names import binary_names, is_binary
from actviz_tui.core.analysis.predictions import unit_labels
from actviz_tui.core.pictures.display_maps import channel_map, channel_value, describe_picture, has_spatial_maps
from actviz_tui.core.pictures.value_ranges import negligible
from actviz_tui.ui.views.base import ExplorerView
from actviz_tui.ui.widgets.color_legend import ColorLegend
from actviz_tui.ui.widgets.heatmap_view import HeatmapView
from actviz_tui.ui.widgets.unit_bars import UnitBars


class ChannelView(ExplorerView):
    NAME, KEY, LABEL = "channel", "1", "Single"
    HELP = "view: one channel as a heatmap, with its colour legend in real values"
    EXPORT_KIND = "channel"
    DEFAULT_CSS = """
    ChannelView { layout: vertical; }
    ChannelView UnitBars { display: none; }
    ChannelView.-bars UnitBars { display: block; }
    ChannelView.-bars HeatmapView, ChannelView.-bars ColorLegend { display: none; }
    """

    def compose(self) -> ComposeResult:
        yield HeatmapView(id="heatmap")
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
        self.query_one(HeatmapView).show_values(values, state.cmap, vmin, vmax)
        self.query_one(ColorLegend).set_range(state.cmap, vmin, vmax)
        self.caption = self._heading(activation, values)

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
