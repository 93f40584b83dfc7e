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
    and the scan it browses (``--scan``)."""

    layer: str | int | None = None
    channel: int | None = None
    view: str | None = None
    scan: str | None = None

    def applied_to(self, state: ExplorerState, session) -> ExplorerState:
        """``state`` moved there; LayerLookupError for a layer the model does not have."""
        if self.channel is not None:
            state = replace(state, wanted_channel=max(self.channel, 0))
        row = state.layer if self.layer is None else session.find_layer(self.layer)
        state = state.with_layer(row, session.layers[row].channels or 1)
        return state.with_view(self.view) if self.view else state
