"""The ``actviz`` command: the explorer by default, plus headless sub-commands.

    actviz [MODEL] [IMAGE ...]          open the explorer (the bundled sample without MODEL)
    actviz summary [MODEL] [IMAGE]      print the layer table (and activation stats)
    actviz export MODEL IMAGE ...       write figures as PNG files
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from actviz_tui.commands.common_options import add_model_options, base_parser
from actviz_tui.commands.explore import add_start_options
from actviz_tui.core.model.backend_env import divert_native_stderr, prepare_environment
from actviz_tui.core.errors import ActvizError, one_line

SUBCOMMANDS = ("summary", "export")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else "explore"
    args = build_parser(command).parse_args(argv[1:] if command != "explore" else argv)
    prepare_environment(channels_first=_declares_channels_first(args.model))
    log_path = None if args.verbose and command != "explore" else divert_native_stderr(args.log)
    try:
        return run_command(command, args)
    except ActvizError as error:
        return fail(str(error))
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # never show a traceback; keep it in the log
        _log_traceback(log_path)
        where = f" (details in {log_path})" if log_path else ""
        return fail(f"unexpected {type(error).__name__}: {one_line(error)}{where}")


def _declares_channels_first(model: Path | None) -> bool:
    from actviz_tui.core.model.loading import declares_channels_first

    return model is not None and declares_channels_first(model)


def run_command(command: str, args: argparse.Namespace) -> int:
    if command == "summary":
        from actviz_tui.commands.summary import run_summary

        return run_summary(args)
    if command == "export":
        from actviz_tui.commands.export import run_export

        return run_export(args)
    from actviz_tui.commands.explore import run_explorer

    return run_explorer(args)


def fail(message: str) -> int:
    print(f"actviz: error: {message}", file=sys.stderr)
    return 1


def _log_traceback(log_path: Path | None) -> None:
    if log_path is None:
        traceback.print_exc()
        return
    with open(log_path, "a", encoding="utf-8") as log:
        traceback.print_exc(file=log)


def build_parser(command: str) -> argparse.ArgumentParser:
    if command == "export":
        from actviz_tui.commands.export_options import export_parser

        return export_parser()
    return {"explore": _explore_parser, "summary": _summary_parser}[command]()


def _explore_parser() -> argparse.ArgumentParser:
    parser = base_parser(
        "actviz",
        "Explore a CNN's activations in the terminal. Sub-commands: "
        "'actviz summary ...' and 'actviz export ...' (each has --help).",
    )
    parser.add_argument("model", nargs="?", type=Path, help=".keras or .h5 model (default: the bundled sample)")
    parser.add_argument("images", nargs="*", type=Path, help="input image(s); n/p switch between them")
    add_start_options(parser)
    add_model_options(parser)
    return parser


def _summary_parser() -> argparse.ArgumentParser:
    parser = base_parser("actviz summary", "Print a model's layer table; with an image, per-layer activation stats.")
    parser.add_argument("model", nargs="?", type=Path, help=".keras or .h5 model (default: the bundled sample)")
    parser.add_argument("image", nargs="?", type=Path, help="image to compute activation statistics on")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    add_model_options(parser)
    return parser
