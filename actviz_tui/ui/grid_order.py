"""The grid view's channel order: index, mean, max (numpy, here) or decision (a worker).

``GridOrder.ranking(...)`` gives the ``ChannelRanking`` the tiles follow, and a note
for the caption: the order, or "ranking…" while the decision's gradient pass runs
(tiles stay in index order meanwhile), or why the decision is undefined there.
``position_after`` moves along the displayed order (arrows, [ ], PgUp/PgDn);
``page_titles`` is the text of a page's tile titles ("#1 c12 0.53").
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from rich.text import Text

from actviz_tui.core.analysis.channel_ranking import ORDERS, ChannelRanking, index_ranking, rank_channels, ranking_of
from actviz_tui.ui.ranking_job import ContributionsKey, ContributionsReady

TITLE_GAP = "  "


def next_order(order: str) -> str:
    return ORDERS[(ORDERS.index(order) + 1) % len(ORDERS)] if order in ORDERS else ORDERS[0]


class GridOrder:
    def __init__(self, ask: Callable[[ContributionsKey], None]) -> None:
        self._ask = ask  # start the decision's worker for a key
        self._computed: tuple = (None, "", None)  # (activation, order, ranking) of mean / max
        self._decisions: dict[ContributionsKey, ChannelRanking | str] = {}  # a ranking, or why none
        self._asked: ContributionsKey | None = None

    def forget(self) -> None:
        """A new image: every decision ranking is stale."""
        self._decisions.clear()
        self._asked = None

    def ranking(self, order: str, activation: np.ndarray, key: ContributionsKey) -> tuple[ChannelRanking, str]:
        """(the order the tiles follow, the caption's note)."""
        channels = int(activation.shape[-1])
        if order in ("mean", "max"):
            array, by, found = self._computed
            if array is not activation or by != order:
                found = ranking_of(activation, order)
                self._computed = (activation, order, found)
            return found, found.description
        if order != "decision":
            return index_ranking(channels), ""
        answer = self._decisions.get(key)
        if answer is None:
            if self._asked != key:
                self._asked = key
                self._ask(key)
            return index_ranking(channels), "ordering by decision: ranking\u2026 (tiles in index order until ready)"
        if isinstance(answer, str):
            return index_ranking(channels), f"no decision order: {answer}"
        if len(answer.channels) != channels:  # a layer whose channels differ from its maps' last axis
            return index_ranking(channels), "no decision order: the contributions do not match the tiles"
        return answer, answer.description

    def answered(self, message: ContributionsReady) -> bool:
        """Keep a worker's answer; True when it is the one the grid waits for."""
        if message.found is None:
            self._decisions[message.key] = message.error or "cannot rank the channels"
        else:
            found = message.found
            self._decisions[message.key] = rank_channels(
                found.contributions, "decision", found.class_index, found.label)  # type: ignore[attr-defined]
        return message.key == self._asked


def position_after(ranking: ChannelRanking, channel: int, step: int) -> int:
    """The channel ``step`` places after ``channel`` along the displayed order (clamped to its ends)."""
    last = len(ranking.channels) - 1
    return ranking.channel_at(min(max(ranking.position(channel) + step, 0), last))


def page_titles(ranking: ChannelRanking, first: int, count: int, selected: int, width: int, lines: int) -> Text:
    """The tile titles of a page in the tiles' order, the selected one reversed, packed into
    ``lines`` lines of ``width`` (a title never split); then how many more the page has."""
    shown = [ranking.title(channel) for channel in ranking.channels[first : first + count]]
    rows: list[list[int]] = [[]]
    for index, title in enumerate(shown):
        used = sum(len(shown[i]) + len(TITLE_GAP) for i in rows[-1])
        if rows[-1] and used + len(title) > width:
            if len(rows) == lines:
                break
            rows.append([])
        rows[-1].append(index)
    placed = sum(len(row) for row in rows)
    if placed < len(shown):  # room for the count of the rest, on the last line
        more = f"\u2026 +{len(shown) - placed} more"
        while rows[-1] and sum(len(shown[i]) + len(TITLE_GAP) for i in rows[-1]) + len(more) > width:
            rows[-1].pop()
            placed -= 1
        more = f"\u2026 +{len(shown) - placed} more"
    text = Text()
    for number, row in enumerate(rows):
        if number:
            text.append("\n")
        for index in row:
            channel = ranking.channels[first + index]
            text.append(TITLE_GAP if index != row[0] else "")
            text.append(shown[index], style="reverse bold" if channel == selected else "")
    if placed < len(shown):
        text.append(f"{TITLE_GAP if rows[-1] else ''}{more}", style="dim")
    return text
