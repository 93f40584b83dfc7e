"""The scan's progress bar on stderr (images/s, ETA), only when stderr is a terminal."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator


def _quiet(done: int, total: int) -> None:
    pass


@contextmanager
def scan_progress(show: bool, total: int) -> Iterator[Callable[[int, int], None]]:
    """Yields ``progress(done, total)``: a rich bar on a stderr Console, or nothing when ``show`` is false."""
    if not show:
        yield _quiet
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), _RateColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True,
                  redirect_stdout=False, redirect_stderr=False) as bar:
        task = bar.add_task("scan", total=total)
        first: list[int] = []

        def progress(done: int, total: int) -> None:
            if not first:  # images already scanned (a resume) do not count in the rate
                first.append(done)
                bar.reset(task, total=total, completed=done)
            bar.update(task, completed=done, total=total)

        yield progress


def _RateColumn():
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("? images/s" if speed is None else f"{speed:,.1f} images/s")

    return RateColumn()
