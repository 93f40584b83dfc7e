"""What the export dialog offers, preset to the marks or to what is on screen."""

from __future__ import annotations

from actviz_tui.core.export import FIGURE_KINDS, FigureRequest
from actviz_tui.ui.explorer_state import ExplorerState
from actviz_tui.ui.screens.export_dialog import ExportChoice


def export_choices(session, state: ExplorerState, shown_kind: str, shown_request=None) -> list[ExportChoice]:
    """The marks (if any), then one choice per figure kind, filled in from the
    selection; ``shown_kind`` (what the view on show saves) is preset when nothing
    is marked, as ``shown_request`` when the view gives one (its own settings)."""
    layer, channel = session.layers[state.layer].name, state.channel
    marks = sorted(state.marks)
    choices = [_marked_choice(session, marks)] if marks else []
    choices += [
        ExportChoice(
            kind.name,
            kind.describe(layer, channel),
            (shown_request if shown_request is not None and kind.name == shown_kind else kind.request(state.layer, channel),),
            not marks and kind.name == shown_kind,
        )
        for kind in FIGURE_KINDS.values()
    ]
    return choices


def _marked_choice(session, marks: list[tuple[int, int]]) -> ExportChoice:
    names = ", ".join(f"{session.layers[row].short_name} ch {channel}" for row, channel in marks[:4])
    more = f" +{len(marks) - 4}" if len(marks) > 4 else ""
    requests = tuple(FigureRequest("channel", layer=row, channel=channel) for row, channel in marks)
    return ExportChoice("marked", f"marked channels ({len(marks)}): {names}{more}", requests, True)
