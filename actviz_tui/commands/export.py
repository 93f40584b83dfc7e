"""``actviz export``: write figures headless, one written path per line on stdout.

A progress bar goes to stderr only when stderr is a terminal; piped or
redirected, stderr stays silent unless something fails. Among several images
(or a folder), one that cannot be read is skipped with one line on stderr, and
the exit code is 1 at the end.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path

from actviz_tui.commands.export_options import export_parser
from actviz_tui.commands.session_args import open_session


def build_parser() -> argparse.ArgumentParser:
    return export_parser()  # built from the export's table of figure kinds


def run(args: argparse.Namespace) -> int:
    from actviz_tui.core.export import ExportSettings, export_figures
    from actviz_tui.core.export.many_images import export_images
    from actviz_tui.core.inputs.image_files import expand_inputs

    settings = ExportSettings(
        folder=args.out,
        cmap=args.cmap,
        scale=args.scale,
        dpi=args.dpi,
        overwrite=args.overwrite,
        with_data=args.with_data,
    )
    written: list[Path] = []
    skipped: list[str] = []
    inputs = expand_inputs(args.images)
    several = len(args.images) > 1 or any(path.is_dir() for path in args.images)
    try:
        with progress_reporter(sys.stderr.isatty()) as report:

            def skip(path: Path, message: str) -> None:
                skipped.append(message)
                report.warn(skip_line(path, message))

            for problem in inputs.problems:
                skipped.append(problem)
                report.warn(f"actviz: skipped: {problem}")
            report.status(f"loading {args.model.name}")
            model_session = open_session(args, args.model)
            requests = figure_requests(model_session.no_image, args)
            report.status("optimising filter patterns" if args.patterns else "computing activations")

            def progress(done: int, total: int, path: Path) -> None:
                written.append(path)
                report(done, total, path)

            if args.images:
                export_images(model_session, inputs.paths, requests, settings, progress, skip if several else None)
            else:  # figures of the model alone (filters); the others say they need an image
                export_figures(model_session.no_image, requests, settings, progress)
    finally:
        # Whatever was written is listed, even when a later file failed.
        for path in written:
            print(path)
        sys.stdout.flush()
    return 1 if skipped else 0


def skip_line(path: Path, message: str) -> str:
    """``actviz: skipped: <why>``, naming the file when the message does not."""
    named = str(path) in message or path.name in message
    return f"actviz: skipped: {message}" if named else f"actviz: skipped {path}: {message}"


def figure_requests(session, args: argparse.Namespace) -> list:
    """The figures asked for on the command line, in FIGURE_KINDS order (the
    ``--layer`` groups where the layer kinds are), no repeats."""
    from actviz_tui.commands.export_options import option_dest
    from actviz_tui.core.export import FIGURE_KINDS, FigureRequest

    requests: list[FigureRequest] = []
    layers_done = False
    for kind in FIGURE_KINDS.values():
        option = kind.option
        if option is None:  # asked for with --layer (channel, grid): at the first such kind
            if not layers_done:
                requests.extend(_layer_requests(session, args))
                layers_done = True
            continue
        given = getattr(args, option_dest(option.flag))
        extras = {extra.field: getattr(args, option_dest(extra.flag)) for extra in option.extras}
        if option.requests is not None:
            requests.extend(option.requests(args))
        elif option.takes == "layers":
            requests.extend(FigureRequest(kind.name, layer=session.find_layer(layer), **extras) for layer in given)
        elif option.metavar is not None:
            requests.extend(FigureRequest(kind.name, channel=channel, **extras) for channel in given)
        elif given:
            requests.append(FigureRequest(kind.name, **extras))
    return list(dict.fromkeys(requests))  # `--layer 3 conv2d_1` names one layer twice


def _layer_requests(session, args: argparse.Namespace) -> list:
    """--layer groups: a channel figure per --channel, else the layer's grid."""
    from actviz_tui.core.export import FigureRequest

    requests: list[FigureRequest] = []
    for group in args.layer_groups:  # --channel binds to the --layer before it
        if group.option != "--layer":  # --patterns: its kind's own requests
            continue
        for layer in group.layers:
            row = session.find_layer(layer)  # names and indices alike; LayerLookupError
            if group.channels:
                requests.extend(FigureRequest("channel", layer=row, channel=c) for c in group.channels)
            else:
                requests.append(FigureRequest("grid", layer=row))
    return requests


class _Silent:
    def status(self, text: str) -> None:
        pass

    def warn(self, line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    def __call__(self, done: int, total: int, path: Path) -> None:
        pass


class _Bar:
    def __init__(self, bar, task):
        self.bar, self.task = bar, task

    def status(self, text: str) -> None:
        self.bar.update(self.task, description=text)

    def warn(self, line: str) -> None:
        self.bar.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def __call__(self, done: int, total: int, path: Path) -> None:
        self.bar.update(self.task, completed=done, total=total, description=Path(path).name)


@contextmanager
def progress_reporter(show: bool):
    """Yields ``report(done, total, path)`` (and ``report.status(text)``, and
    ``report.warn(line)`` for a line on stderr): a rich progress bar on stderr when
    ``show`` is true, else silent (nothing on stderr but the warnings)."""
    if not show:
        yield _Silent()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("exporting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),
    )
    # Console(stderr=True) writes to sys.stderr, which cli.main keeps on the
    # terminal (fd 2 itself carries TensorFlow's noise to a log file). Stdout
    # is left alone: the paths are printed once the bar is gone.
    console = Console(stderr=True)
    with Progress(*columns, console=console, transient=True, redirect_stdout=False, redirect_stderr=False) as bar:
        yield _Bar(bar, bar.add_task("", total=None))
