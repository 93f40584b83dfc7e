"""``input``: the image as the model sees it (after preprocessing)."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.seams import FigureSource
from actviz_tui.core import figures
from actviz_tui.core.export.base import DASH, Activations, CliOption, Drawn, ExportSettings, FigureKind
from actviz_tui.core.export.base import FigureRequest, Job
from actviz_tui.core.export.names import session_filename
from actviz_tui.core.pictures.value_ranges import finite_range


def plan(session: FigureSource, request: FigureRequest) -> list[Job]:
    return [Job(request.kind)]


def draw(job: Job, session: FigureSource, activations: Activations, settings: ExportSettings) -> Drawn:
    image = np.asarray(session.model_input, dtype=np.float32)
    title = f"{session.name}{DASH}input as the model sees it ({session.preprocessing})"
    fig = figures.input_figure(image, title=title, bgr=session.input_bgr)
    low, high = finite_range(image)
    return Drawn(fig, session_filename(session, KIND.file_kind), image, {"vmin": low, "vmax": high})


KIND = FigureKind(
    name="input",
    file_kind="input",
    label="the input image as the model sees it",
    plan=plan,
    draw=draw,
    option=CliOption("--input-image", "the input as the model sees it"),
)
