"""``actviz export``: write figures headless, one written path per line on stdout.

A progress bar goes to stderr only when stderr is a terminal; piped or
redirected, stderr stays silent unless something fails.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path

from actviz_tui.commands.session_args import open_session


def run_export(args: argparse.Namespace) -> int:
    from actviz_tui.core.export_jobs import ExportSettings, export_figures

    session = open_session(args, args.model)
    session.set_image(args.image)
    requests = figure_requests(session, args)
    settings = ExportSettings(
        folder=args.out,
        cmap=args.cmap,
        scale=args.scale,
        dpi=args.dpi,
        overwrite=args.overwrite,
        with_data=args.with_data,
    )
    written: list[Path] = []
    try:
        with progress_reporter(sys.stderr.isatty()) as report:

            def progress(done: int, total: int, path: Path) -> None:
                written.append(path)
                report(done, total, path)

            export_figures(session, requests, settings, progress)
    finally:
        # Whatever was written is listed, even when a later file failed.
        for path in written:
            print(path, flush=False)
        sys.stdout.flush()
    return 0


def figure_requests(session, args: argparse.Namespace) -> list:
    """The figures asked for on the command line, in a stable order, no repeats."""
    from actviz_tui.core.export_jobs import FigureRequest

    requests: list[FigureRequest] = []
    if args.input_image:
        requests.append(FigureRequest("input"))
    for layer in args.layers:
        row = session.find_layer(layer)  # names and indices alike; LayerLookupError
        if args.channels:
            requests.extend(FigureRequest("channel", layer=row, channel=c) for c in args.channels)
        else:
            requests.append(FigureRequest("grid", layer=row))
    requests.extend(FigureRequest("across", channel=c) for c in args.across_layers)
    if args.all_layers:
        requests.append(FigureRequest("all-layers", max_layers=args.first))
    return list(dict.fromkeys(requests))  # `--layer 3 conv2d_1` names one layer twice


@contextmanager
def progress_reporter(show: bool):
    """A ``report(done, total, path)`` callable: a rich progress bar on stderr
    when ``show`` is true, else a no-op (nothing is written to stderr)."""
    if not show:
        yield lambda done, total, path: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = (
        TextColumn("exporting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),
    )
    # Stdout is left alone (the paths are printed after the bar is gone).
    with Progress(*columns, console=console, transient=True, redirect_stdout=False, redirect_stderr=False) as bar:
        task = bar.add_task("", total=None)

        def report(done: int, total: int, path: Path) -> None:
            bar.update(task, completed=done, total=total, description=Path(path).name)

        yield report
