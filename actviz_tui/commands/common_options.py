"""Options every ``actviz`` command shares: --version, the model's input, logging."""

from __future__ import annotations

import argparse
from pathlib import Path

from actviz_tui import __version__
from actviz_tui.core.model.backend_env import version_line
from actviz_tui.core.model.options import DEFAULT_PREPROCESSING, PREPROCESSING


class VersionAction(argparse.Action):
    """``--version``: actviz's, Keras' and the backend's versions, from package metadata
    (nothing is imported, so it is instant and TensorFlow prints nothing)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        help = help or "print actviz's, Keras' and the Keras backend's versions and exit"
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_line(__version__))
        parser.exit()


def base_parser(prog: str, description: str, parser_class: type[argparse.ArgumentParser] = argparse.ArgumentParser,
                **settings) -> argparse.ArgumentParser:
    parser = parser_class(prog=prog, description=description, **settings)
    parser.add_argument("--version", action=VersionAction)
    return parser


def add_model_options(parser: argparse.ArgumentParser) -> None:
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
    group.add_argument(
        "--custom-objects", action="append", type=Path, metavar="FILE.py", default=[],
        help="a Python file defining the model's custom layers (registered with "
        "@keras.saving.register_keras_serializable); imported before loading; repeatable",
    )
    group.add_argument("--labels", type=Path, metavar="FILE", default=None,
                       help="class names: one per line, a JSON list, or a JSON object index -> name")
    group.add_argument(
        "--cache-mb", type=float, metavar="MB", default=None,
        help="memory budget for cached activations (default: $ACTVIZ_CACHE_MB or 512)",
    )
    logs = parser.add_argument_group("logging")
    logs.add_argument("--verbose", action="store_true",
                      help="the backend's log lines (TensorFlow, XLA) on stderr (the explorer's: after it closes)")
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
