"""The ``actviz`` command: the explorer by default, plus headless sub-commands.

    actviz [MODEL] [IMAGE ...]          open the explorer (the bundled sample without MODEL)
    actviz summary [MODEL] [IMAGE]      print the layer table (and activation stats)
    actviz export MODEL IMAGE ...       write figures as PNG files
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
import traceback
from pathlib import Path

from actviz_tui import __version__
from actviz_tui.core.errors import ActvizError, one_line
from actviz_tui.core.session_options import DEFAULT_PREPROCESSING, PREPROCESSING
from actviz_tui.core.backend_env import divert_native_stderr, prepare_environment, version_line

SUBCOMMANDS = ("summary", "export")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else "explore"
    args = build_parser(command).parse_args(argv[1:] if command != "explore" else argv)
    prepare_environment()
    log_path = None if args.verbose else divert_native_stderr(args.log)
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
    builders = {"explore": _explore_parser, "summary": _summary_parser, "export": _export_parser}
    return builders[command]()


class _VersionAction(argparse.Action):
    """``--version``: actviz's, Keras' and the backend's versions, from package metadata
    (nothing is imported, so it is instant and TensorFlow prints nothing)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        help = help or "print actviz's, Keras' and the Keras backend's versions and exit"
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_line(__version__))
        parser.exit()


