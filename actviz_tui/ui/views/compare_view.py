"""View 7: the selected channel of A and B side by side, and B − A (``--compare OTHER``).

A and B share one colour scale (the state's colormap and scale: each channel's own range
is here the range of both channels; the layer's, of both layers); B − A is drawn with a
diverging colormap on a range symmetric about 0, so 0 is its middle colour. The panels
stack when the view is narrow. The layer's metrics and the channel's own relative change
are in the caption; both sides of a layer come from one worker job (``compare_job``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static

from actviz_tui.core.export import FIGURE_KINDS, FigureRequest
from actviz_tui.core.pictures import colormap
from actviz_tui.core.pictures.display_maps import channel_map
from actviz_tui.core.pictures.value_ranges import finite_range, scaled_range
from actviz_tui.ui.compare_job import ComparedLayerReady, metric_text
from actviz_tui.ui.explorer_state import ExplorerState
from actviz_tui.ui.views.base import ExplorerView
from actviz_tui.ui.widgets.color_legend import ColorLegend
from actviz_tui.ui.widgets.heatmap_view import HeatmapView
from actviz_tui.ui.widgets.wrapping_line import WrappingLine

if TYPE_CHECKING:
    from actviz_tui.core.compare.pair import ComparedLayer
    from actviz_tui.ui.explorer_compare import ExplorerCompare

DIFFERENCE_CMAP = "coolwarm"  # diverging: 0 is its middle colour
STACK_BELOW = 72  # cells: narrower than this, the three panels go one above the other
SIDES = ("a", "b", "diff")
HEADING_AND_LEGEND_ROWS = 5  # a heading of up to 2 lines, the legend's 2, a gap
MIN_MAP_ROWS = 2


def combined_extent(*extents: tuple[float | None, float | None]) -> tuple[float | None, float | None]:
    lows = [low for low, _ in extents if low is not None]
    highs = [high for _, high in extents if high is not None]
    return (min(lows) if lows else None, max(highs) if highs else None)


class CompareView(ExplorerView):
    NAME, KEY, LABEL = "compare", "7", "Compare"
    HELP = ("view: with --compare OTHER, the selected channel of A and B side by side and B - A "
            "(diverging colours, 0 in the middle); the layer's relative L2, cosine and CKA in the caption")
    EXPORT_KIND = "compare"
    DEFAULT_CSS = """
    CompareView { layout: vertical; }
    CompareView #compare-panels { layout: horizontal; height: auto; }
    CompareView.-stacked #compare-panels { layout: vertical; }
    CompareView .compare-panel { width: 1fr; height: auto; }
    CompareView .compare-panel HeatmapView { height: 8; }
    CompareView #panel-a, CompareView #panel-b { padding-right: 1; }
    CompareView.-stacked #panel-a, CompareView.-stacked #panel-b { padding-right: 0; padding-bottom: 1; }
    CompareView .compare-heading { text-style: bold; }
    CompareView #compare-why { display: none; height: 1fr; content-align: center middle; text-wrap: wrap; }
    CompareView.-empty #compare-panels { display: none; }
    CompareView.-empty #compare-why { display: block; }
    """

    @dataclass
    class LayerWanted(Message):
        """Both sides of layer ``row``; answered to ``view`` with ``ComparedLayerReady``."""

        view: "CompareView"
        row: int

    def __init__(self, session_getter) -> None:
        super().__init__(session_getter)
        self._compared: ComparedLayer | None = None
        self._compared_key: tuple | None = None  # (image key, row) of _compared, or being computed
        self._extents: dict[str, tuple] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="compare-panels"):
            for side in SIDES:
                with Vertical(id=f"panel-{side}", classes="compare-panel"):
                    yield WrappingLine(id=f"heading-{side}").add_class("compare-heading")
                    yield HeatmapView(id=f"map-{side}")
                    yield ColorLegend(id=f"legend-{side}")
        yield Static("", id="compare-why", markup=False)

    @property
    def host(self) -> ExplorerCompare:
        return cast("ExplorerCompare", self.screen)

    def forget(self) -> None:
        self._compared = self._compared_key = None

    def pair_changed(self) -> None:
        """The comparison was opened, refused, or paired with a new image."""
        self.forget()
        if self.is_current:
            self.repaint()

    def on_compared_layer_ready(self, message: ComparedLayerReady) -> None:
        self._compared_key = (message.key, message.layer.row)
        self._compared = message.layer
        layer = message.layer
        self._extents = {"a": finite_range(layer.a), "b": finite_range(layer.b), "diff": finite_range(layer.difference)}
        if self.is_current:
            self.repaint()

    def export_request(self, state: ExplorerState) -> FigureRequest:
        path = self.host.compare_path
        if path is None or self.host.compare_pair is None:
            return FIGURE_KINDS["channel"].request(state.layer, state.channel)
        return FigureRequest("compare", layer=state.layer, channel=state.channel, options=(("other", str(path)),))

    # ----- drawing -------------------------------------------------------------------
    def repaint(self) -> None:
        if self.session is None:
            return
        pair, why = self.host.compare_status()
        self.set_class(self.size.width < STACK_BELOW, "-stacked")
        self.set_class(pair is None, "-empty")
        if pair is None:
            self.query_one("#compare-why", Static).update(why)
            self.caption = f"{self.layer_heading()}  {self._short_why(why)}"
            return
        row = self.state.layer
        wanted = (pair.a.key, row)
        if self._compared_key != wanted:
            self._compared_key, self._compared = wanted, None
            self.post_message(self.LayerWanted(self, row))
        if self._compared is None:
            self.caption = f"{self.layer_heading()}  comparing with {pair.b_name}…"
            return
        self._draw(self._compared, pair.a_name, pair.b_name)

    def _short_why(self, why: str) -> str:
        """The caption's few words; the view's middle says the rest."""
        path = self.host.compare_path
        if path is None:
            return "no comparison: start with --compare OTHER"
        if self.host.compare_problem:
            return f"cannot compare with {path.name} (why below)"
        return why

    def _draw(self, layer: ComparedLayer, a_name: str, b_name: str) -> None:
        state = self.state
        channel = min(state.channel, max(layer.a.shape[-1] - 1 if layer.a.ndim else 0, 0))
        a, b = channel_map(layer.a, channel), channel_map(layer.b, channel)
        extent = combined_extent(self._extents["a"], self._extents["b"])
        both = np.concatenate([a.ravel(), b.ravel()])
        vmin, vmax = scaled_range(both, state.scale, extent, symmetric=colormap.is_diverging(state.cmap))
        difference = b - a
        dmin, dmax = scaled_range(difference, state.scale, self._extents["diff"], symmetric=True)
        headings = {"a": f"A  {a_name}", "b": f"B  {b_name}", "diff": "B − A  (0 in the middle)"}
        self._panel("a", headings["a"], a, state.cmap, vmin, vmax)
        self._panel("b", headings["b"], b, state.cmap, vmin, vmax)
        self._panel("diff", headings["diff"], difference, DIFFERENCE_CMAP, dmin, dmax)
        self._align_headings(headings)
        self._fit_map_heights(a.shape)
        self.caption = self._heading(layer, channel)

    def _align_headings(self, headings: dict[str, str]) -> None:
        """Side by side, every heading as tall as the tallest, so that the maps start on one row."""
        widgets = {side: self.query_one(f"#heading-{side}", WrappingLine) for side in SIDES}
        counts = [WrappingLine.lines_for(headings[side], widget.content_size.width) for side, widget in widgets.items()]
        lines = 1 if self.has_class("-stacked") or None in counts else max(count or 1 for count in counts)
        for widget in widgets.values():
            if widget.styles.min_height is None or widget.styles.min_height.value != lines:
                widget.styles.min_height = lines

    def _fit_map_heights(self, shape: tuple[int, ...]) -> None:
        """Each map as tall as its picture at the panel's width (the legend right under it), within the view."""
        stacked = self.has_class("-stacked")
        width, height = self.size
        panel_width = width if stacked else max((width - 2) // 3, 1)
        room = (height // 3 if stacked else height) - HEADING_AND_LEGEND_ROWS
        picture_h, _ = colormap.fit_shape(shape[0], shape[1], max(room, MIN_MAP_ROWS) * 2, panel_width)
        rows = max(MIN_MAP_ROWS, -(-picture_h // 2))  # half-blocks: 2 pixels a row
        for side in SIDES:
            heatmap = self.query_one(f"#map-{side}", HeatmapView)
            if heatmap.styles.height is None or heatmap.styles.height.value != rows:
                heatmap.styles.height = rows

    def _panel(self, side: str, heading: str, values: np.ndarray, cmap: str, vmin: float, vmax: float) -> None:
        self.query_one(f"#heading-{side}", WrappingLine).show(heading)
        self.query_one(f"#map-{side}", HeatmapView).show_values(values, cmap, vmin, vmax)
        self.query_one(f"#legend-{side}", ColorLegend).set_range(cmap, vmin, vmax)

    def _heading(self, layer: ComparedLayer, channel: int) -> str:
        name = self.session.layers[layer.row].name
        where = f"channel {channel}/{self.state.channels}"
        if layer.a.ndim == 1:  # a Dense layer: the block shows every unit, the caption the selected one's values
            where = f"unit {channel}/{self.state.channels} = {layer.a[channel]:.4g} in A, {layer.b[channel]:.4g} in B"
        divergence = layer.divergence
        if divergence is None:
            metrics = "not compared (an input or a nested model's row)"
        else:
            metrics = (f"layer: relative L2 {metric_text(divergence.relative_l2)}  "
                       f"cosine {metric_text(divergence.cosine)}  CKA {metric_text(divergence.cka)}")
        what = "unit" if layer.a.ndim == 1 else "channel"
        change = f"{what} {channel}: relative L2 {metric_text(layer.channel_change(channel))}"
        first = self.host.compare_first_text()
        mark = "  * marked" if self.state.is_marked else ""
        return f"{name}  {where}  {metrics}  {change}  first divergent: {first}  {self.state.scale} scale{mark}"
