"""The explorer's part in filter patterns: the P key, and running what the filters view asks for.

A mixin of ExplorerScreen, as ``explorer_scan`` is: the view draws, the screen
hands its asks to the engine bridge (``EngineBridge.patterns``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

from actviz_tui.ui.views.patterns_face import PatternsFace

if TYPE_CHECKING:
    from textual.screen import Screen

    from actviz_tui.core.session.model_session import ModelSession
    from actviz_tui.ui.engine_bridge import EngineBridge
    from actviz_tui.ui.explorer_state import ExplorerState

    _Host = Screen[None]
else:
    _Host = object

PATTERNS = Binding(
    "P", "patterns", "Patterns", key_display="P",
    tooltip="filter patterns: what each channel responds to most (view 4's second face, computed in the "
    "background, the visible page first, cached on disk; Esc cancels); from another view, the selected "
    "channel's pattern; in view 4, back to the weights",
)


class ExplorerPatterns(_Host):
    if TYPE_CHECKING:  # what ExplorerScreen, the class this is a part of, provides
        state: ExplorerState
        session: ModelSession | None
        engine: EngineBridge

        def set_state(self, state: ExplorerState) -> None: ...

    def action_patterns(self) -> None:
        self.set_state(self.state.toggle_patterns())

    def on_patterns_face_patterns_wanted(self, message: PatternsFace.PatternsWanted) -> None:
        if message.key is None or message.order is None:
            self.engine.stop("patterns")
        elif self.session is not None:
            self.engine.patterns(self.session.model, message.key, message.order, reply_to=message.view)
