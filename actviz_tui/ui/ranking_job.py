"""Channel contributions in a worker: each channel's part in a class's decision at a layer.

The grid (ordered by decision) and the class map (the channels that drove its class)
both need ``ImageResults.channel_contributions``, a forward and backward pass: too
slow for the UI thread on a large model. ``ask_contributions`` runs it through the
engine bridge under a ``Ticket`` per asking view, so another image, layer or class
asked for overtakes it, and answers with ``ContributionsReady`` (the result, or why not).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widget import Widget
from textual.worker import Worker

from actviz_tui.core.errors import ActvizError, one_line
from actviz_tui.ui.engine_bridge import EngineBridge, Ticket
from actviz_tui.ui.messages import StageChanged


@dataclass(frozen=True)
class ContributionsKey:
    """Which contributions: this image, this layer (table row), this class (None: the top one)."""

    image: str | None
    layer: int
    class_index: int | None


@dataclass
class ContributionsReady(Message):
    key: ContributionsKey
    found: object | None  # core.explain.channel_contributions.ChannelContributions, None on error
    error: str = ""


def ask_contributions(engine: EngineBridge, results, key: ContributionsKey, reply_to: Widget) -> Worker:
    """Compute ``key``'s contributions in a worker; answered to ``reply_to`` while still the newest it asked."""
    ticket = Ticket(f"contributions-{reply_to.id}", results.key, key.layer, key)

    def job(worker: Worker) -> None:
        engine.screen.post_message(StageChanged(f"ranking channels of {results.layers[key.layer].name}"))
        try:
            found = results.channel_contributions(key.layer, key.class_index)
        except ActvizError as error:  # no spatial maps, no such class, no gradient: the view says why
            engine.reply(ticket, ContributionsReady(key, None, str(error)), reply_to)
            return
        except Exception as error:  # a bug or a backend failure: the view says so, the bridge reports it
            engine.reply(ticket, ContributionsReady(key, None, f"{type(error).__name__}: {one_line(error)}"), reply_to)
            raise
        engine.screen.post_message(StageChanged("ready"))
        engine.reply(ticket, ContributionsReady(key, found), reply_to)

    return engine.run_job(job, group=ticket.kind, failure="cannot rank the channels", ticket=ticket)
