"""What the export dialog offers, preset to the marks or to what is on screen."""

from __future__ import annotations

from actviz_tui.core.export import FigureRequest
from actviz_tui.ui.explorer_state import ExplorerState
from actviz_tui.ui.screens.export_dialog import ExportChoice

# Figures that no view shows, always offered, never preset.
WHOLE_MODEL_CHOICES = (
    ExportChoice("all-layers", "all layers: one grid per layer", (FigureRequest("all-layers"),), False),
    ExportChoice("input", "the input image as the model sees it", (FigureRequest("input"),), False),
)


def export_choices(session, state: ExplorerState, views) -> list[ExportChoice]:
    """Marked channels first (preset when there are marks), then each view's figure
    (preset for the view on show when there are none), then the whole-model figures."""
    marks = sorted(state.marks)
    choices = [_marked_choice(session, marks)] if marks else []
    choices += [
        ExportChoice(view.EXPORT_KIND, view.export_label(state), (view.export_request(state),),
                     not marks and view.NAME == state.view)
        for view in views
    ]
    return choices + list(WHOLE_MODEL_CHOICES)


def _marked_choice(session, marks: list[tuple[int, int]]) -> ExportChoice:
    names = ", ".join(f"{session.layers[row].short_name} ch {channel}" for row, channel in marks[:4])
    more = f" +{len(marks) - 4}" if len(marks) > 4 else ""
    requests = tuple(FigureRequest("channel", layer=row, channel=channel) for row, channel in marks)
    return ExportChoice("marked", f"marked channels ({len(marks)}): {names}{more}", requests, True)