def _base_parser(prog: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--version", action=_VersionAction)
    return parser


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("model input")
    group.add_argument(
        "--preprocess",
        choices=sorted(PREPROCESSING),
        default=DEFAULT_PREPROCESSING,
        help="how pixels are scaled before the model sees them (default: rescale, i.e. /255)",
    )
    group.add_argument(
        "--input", dest="image_input", type=int, metavar="N", default=None,
        help="for models with several inputs: which one (0-based) gets the image; the others get zeros",
    )
    group.add_argument(
        "--size", type=parse_size, metavar="HxW", default=None,
        help="input size for models whose input size is free (default: the image's, at most 512 px)",
    )
    group.add_argument("--labels", type=Path, metavar="FILE", default=None,
                       help="class names: one per line, a JSON list, or a JSON object index -> name")
    group.add_argument(
        "--cache-mb", type=float, metavar="MB", default=None,
        help="memory budget for cached activations (default: $ACTVIZ_CACHE_MB or 512)",
    )
    logs = parser.add_argument_group("logging")
    logs.add_argument("--verbose", action="store_true",
                      help="let the backend's own log lines (TensorFlow, XLA) through to stderr")
    logs.add_argument("--log", type=Path, metavar="FILE", default=None,
                      help="where the backend's log lines go (default: ~/.cache/actviz/backend.log)")


def parse_size(text: str) -> tuple[int, int]:
    parts = text.lower().replace(",", "x").split("x")
    try:
        height, width = (int(parts[0]), int(parts[-1]))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HxW or N, e.g. 224x224, got {text!r}") from None
    if height < 1 or width < 1 or len(parts) > 2:
        raise argparse.ArgumentTypeError(f"expected positive HxW, got {text!r}")
    return height, width


def _explore_parser() -> argparse.ArgumentParser:
    parser = _base_parser(
        "actviz",
        "Explore a CNN's activations in the terminal. Sub-commands: "
        "'actviz summary ...' and 'actviz export ...' (each has --help).",
    )
    parser.add_argument("model", nargs="?", type=Path, help=".keras or .h5 model (default: the bundled sample)")
    parser.add_argument("images", nargs="*", type=Path, help="input image(s); n/p switch between them")
    _add_model_options(parser)
    return parser


def _summary_parser() -> argparse.ArgumentParser:
    parser = _base_parser("actviz summary", "Print a model's layer table; with an image, per-layer activation stats.")
    parser.add_argument("model", nargs="?", type=Path, help=".keras or .h5 model (default: the bundled sample)")
    parser.add_argument("image", nargs="?", type=Path, help="image to compute activation statistics on")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    _add_model_options(parser)
    return parser


@dataclass
class LayerGroup:
    """One --layer option with the channel options that follow it."""

    layers: list[str]
    channels: list[int] = field(default_factory=list)
    all_channels: bool = False


class _LayerGroupAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        namespace.layers = [*namespace.layers, *values]
        namespace.layer_groups = [*namespace.layer_groups, LayerGroup(list(values))]


class _ChannelsAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        namespace.channels = [*namespace.channels, *values]
        if namespace.layer_groups:
            namespace.layer_groups[-1].channels.extend(values)
        else:
            namespace.stray_channels = True


class _AllChannelsAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        namespace.all_channels = True
        if namespace.layer_groups:
            namespace.layer_groups[-1].all_channels = True
        else:
            namespace.stray_channels = True


def _export_parser() -> argparse.ArgumentParser:
    from actviz_tui.core.colormap import COLORMAP_NAMES
    from actviz_tui.core.export import DEFAULT_DPI, FIGURE_KINDS, MAX_DPI, MIN_DPI
    from actviz_tui.core.value_ranges import SCALES

    # Kinds with an option of their own (the others are asked for with --layer).
    own_options = [kind.option for kind in FIGURE_KINDS.values() if kind.option is not None]

    class ExportParser(argparse.ArgumentParser):
        """Checks how the figure options combine once all are parsed (exit 2)."""

        def parse_known_args(self, args=None, namespace=None):
            parsed, extras = super().parse_known_args(args, namespace)
            if not extras:
                if (parsed.channels or parsed.all_channels) and not parsed.layers:
                    self.error("--channel and --all-channels need --layer")
                if parsed.stray_channels:
                    self.error("--channel and --all-channels go after the --layer they are for")
                if any(group.channels and group.all_channels for group in parsed.layer_groups):
                    self.error("one --layer cannot take both --channel and --all-channels")
                if not parsed.layers and not any(_given(parsed, option.flag) for option in own_options):
                    flags = ["--layer", *(option.flag for option in own_options)]
                    self.error(f"nothing to draw: give {', '.join(flags[:-1])} or {flags[-1]}")
                for option in own_options:
                    if option.count_flag and _given(parsed, option.count_flag) and not _given(parsed, option.flag):
                        self.error(f"{option.count_flag} needs {option.flag}")
            return parsed, extras

    def count(text: str, least: int = 0, most: int | None = None) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < least or (most is not None and value > most):
            span = f"{least}-{most}" if most is not None else f">= {least}"
            raise argparse.ArgumentTypeError(f"expected a number {span}, got {value}")
        return value

    def channel(text: str) -> int:
        return count(text)

    def positive(text: str) -> int:
        return count(text, 1)

    def dpi(text: str) -> int:
        return count(text, MIN_DPI, MAX_DPI)

    parser = ExportParser(
        prog="actviz export",
        description="Write activation figures as PNG files (one path per line on stdout).",
        epilog="examples:\n"
        "  actviz export model.h5 x.png --layer conv2d_1 --channel 29\n"
        "  actviz export model.h5 x.png --layer conv2d_1 --channel 4 29 --layer conv2d_2 --all-channels\n"
        "  actviz export model.h5 x.png --layer 4 --scale layer --out figs\n"
        "  actviz export model.h5 x.png --across-layers 29 --all-layers --first 8 --with-data",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("model", type=Path, help=".keras or .h5 model")
    parser.add_argument("image", type=Path, help="input image")
    figures = parser.add_argument_group("figures (at least one)")
    parser.set_defaults(layer_groups=[], stray_channels=False)
    figures.add_argument(
        "--layer", dest="layers", action=_LayerGroupAction, nargs="+", default=[], metavar="NAME_OR_INDEX",
        help="layer(s) to draw, by name or table row (see 'actviz summary'); repeatable",
    )
    figures.add_argument(
        "--channel", dest="channels", action=_ChannelsAction, nargs="+", type=channel, default=[], metavar="N",
        help="after --layer: one figure per channel N (0-based) of the layer(s) of that --layer",
    )
    figures.add_argument(
        "--all-channels", action=_AllChannelsAction, nargs=0, default=False,
        help="after --layer: every channel of its layer(s) in one grid (the default)",
    )
    for option in own_options:
        if option.add_arguments is not None:
            option.add_arguments(figures)
        elif option.metavar is None:
            figures.add_argument(option.flag, action="store_true", help=option.help)
        else:
            figures.add_argument(
                option.flag, action="extend", nargs="+", type=channel, default=[], metavar=option.metavar,
                help=option.help,
            )
        if option.count_flag:
            figures.add_argument(option.count_flag, type=positive, metavar="N", default=None, help=option.count_help)
    output = parser.add_argument_group("output")
    output.add_argument("--out", type=Path, default=Path("actviz-export"), metavar="DIR",
                        help="folder for the files, created if needed (default: actviz-export)")
    output.add_argument("--cmap", choices=COLORMAP_NAMES, default="viridis", help="colormap (default: viridis)")
    output.add_argument(
        "--scale", choices=SCALES, default=SCALES[0],
        help="channel: each channel its own min-max (default); layer: one range per layer, colour = value",
    )
    output.add_argument(
        "--dpi", type=dpi, default=DEFAULT_DPI, metavar="N",
        help=f"resolution, {MIN_DPI}-{MAX_DPI} (default: {DEFAULT_DPI})",
    )
    output.add_argument("--with-data", action="store_true",
                        help="also write each figure's values as .npy plus a .json sidecar (same name)")
    output.add_argument("--overwrite", action="store_true",
                        help="replace existing files (default: new files get name-2.png, name-3.png, ...)")
    _add_model_options(parser)
    return parser


def option_dest(flag: str) -> str:
    """The argparse attribute of an option: ``--across-layers`` -> ``across_layers``."""
    return flag.lstrip("-").replace("-", "_")


def _given(parsed: argparse.Namespace, flag: str) -> bool:
    value = getattr(parsed, option_dest(flag))
    return value is not None and value is not False and value != []
