"""The comparison's work in workers (``--compare OTHER``), through the bridge's ``run_job``:
opening OTHER once, pairing each shown image with B, one layer of both sides for view 7, and
every layer's divergence for the table's column. Answers about an image no longer shown are
dropped by their tickets."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker

from actviz_tui.core.errors import ActvizError
from actviz_tui.ui.engine_bridge import EngineBridge, Ticket
from actviz_tui.ui.messages import StageChanged

if TYPE_CHECKING:
    from actviz_tui.core.compare.comparison import LayerDivergence
    from actviz_tui.core.compare.pair import ComparedLayer, ComparedPair, OtherSide
    from actviz_tui.core.session.image_results import ImageResults
    from actviz_tui.core.session.model_session import ModelSession

FIRST_MARK = "▶"  # the table's first divergent layer
UNDEFINED = "—"


@dataclass
class CompareOpened(Message):
    other: OtherSide


@dataclass
class CompareRefused(Message):
    """OTHER cannot be compared: another architecture, a file that cannot be read."""

    path: Path
    problem: str


@dataclass
class PairReady(Message):
    pair: ComparedPair


@dataclass
class ComparedLayerReady(Message):
    key: str | None  # A's image
    layer: ComparedLayer


@dataclass
class DivergenceReady(Message):
    key: str | None  # A's image
    divergences: dict[int, LayerDivergence]
    first_row: int | None


def open_other(bridge: EngineBridge, session: ModelSession, path: Path) -> Worker:
    def job(worker: Worker) -> None:
        from actviz_tui.core.compare.pair import OtherSide

        bridge.screen.post_message(StageChanged(f"opening {path.name} to compare"))
        try:
            other = OtherSide.open(session, path)
        except ActvizError as error:
            bridge.reply(None, CompareRefused(path, str(error)))
            return
        bridge.reply(None, CompareOpened(other))

    return bridge.run_job(job, group="compare-open", failure=f"cannot compare with {path.name}")


def pair_image(bridge: EngineBridge, other: OtherSide, results: ImageResults) -> Worker:
    """A's shown image with B's side (reads the image through the second checkpoint)."""
    ticket = Ticket("compare-pair", results.key)

    def job(worker: Worker) -> None:
        bridge.reply(ticket, PairReady(other.pair(results)))

    return bridge.run_job(job, group="compare-pair", failure=f"cannot compare with {other.path.name}", ticket=ticket)


def compare_layer(bridge: EngineBridge, pair: ComparedPair, row: int, reply_to: Widget) -> Worker:
    ticket = Ticket("compare-layer", pair.a.key, row)

    def job(worker: Worker) -> None:
        bridge.reply(ticket, ComparedLayerReady(pair.a.key, pair.layer(row)), reply_to)

    return bridge.run_job(job, group="compare-layer", failure="cannot compare the layer", ticket=ticket)


def compare_all_layers(bridge: EngineBridge, pair: ComparedPair) -> Worker:
    """Every layer's divergence (the table's column), once per image."""
    ticket = Ticket("compare-divergence", pair.a.key)

    def job(worker: Worker) -> None:
        bridge.screen.post_message(StageChanged("comparing every layer"))
        divergences = pair.divergences()
        bridge.reply(ticket, DivergenceReady(pair.a.key, divergences, pair.first_divergent_row()))
        bridge.screen.post_message(StageChanged("ready"))

    return bridge.run_job(job, group="compare-divergence", failure="cannot compare the layers", ticket=ticket)


def divergence_texts(rows: int, divergences: dict[int, LayerDivergence], first_row: int | None) -> dict[int, str]:
    """The table column: each row's relative L2 (4 significant digits), the first divergent row
    marked; "—" where undefined (a row not compared, A all zero)."""
    texts = {}
    for row in range(rows):
        layer = divergences.get(row)
        value = None if layer is None else layer.relative_l2
        text = UNDEFINED if value is None or not math.isfinite(value) else f"{value:.4g}"
        texts[row] = FIRST_MARK + text if row == first_row else text
    return texts


def metric_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"
