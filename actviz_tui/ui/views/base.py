"""What every explorer view shares: its key, label, export kind and inputs.

The screen owns the selection and the views' settings (``ExplorerState``) and
the selected layer's activation (``LayerData``) as reactives; each view binds
both, and repaints when either changes while it is the view on show. A view
never reaches into the screen: it changes the state, or asks for model work,
by posting the messages below, and writes its heading to ``caption``, which
the screen shows above the views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Hashable, cast

import numpy as np
from textual.binding import BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from actviz_tui.core.analysis.stats import dead_channels
from actviz_tui.core.export import FIGURE_KINDS, FigureRequest
from actviz_tui.core.pictures import colormap
from actviz_tui.core.pictures.value_ranges import finite_range, scaled_range
from actviz_tui.ui.explorer_state import ExplorerState, LayerData

if TYPE_CHECKING:
    from actviz_tui.ui.engine_bridge import EngineBridge
    from actviz_tui.ui.screens.explorer_screen import ExplorerScreen


class ExplorerView(Widget):
    NAME: ClassVar[str]  # the value of ExplorerState.view, and the widget's id
    KEY: ClassVar[str]  # the key that shows this view
    LABEL: ClassVar[str]  # footer and command palette
    HELP: ClassVar[str]  # one line for F1 help
    EXPORT_KIND: ClassVar[str]  # the export registry's figure kind that saves what it shows
    # What it draws from: "layer", the selected layer's activation (the screen
    # computes it); "layers", several layers (the view asks the engine itself);
    # "weights", the model alone (no image needed); "image", the input image alone.
    NEEDS: ClassVar[str] = "layer"
    # Keys of the view itself; the layer table keeps the focus, so the screen
    # routes these to the view on show (see ExplorerActions.action_view_key).
    BINDINGS: ClassVar[list[BindingType]] = []
    PROMPT_KEYS: ClassVar[frozenset[str]] = frozenset()  # its keys that open a prompt: typed-ahead keys go there

    state: reactive[ExplorerState] = reactive(ExplorerState, init=False, repaint=False)
    """The selection, bound from the screen."""
    layer_data: reactive[LayerData | None] = reactive(None, init=False, repaint=False)
    """The selected layer's activation, bound from the screen (None while computing)."""
    caption: reactive[str] = reactive("", init=False, repaint=False)
    """The heading the screen shows above this view."""

    @dataclass
    class ChannelChosen(Message):
        """The view picked a channel (a grid click, a page key); of another ``layer`` (a table row) too."""

        channel: int
        layer: int | None = None

    @dataclass
    class SettingsChosen(Message):
        """The view changed its own settings: ``changes`` are ExplorerState fields
        (``across_shift``, ``filters_page``, ``cam``) with their new values."""

        changes: dict[str, Any]

    @dataclass
    class LayersWanted(Message):
        """Compute these layers' activations in one graph pass; answered to ``view``
        with ``LayersReady(request, ...)``."""

        view: "ExplorerView"
        rows: tuple[int, ...]
        request: Hashable

    @dataclass
    class PredictionsWanted(Message):
        """Predict the shown image; answered to ``view`` with ``PredictionsReady``."""

        view: "ExplorerView"

    @dataclass
    class ClassHeatmapWanted(Message):
        """A class heatmap (``request``: class_heatmap's keyword arguments); answered
        to ``view`` with ``ClassHeatmapReady``."""

        view: "ExplorerView"
        request: dict[str, Any]

    def __init__(self, session_getter) -> None:
        super().__init__(id=self.NAME)
        self._session = session_getter  # the ModelSession arrives after the view exists
        self._waiting_for_layout = False  # a repaint found its picture not laid out yet
        self._layer_extent: tuple = (None, (None, None))  # (array, its finite range)
        self._layer_dead: tuple = (None, frozenset())  # (array, its dead channels)

    @property
    def session(self):
        return self._session()

    @property
    def engine(self) -> EngineBridge:
        """The engine bridge of the explorer screen, where every view lives."""
        return cast("ExplorerScreen", self.screen).engine

    @property
    def is_current(self) -> bool:
        return self.state.view == self.NAME

    def watch_state(self) -> None:
        if self.is_current:
            self.repaint()

    def watch_layer_data(self) -> None:
        if self.is_current:
            self.repaint()

    def on_resize(self) -> None:
        if self.is_current:
            self.call_after_refresh(self.repaint)

    def repaint(self) -> None:
        """Draw the selection; called only while this view is on show. Every view overrides it."""

    def forget(self) -> None:
        """A new image: drop whatever the view computed for the old one (if anything)."""

    def scan_changed(self) -> None:
        """A dataset scan was opened: repaint what depends on it (dead marks, top images)."""
        if self.is_current:
            self.repaint()

    def export_request(self, state: ExplorerState) -> FigureRequest:
        """The figure request that saves what this view shows for ``state``: the export
        dialog presets it. By default EXPORT_KIND's request for the selected layer and channel."""
        return FIGURE_KINDS[self.EXPORT_KIND].request(state.layer, state.channel)

    def laid_out(self, width: int, height: int) -> bool:
        """False, and one more repaint after the next refresh, while the picture has no
        size yet (the view was just shown); later sizes come with a resize."""
        if width >= 2 and height >= 2:
            self._waiting_for_layout = False
            return True
        if not self._waiting_for_layout:  # once: a screen too small to show it must not spin
            self._waiting_for_layout = True
            self.call_after_refresh(self.repaint)
        return False

    def channel_step(self, delta: int) -> int:
        """How far [ and ] (±10) and the arrows (±1) move the channel in this view."""
        return delta

    def value_range(self, values: np.ndarray, layer: np.ndarray) -> tuple[float, float]:
        """The colour scale of ``values`` (part of ``layer``) by the state's scale and colormap."""
        state = self.state
        return scaled_range(values, state.scale, self.layer_extent(layer), symmetric=colormap.is_diverging(state.cmap))

    def layer_extent(self, layer: np.ndarray) -> tuple[float | None, float | None]:
        """The layer's finite (min, max), scanned once per layer, not on every key."""
        scanned, extent = self._layer_extent
        if scanned is not layer:
            extent = finite_range(layer)
            self._layer_extent = (layer, extent)
        return extent

    def layer_dead(self, layer: np.ndarray) -> frozenset[int]:
        """The layer's dead channels: on the whole dataset when a scan has the layer, else on this
        image (``stats.dead_channels``, found once per layer)."""
        on_dataset = self.scan_dead()
        if on_dataset is not None:
            return on_dataset
        scanned, dead = self._layer_dead
        if scanned is not layer:
            dead = frozenset(dead_channels(layer))
            self._layer_dead = (layer, dead)
        return dead

    def scan_dead(self) -> frozenset[int] | None:
        """The selected layer's channels dead on the scanned dataset; None without a scan of it."""
        return cast("ExplorerScreen", self.screen).scan_dead(self.state.layer)

    def layer_heading(self) -> str:
        info = self.session.layers[self.state.layer]
        return f"{info.name}  ({info.type})"
