"""The sub-commands in one table: each one's module (imported by name when used) and one-line help.

A command module exposes ``build_parser() -> argparse.ArgumentParser`` (prog
``actviz NAME``) and ``run(args) -> int``. Its parser gives ``args.model`` (a
path or None) and, through ``add_model_options``, ``--verbose`` and ``--log``.
Importing the module must not import a Keras backend: ``cli.main`` builds the
parser first, then sets the backend's environment (a ``channels_first`` model
keeps oneDNN on), and only ``run`` may load the model.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import NamedTuple


class Command(NamedTuple):
    module: str  # dotted path: imported only when the command is asked for
    help: str
    gradients: bool = True  # False: forward passes only (backend_env.prepare_environment keeps oneDNN on)


DEFAULT = "explore"  # no command word: ``actviz [MODEL] [IMAGE ...]``
EXPLORE_MODULE = "actviz_tui.commands.explore"

SUBCOMMANDS: dict[str, Command] = {
    "summary": Command("actviz_tui.commands.summary", "print the layer table (with an image: stats, predictions)"),
    "export": Command("actviz_tui.commands.export", "write figures as PNG files, headless"),
    "evaluate": Command("actviz_tui.commands.evaluate",
                        "score class-heatmap methods: deletion, insertion, average drop (which map to trust)"),
    "compare": Command("actviz_tui.commands.compare",
                       "two checkpoints or two images layer by layer: where they diverge", gradients=False),
    "render": Command("actviz_tui.commands.render",
                      "draw a saved view (an export's .json sidecar) again; --watch: per model version"),
    "scan": Command("actviz_tui.commands.scan", "top-k images per channel over a dataset (scan merge, scan show)",
                    gradients=False),
}


def split_command(argv: list[str]) -> tuple[str, list[str]]:
    """The command that argv's first word names and the arguments after it; explore without one."""
    if argv and argv[0] in SUBCOMMANDS:
        return argv[0], argv[1:]
    return DEFAULT, argv


def takes_gradients(name: str) -> bool:
    return name == DEFAULT or SUBCOMMANDS[name].gradients


def command_module(name: str) -> ModuleType:
    return importlib.import_module(EXPLORE_MODULE if name == DEFAULT else SUBCOMMANDS[name].module)


def commands_help() -> str:
    """The sub-commands as ``actviz --help`` lists them, one a line."""
    width = max(map(len, SUBCOMMANDS)) + 2
    rows = [f"  actviz {name.ljust(width)}{command.help}" for name, command in SUBCOMMANDS.items()]
    return "commands (each has --help):\n" + "\n".join(rows)
