"""What every explorer view shares: its key, label, export kind and inputs.

The screen owns the selection (``ExplorerState``) and the selected layer's
activation (``LayerData``) as reactives; each view binds both, and repaints
when either changes while it is the view on show. A view writes its heading
to ``caption``, which the screen shows above the views.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

import numpy as np
from textual.binding import BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from actviz_tui.core.pictures import colormap
from actviz_tui.core.pictures.value_ranges import finite_range
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
        """The view picked a channel (a grid click, a page key)."""

        channel: int

    def __init__(self, session_getter) -> None:
        super().__init__(id=self.NAME)
        self._session = session_getter  # the ModelSession arrives after the view exists
        self._layer_range: tuple = (None, False, (0.0, 1.0))  # (array, symmetric?, its range)
        self._layer_extent: tuple = (None, (None, None))  # (array, its finite range)

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

    def export_request(self):
        """The figure request that saves exactly this view, if its settings matter; else None
        (the dialog then fills EXPORT_KIND's request from the selection)."""
        return None

    def channel_step(self, delta: int) -> int:
        """How far [ and ] (±10) and the arrows (±1) move the channel in this view."""
        return delta

    def value_range(self, values: np.ndarray, layer: np.ndarray) -> tuple[float, float]:
        """The colour scale of ``values``: their own range, or the whole layer's in layer scale."""
        symmetric = self.state.cmap in colormap.DIVERGING
        if self.state.scale != "layer":
            return colormap.value_range(values, symmetric=symmetric, layer_range=self.layer_extent(layer))
        # The same for every channel of the layer: scan it once, not on every key.
        scanned, was_symmetric, layer_range = self._layer_range
        if scanned is not layer or was_symmetric != symmetric:
            layer_range = colormap.value_range(layer, symmetric=symmetric)
            self._layer_range = (layer, symmetric, layer_range)
        return layer_range

    def layer_extent(self, layer: np.ndarray) -> tuple[float | None, float | None]:
        """The layer's finite (min, max), scanned once per layer: near-flat channels draw flat against it."""
        scanned, extent = self._layer_extent
        if scanned is not layer:
            extent = finite_range(layer)
            self._layer_extent = (layer, extent)
        return extent

    def layer_heading(self) -> str:
        info = self.session.layers[self.state.layer]
        return f"{info.name}  ({info.type})"
