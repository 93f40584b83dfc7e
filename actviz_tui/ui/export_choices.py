"""What the export dialog offers, preset to the marks or to what is on screen."""

from __future__ import annotations

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.export import FIGURE_KINDS, FigureRequest
from actviz_tui.core.export.run import plan_jobs
from actviz_tui.ui.explorer_state import ExplorerState
from actviz_tui.ui.screens.export_dialog import ExportChoice


def export_choices(session, state: ExplorerState, shown: FigureRequest) -> list[ExportChoice]:
    """The marks (if any), then one choice per figure kind, filled in from the
    selection; ``shown`` (the view on show's ``export_request``) stands for its
    kind, preset when nothing is marked. Figures the selection cannot give
    (filters of a layer without weights) are left out."""
    layer, channel = session.layers[state.layer].name, state.channel
    marks = sorted(state.marks)
    choices = [_marked_choice(session, marks)] if marks else []
    for kind in FIGURE_KINDS.values():
        request = shown if kind.name == shown.kind else kind.request(state.layer, channel)
        if _can_draw(session, request):  # e.g. no filters for a layer without weights
            ticked = not marks and kind.name == shown.kind
            label = kind.describe(layer, channel, session=session, request=request)
            choices.append(ExportChoice(kind.name, label, (request,), ticked))
    return choices


def _can_draw(session, request: FigureRequest) -> bool:
    try:
        plan_jobs(session, [request])
    except ActvizError:
        return False
    return True


def _marked_choice(session, marks: list[tuple[int, int]]) -> ExportChoice:
    names = ", ".join(f"{session.layers[row].short_name} ch {channel}" for row, channel in marks[:4])
    more = f" +{len(marks) - 4}" if len(marks) > 4 else ""
    requests = tuple(FigureRequest("channel", layer=row, channel=channel) for row, channel in marks)
    return ExportChoice("marked", f"marked channels ({len(marks)}): {names}{more}", requests, True)
