"""The grid's order without the app: moving along it, and its titles packed into lines."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.analysis.channel_ranking import rank_channels
from actviz_tui.ui.grid_order import GridOrder, next_order, page_titles, position_after
from actviz_tui.ui.ranking_job import ContributionsKey, ContributionsReady

RANKING = rank_channels(np.array([0.5, 3.0, -1.0, 2.0, 1.0]), "mean")  # order 1, 3, 4, 0, 2


def test_orders_cycle_and_moves_follow_the_displayed_order():
    assert [next_order(o) for o in ("index", "mean", "max", "decision")] == ["mean", "max", "decision", "index"]
    assert RANKING.channels == (1, 3, 4, 0, 2)
    assert position_after(RANKING, 4, 1) == 0 and position_after(RANKING, 4, -2) == 1
    assert position_after(RANKING, 0, 10) == 2 and position_after(RANKING, 3, -10) == 1  # clamped to the ends


def test_titles_pack_whole_into_lines_then_count_the_rest():
    text = page_titles(RANKING, 0, 5, selected=4, width=25, lines=2)
    assert text.plain.split("\n") == ["#1 c1 3  #2 c3 2  #3 c4 1", "#4 c0 0.5  #5 c2 -1"]
    assert page_titles(RANKING, 0, 5, selected=4, width=25, lines=1).plain == "#1 c1 3  \u2026 +4 more"
    assert page_titles(RANKING, 1, 3, selected=4, width=40, lines=1).plain == "#2 c3 2  #3 c4 1  #4 c0 0.5"
    (reversed_span,) = [span for span in text.spans if "reverse" in str(span.style)]
    assert text.plain[reversed_span.start:reversed_span.end] == "#3 c4 1"  # the selected one


def test_decision_is_asked_once_then_shown_and_errors_say_why():
    asked = []
    order = GridOrder(asked.append)
    activation = np.ones((2, 2, 3))
    key = ContributionsKey("img", 3, None)
    ranking, note = order.ranking("decision", activation, key)
    assert ranking.by == "index" and "ranking\u2026" in note
    order.ranking("decision", activation, key)
    assert asked == [key]  # not again while it runs

    class Found:
        contributions, class_index, label = np.array([1.0, 3.0, 2.0]), 0, "cat"

    assert order.answered(ContributionsReady(key, Found()))
    ranking, note = order.ranking("decision", activation, key)
    assert ranking.channels == (1, 2, 0)
    assert note == "ordered by decision for class 0 'cat' (Grad-CAM weight \u00d7 mean)"
    other = ContributionsKey("img", 4, None)
    order.ranking("decision", activation, other)
    order.answered(ContributionsReady(other, None, "layer x has no spatial maps"))
    assert order.ranking("decision", activation, other)[1] == "no decision order: layer x has no spatial maps"
    order.forget()
    order.ranking("decision", activation, key)
    assert asked == [key, other, key]  # a new image: asked again


def test_a_negative_zero_score_reads_0():
    assert rank_channels(np.array([-0.0, 1.0]), "decision").title(0) == "#2 c0 0"
