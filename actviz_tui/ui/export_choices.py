"""What the export dialog offers, preset to the marks or to what is on screen."""

from __future__ import annotations

from actviz_tui.core.export_jobs import FigureRequest
from actviz_tui.ui.explorer_state import ExplorerState
from actviz_tui.ui.screens.export_dialog import ExportChoice


def export_choices(session, state: ExplorerState, marks: set[tuple[int, int]]) -> list[ExportChoice]:
    layer, channel, view = session.layers[state.layer].name, state.channel, state.view
    choices = [_marked_choice(session, sorted(marks))] if marks else []
    on_screen = not marks  # marks win over what is on screen
    choices += [
        ExportChoice("channel", f"{layer} channel {channel}",
                     (FigureRequest("channel", layer=state.layer, channel=channel),), on_screen and view == "channel"),
        ExportChoice("grid", f"{layer}: every channel (grid)",
                     (FigureRequest("grid", layer=state.layer),), on_screen and view == "grid"),
        ExportChoice("across", f"channel {channel} across layers",
                     (FigureRequest("across", channel=channel),), on_screen and view == "across"),
        ExportChoice("all-layers", "all layers: one grid per layer", (FigureRequest("all-layers"),), False),
        ExportChoice("input", "the input image as the model sees it", (FigureRequest("input"),), False),
    ]
    return choices


def _marked_choice(session, marks: list[tuple[int, int]]) -> ExportChoice:
    names = ", ".join(f"{session.layers[row].short_name} ch {channel}" for row, channel in marks[:4])
    more = f" +{len(marks) - 4}" if len(marks) > 4 else ""
    requests = tuple(FigureRequest("channel", layer=row, channel=channel) for row, channel in marks)
    return ExportChoice("marked", f"marked channels ({len(marks)}): {names}{more}", requests, True)
