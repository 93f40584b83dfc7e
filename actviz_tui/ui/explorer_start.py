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
        view = self.view or ("cam" if self.cam_method is not None else None)
        return state.with_view(view) if view else state
