"""What ``actviz evaluate`` shows: the progress bar while it runs, the sanity check in
the report, and the ranked table."""

from __future__ import annotations

import sys
from contextlib import contextmanager

SANITY_PASS = "follows the model"  # the table's words for a sanity check passed / failed
SANITY_FAIL = "ignores the model"


@contextmanager
def progress_bar():
    """Yields ``report(label, done, total)``: a bar per label on stderr when it is a terminal
    (the JSON or the table on stdout stays clean), else nothing."""
    if not sys.stderr.isatty():
        yield lambda label, done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    tasks: dict = {}
    columns = (TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        def report(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = progress.add_task(label, total=total)
            progress.update(tasks[label], completed=done, total=total)

        yield report


def add_sanity(report: dict, sanity: list) -> None:
    """Each method's entry gets ``"sanity": {"correlation", "passed"}``; the report says
    which layers were randomised and the threshold."""
    from actviz_tui.core.evaluate.sanity import PASS_BELOW

    found = {result.method: result for result in sanity}
    for entry in report["methods"]:
        result = found[entry["method"]]
        entry["sanity"] = {"correlation": result.correlation, "passed": result.passed}
    report["sanity"] = {"randomised": list(sanity[0].randomised) if sanity else [], "pass_below": PASS_BELOW,
                        "measure": "mean Spearman rank correlation of the maps before and after"}


def print_table(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{report['images']} image(s), {report['steps']} steps, baseline {report['baseline']}: "
                  "best first (lowest deletion)")
    sanity = "sanity" in report
    columns = ["method", "deletion ↓", "95 % interval", "insertion ↑", "95 % interval", "avg drop ↓",
               "avg increase ↑", *(["sanity ρ ↓"] if sanity else [])]
    for column in columns:
        table.add_column(column, justify="left" if column == "method" else "right")
    for entry in report["methods"]:
        table.add_row(entry["method"], f"{entry['deletion']:.3f}", interval(entry["deletion_ci"]),
                      f"{entry['insertion']:.3f}", interval(entry["insertion_ci"]),
                      _number(entry["average_drop"], 3), _number(entry["average_increase"], 2),
                      *([_sanity_cell(entry["sanity"])] if sanity else []))
    console = Console(width=None if sys.stdout.isatty() else 140)
    console.print(table)
    if sanity:
        layers = ", ".join(report["sanity"]["randomised"]) or "none"
        console.print(f"sanity check: the maps after randomising {layers}, rank-correlated with the maps before; "
                      f"under {report['sanity']['pass_below']} the method {SANITY_PASS}, else it {SANITY_FAIL}",
                      highlight=False)


def _number(value: float | None, places: int) -> str:
    return "n/a: raw scores" if value is None else f"{value:.{places}f}"


def _sanity_cell(result: dict) -> str:
    return f"{result['correlation']:.2f} {'pass' if result['passed'] else 'FAIL'}"


def interval(bounds: list | None) -> str:
    return "none: 1 image" if bounds is None else f"[{bounds[0]:.3f}, {bounds[1]:.3f}]"
