"""``actviz render SIDECAR.json``: a saved view's figure drawn again, headless.

A sidecar (``actviz export --with-data``, or the explorer's W) holds the model,
image, figure request, colours and model options (``core.saved_view``); render
opens them and writes the same figure, pixel for pixel, one written path per line
on stdout. A model file that changed since (its SHA-256) is said in one line on
stderr, and drawn as it is now. ``--watch``: a new figure for every new version of
the model file (``render_watch``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from actviz_tui.commands.common_options import base_parser
from actviz_tui.commands.view_args import ViewFileParser

DEFAULT_INTERVAL = 2.0


def build_parser() -> argparse.ArgumentParser:
    parser = base_parser("actviz render", "Draw a saved view's figure again (a sidecar .json of 'actviz export "
                         "--with-data', or a .view.json the explorer's W saved).", parser_class=ViewFileParser)
    parser.add_argument("view_file", type=Path, metavar="SIDECAR.json", help="the saved view")
    parser.add_argument("--out", type=Path, metavar="DIR", default=None,
                        help="where the figure goes (default: next to SIDECAR.json; a file already there is "
                        "kept, the new one numbered, unless --overwrite)")
    parser.add_argument("--model", type=Path, metavar="PATH", default=None,
                        help="draw it from this model file instead of the view's (moved, or another checkpoint)")
    parser.add_argument("--image", type=Path, metavar="PATH", default=None,
                        help="draw it from this image instead of the view's")
    parser.add_argument("--overwrite", action="store_true", help="replace files of the same name")
    parser.add_argument("--with-data", action="store_true",
                        help="also write the .npy of the values drawn and the .json sidecar (a saved view again)")
    watch = parser.add_argument_group("watching a training run")
    watch.add_argument("--watch", action="store_true",
                       help="draw it again for every new version of the model file (a run saving checkpoints), "
                       "one PNG each, named __v001_<SHA-256 prefix>, ...; Ctrl+C stops")
    watch.add_argument("--interval", type=_seconds, metavar="SECONDS", default=DEFAULT_INTERVAL,
                       help=f"with --watch: how often the model file is looked at (default: {DEFAULT_INTERVAL:g} s)")
    watch.add_argument("--versions", type=_count, metavar="N", default=None,
                       help="with --watch: stop after N figures (default: until Ctrl+C)")
    logs = parser.add_argument_group("logging")
    logs.add_argument("--verbose", action="store_true", help="the backend's log lines (TensorFlow, XLA) on stderr")
    logs.add_argument("--log", type=Path, metavar="FILE", default=None,
                      help="where the backend's log lines go (default: ~/.cache/actviz/backend.log)")
    return parser


def run(args: argparse.Namespace) -> int:
    from actviz_tui.core.errors import ActvizError
    from actviz_tui.core.export.view_render import changed_model_warning, open_source, render_view, view_files
    from actviz_tui.core.saved_view import SavedView

    view = SavedView.from_sidecar(args.view_file)
    if not args.watch and (args.interval != DEFAULT_INTERVAL or args.versions is not None):
        raise ActvizError("--interval and --versions go with --watch")
    model, image = view_files(view, args.model, args.image)
    settings = view.settings(output_folder(args), overwrite=args.overwrite, with_data=args.with_data)
    if args.watch:
        from actviz_tui.commands.render_watch import watch

        return watch(view, model, image, settings, args.interval, args.versions)
    warning = changed_model_warning(view, model)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    for path in render_view(open_source(view, model, image), view, settings):
        print(path, flush=True)
    return 0


def output_folder(args: argparse.Namespace) -> Path:
    return args.out if args.out is not None else Path(args.view_file).expanduser().parent


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return value


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return int(text)
