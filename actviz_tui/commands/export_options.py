"""``actviz export``'s options, built from the export's table of figure kinds.

``--channel`` and ``--all-channels`` bind to the ``--layer`` (or other layer
group option, such as ``--patterns``) before them; every kind with a
``CliOption`` gets its flag (and its extras) from ``FIGURE_KINDS``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Callable
from pathlib import Path

from actviz_tui.commands.common_options import VersionAction, add_model_options


@dataclass
class LayerGroup:
    """One --layer (or --patterns) option with the channel options that follow it."""

    layers: list[str]
    channels: list[int] = field(default_factory=list)
    all_channels: bool = False
    option: str = "--layer"  # the option that named the layers


class _LayerGroupAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, [*getattr(namespace, self.dest), *values])
        group = LayerGroup(list(values), option=self.option_strings[0])
        namespace.layer_groups = [*namespace.layer_groups, group]


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


def export_parser() -> argparse.ArgumentParser:
    from actviz_tui.core.pictures.colormap import COLORMAP_NAMES
    from actviz_tui.core.export import DEFAULT_DPI, FIGURE_KINDS, MAX_DPI, MIN_DPI
    from actviz_tui.core.pictures.value_ranges import SCALES

    # Kinds with an option of their own (the others are asked for with --layer).
    own_options = [kind.option for kind in FIGURE_KINDS.values() if kind.option is not None]
    group_flags = " or ".join(["--layer", *(o.flag for o in own_options if o.takes == "layer-groups")])

    class ExportParser(argparse.ArgumentParser):
        """Checks how the figure options combine once all are parsed (exit 2)."""

        def parse_known_args(self, args=None, namespace=None):
            parsed, extras = super().parse_known_args(args, namespace)
            if not extras:
                if (parsed.channels or parsed.all_channels) and not parsed.layer_groups:
                    self.error(f"--channel and --all-channels need {group_flags}")
                if parsed.stray_channels:
                    self.error(f"--channel and --all-channels go after the {group_flags} they are for")
                for group in parsed.layer_groups:
                    if group.channels and group.all_channels:
                        self.error(f"one {group.option} cannot take both --channel and --all-channels")
                if not parsed.layers and not any(_given(parsed, option.flag) for option in own_options):
                    flags = ["--layer", *(option.flag for option in own_options)]
                    self.error(f"nothing to draw: give {', '.join(flags[:-1])} or {flags[-1]}")
                for option in own_options:
                    for extra in option.extras:
                        if _given(parsed, extra.flag) and not _given(parsed, option.flag):
                            self.error(f"{extra.flag} needs {option.flag}")
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

    extra_types: dict[str, Callable[[str], object]] = {"count": positive, "number": channel, "layer": str}

    def dpi(text: str) -> int:
        return count(text, MIN_DPI, MAX_DPI)

    parser = ExportParser(
        prog="actviz export",
        description="Write activation figures as PNG files (one path per line on stdout).\n\n"
        "Several images, and folders of them, go in one run: the model loads once and the\n"
        "activations are computed in batches; every file name carries the image's name.\n"
        "An image that cannot be read among several is skipped with one message on\n"
        "stderr, the others are exported, and the exit code is then 1.",
        epilog="examples:\n"
        "  actviz export model.h5 x.png --layer conv2d_1 --channel 29\n"
        "  actviz export model.h5 scans/ extra.png --all-layers --out figs\n"
        "  actviz export model.h5 x.png --cam opacity --labels classes.txt\n"
        "  actviz export model.h5 x.png --layer conv2d_1 --channel 4 29 --layer conv2d_2 --all-channels\n"
        "  actviz export model.h5 x.png --layer 4 --scale layer --out figs\n"
        "  actviz export model.h5 x.png --across-layers 29 --all-layers --first 8 --with-data\n"
        "  actviz export model.h5 --filters conv2d conv2d_1 --with-data\n"
        "  actviz export model.h5 --patterns conv2d_1 --channel 0 4 --patterns dense --steps 128 --with-data\n"
        "  actviz export model.h5 --top-images 5 12 --scan scans/xray --scan-layer conv2d_3",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("model", type=Path, help=".keras or .h5 model")
    parser.add_argument(
        "images", type=Path, nargs="*", metavar="IMAGE",
        help="input images or .npy arrays, or folders of them: every image file (.png, .jpg, .jpeg, .bmp, .gif, "
        ".tif, .tiff, .webp, ...) and .npy inside, subfolders too, in sorted order "
        "(none needed for --filters, --top-images or --patterns alone)",
    )
    figures = parser.add_argument_group("figures (at least one)")
    parser.set_defaults(layer_groups=[], stray_channels=False)
    figures.add_argument(
        "--layer", dest="layers", action=_LayerGroupAction, nargs="+", default=[], metavar="NAME_OR_INDEX",
        help="layer(s) to draw, by name or table row (see 'actviz summary'); repeatable",
    )
    figures.add_argument(
        "--channel", dest="channels", action=_ChannelsAction, nargs="+", type=channel, default=[], metavar="N",
        help="after --layer: one figure per channel N (0-based) of the layer(s) of that --layer; "
        "after --patterns: those channels' patterns",
    )
    figures.add_argument(
        "--all-channels", action=_AllChannelsAction, nargs=0, default=False,
        help="after --layer: every channel of its layer(s) in one grid (the default); after --patterns: "
        "every channel's pattern",
    )
    for option in own_options:
        if option.takes == "layer-groups":
            figures.add_argument(option.flag, dest=option_dest(option.flag), action=_LayerGroupAction, nargs="+",
                                 default=[], metavar=option.metavar, help=option.help)
        elif option.add_arguments is not None:
            option.add_arguments(figures)
        elif option.metavar is None:
            figures.add_argument(option.flag, action="store_true", help=option.help)
        else:
            figures.add_argument(
                option.flag, action="extend", nargs="+", type=channel if option.takes == "channels" else str,
                default=[], metavar=option.metavar, help=option.help,
            )
        for extra in option.extras:
            figures.add_argument(extra.flag, type=extra_types[extra.value], metavar=extra.metavar,
                                 default=None, help=extra.help)
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
    add_model_options(parser)
    return parser


def option_dest(flag: str) -> str:
    """The argparse attribute of an option: ``--across-layers`` -> ``across_layers``."""
    return flag.lstrip("-").replace("-", "_")


def _given(parsed: argparse.Namespace, flag: str) -> bool:
    value = getattr(parsed, option_dest(flag))
    return value is not None and value is not False and value != []
