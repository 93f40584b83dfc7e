"""One row of a benchmark table: a figure, its same-run baseline, the goal."""

from __future__ import annotations


def result_row(metric: str, value: float, baseline: float, goal: str, met: bool | None) -> dict:
    return {
        "metric": metric,
        "value": value,
        "baseline": baseline,
        "ratio": value / baseline if baseline else float("nan"),
        "goal": goal,
        "met": met,
    }
