"""``actviz [MODEL] [IMAGE ...]``: open the explorer.

Before the UI starts (and before any backend import) a wrong model path or a
pipe instead of a terminal gets a one-line answer. With ``--verbose`` the
backend's log lines still go to the log file while the UI draws (they would
scribble over it); their tail is printed once the UI has closed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from actviz_tui.commands.common_options import add_model_options, base_parser
from actviz_tui.commands.session_args import model_and_images, session_options
from actviz_tui.commands.table import commands_help
from actviz_tui.commands.view_args import ExplorerViewParser, explorer_start

LOG_TAIL_LINES = 40


def build_parser() -> argparse.ArgumentParser:
    parser = base_parser(
        "actviz",
        f"Explore a CNN's activations in the terminal.\n\n{commands_help()}",
        formatter_class=argparse.RawDescriptionHelpFormatter, parser_class=ExplorerViewParser,
    )
    parser.add_argument("model", nargs="?", type=Path, help=".keras or .h5 model (default: the bundled sample)")
    parser.add_argument("images", nargs="*", type=Path, help="input image(s); n/p switch between them")
    add_start_options(parser)
    add_display_options(parser)
    add_model_options(parser)
    return parser


def add_start_options(parser: argparse.ArgumentParser) -> None:
    start = parser.add_argument_group("where the explorer opens")
    start.add_argument("--layer", metavar="NAME_OR_INDEX", default=None, help="the selected layer (name or table row)")
    start.add_argument("--channel", type=int, metavar="N", default=None, help="the selected channel (0-based)")
    # Checked by the explorer against its views (importing them here would delay the first paint).
    start.add_argument("--view", metavar="NAME", default=None,
                       help="the view on show: channel (default), grid, across, filters, cam (the class map), "
                       "top (a scan's top images), compare (with --compare)")
    # Checked by the explorer too (the method registry needs numpy).
    start.add_argument("--cam-method", metavar="best|NAME", default=None,
                       help="the class map's method (opens on the class map unless --view says otherwise): a "
                       "method's name (gradcam, hirescam, scorecam, ...) or best: the quick method of lowest "
                       "deletion AUC on the image, chosen in the background and said in the title")
    start.add_argument("--scan", metavar="SCAN_DIR", default=None,
                       help="a folder 'actviz scan' wrote: view 6 shows each channel's top images in it, and the "
                       "layer table's dead column counts channels dead on the whole dataset")
    start.add_argument("--view-file", type=Path, metavar="SIDECAR.json", default=None,
                       help="open a saved view (the explorer's W, or a sidecar of 'actviz export --with-data'): its "
                       "model, image, options, layer, channel, view and colours; MODEL, IMAGE and the options "
                       "above, given too, win")
    start.add_argument("--compare", metavar="OTHER", default=None,
                       help="compare with OTHER: a second checkpoint of the model (.keras, .h5: the same image "
                       "through both) or another image or .npy array (both through the model); view 7 shows "
                       "the selected channel of both and their difference, the table each layer's relative L2")


def add_display_options(parser: argparse.ArgumentParser) -> None:
    from actviz_tui.ui.graphics_tier import TIERS

    display = parser.add_argument_group("display")
    display.add_argument(
        "--graphics", choices=TIERS, default="auto",
        help="how pictures are drawn: real pixels with the Kitty graphics protocol or Sixel, or half-block "
        "characters (2 pixels per cell, any terminal). auto (default): the pixel protocol the terminal "
        "answers for (inside tmux only with allow-passthrough on), else half-blocks",
    )


def run(args: argparse.Namespace) -> int:
    from actviz_tui.core.model.loading import check_model_file

    start = explorer_start(args)  # --view-file: a bad file is one line, exit 1
    model_path, images = model_and_images(args.model, list(args.images))
    check_model_file(Path(model_path).expanduser(), read_all=False)  # ModelLoadError: exit 1
    if start.scan is not None:
        check_scan_folder(Path(start.scan).expanduser())
    if start.compare is not None:
        check_compare_file(Path(start.compare).expanduser())
    if not stdout_is_terminal():
        print("actviz: error: the explorer needs a terminal (stdout is not one); for text or files "
              "use 'actviz summary MODEL IMAGE' or 'actviz export MODEL IMAGE ...'", file=sys.stderr)
        return 2
    from actviz_tui.ui.graphics_tier import choose_tier

    graphics = choose_tier(args.graphics)  # asks the terminal: before Textual reads stdin
    from actviz_tui.ui.app import ActvizApp

    log, log_size = _log_and_size() if args.verbose else (None, 0)
    app = ActvizApp(model_path, images, session_options(args), start=start, graphics=graphics)
    app.run()
    if log is not None:
        _print_log_tail(log, log_size)
    return app.return_code or 0


def check_scan_folder(folder: Path) -> None:
    """A folder that is no scan is one line and exit 1, before the UI starts (no numpy yet)."""
    from actviz_tui.core.errors import ActvizError

    if not folder.is_dir():
        raise ActvizError(f"--scan {folder}: no such folder" if not folder.exists() else f"--scan {folder} is a file")
    if not (folder / "manifest.json").is_file():
        raise ActvizError(f"--scan {folder} is not a scan folder (no manifest.json; 'actviz scan' writes one)")


def check_compare_file(path: Path) -> None:
    """A missing OTHER is one line and exit 1, before the UI starts; what it holds is read there."""
    from actviz_tui.core.errors import ActvizError

    if not path.is_file():
        raise ActvizError(f"--compare {path}: no such file" if not path.exists() else f"--compare {path} is a folder")


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _log_and_size() -> tuple[Path, int]:
    from actviz_tui.core.model.backend_env import divert_native_stderr

    log = divert_native_stderr()  # already diverted by cli.main: returns its file
    try:
        return log, log.stat().st_size
    except OSError:
        return log, 0


def _print_log_tail(log: Path, since: int) -> None:
    """The backend's lines written while the UI ran (the last few), then where the rest is."""
    try:
        with open(log, "rb") as file:
            file.seek(since)
            lines = file.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return
    if lines:
        print("\n".join(lines[-LOG_TAIL_LINES:]), file=sys.stderr)
    print(f"actviz: backend log ({len(lines)} new lines): {log}", file=sys.stderr)
