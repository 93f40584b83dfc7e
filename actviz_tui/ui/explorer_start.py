"""Where the command line asks the explorer to open; light, so ``actviz`` can
build it before the first paint (no numpy, no backend)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from actviz_tui.ui.explorer_state import ExplorerState


@dataclass(frozen=True)
class ExplorerStart:
    """Where the command line asks the explorer to open (``--layer``, ``--channel``, ``--view``),
    the scan it browses (``--scan``), the class map's method (``--cam-method``: a name or
    "best"; without ``--view`` it opens on the class map) and what to compare with (``--compare``)."""

    layer: str | int | None = None
    channel: int | None = None
    view: str | None = None
    scan: str | None = None
    cam_method: str | None = None
    compare: str | None = None  # --compare OTHER: a second checkpoint or a second input (view 7)
    # A saved view's (``--view-file``): the colours, and the class map's class, layer, overlay, method options.
    cmap: str | None = None
    scale: str | None = None
    cam_class: int | str | None = None  # an index, or a class name
    cam_layer: str | int | None = None
    cam_cmap: str | None = None
    cam_options: tuple = ()

    def cam_method_problem(self) -> str:
        """"" or why ``cam_method`` is no method (checked once the model is in: no numpy before)."""
        from actviz_tui.core.evaluate.best import BEST
        from actviz_tui.core.explain import METHODS

        known = [*METHODS, BEST]
        if self.cam_method is None or self.cam_method in known:
            return ""
        return f"no class heatmap method {self.cam_method!r}: one of {', '.join(known)}"

    def applied_to(self, state: ExplorerState, session) -> ExplorerState:
        """``state`` moved there; LayerLookupError for a layer the model does not have."""
        if self.channel is not None:
            state = replace(state, wanted_channel=max(self.channel, 0))
        row = state.layer if self.layer is None else session.find_layer(self.layer)
        state = state.with_layer(row, session.layers[row].channels or 1)
        if self.cam_method is not None:
            state = replace(state, cam=replace(state.cam, method=self.cam_method))
        state = self._saved_settings(state, session)
        view = self.view or ("cam" if self.cam_method is not None else None)
        return state.with_view(view) if view else state

    def _saved_settings(self, state: ExplorerState, session) -> ExplorerState:
        """A saved view's colours and class-map settings (``ui.view_start`` checked them)."""
        cam = state.cam
        if self.cam_layer is not None:
            cam = replace(cam, layer=session.find_layer(self.cam_layer))
        if isinstance(self.cam_class, str):
            from actviz_tui.core.analysis.class_names import output_classes

            cam = replace(cam, class_index=output_classes(session.keras_model, session.labels).index(self.cam_class))
        elif self.cam_class is not None:
            cam = replace(cam, class_index=int(self.cam_class))
        cam = replace(cam, cmap=self.cam_cmap or cam.cmap, method_options=self.cam_options or cam.method_options)
        return replace(state, cmap=self.cmap or state.cmap, scale=self.scale or state.scale, cam=cam)
