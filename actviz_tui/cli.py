"""The ``actviz`` command: the explorer by default, plus the headless sub-commands
of ``commands/table.py`` (``actviz --help`` lists them).

Every command gets the same handling: usage errors exit 2, an ActvizError is
one ``actviz: error:`` line and exit 1, Ctrl-C exits 130, any other exception
is one line too, its traceback kept in the log.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from actviz_tui.commands.table import DEFAULT, command_module, split_command, takes_gradients
from actviz_tui.core.model.backend_env import divert_native_stderr, prepare_environment
from actviz_tui.core.errors import ActvizError, one_line


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    name, rest = split_command(argv)
    command = command_module(name)
    args = command.build_parser().parse_args(rest)  # usage errors: exit 2
    prepare_environment(channels_first=_declares_channels_first(args.model),  # before any backend import
                        gradients=takes_gradients(name))
    log_path = None if args.verbose and name != DEFAULT else divert_native_stderr(args.log)
    try:
        return command.run(args)
    except ActvizError as error:
        return fail(str(error))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `actviz ... | head`: the reader left; say nothing, as Unix tools do
        _silence_stdout()
        return 141
    except Exception as error:  # never show a traceback; keep it in the log
        _log_traceback(log_path)
        where = f" (details in {log_path})" if log_path else ""
        return fail(f"unexpected {type(error).__name__}: {one_line(error)}{where}")


def _declares_channels_first(model: Path | None) -> bool:
    from actviz_tui.core.model.loading import declares_channels_first

    return model is not None and declares_channels_first(model)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so Python's exit-time flush raises no second BrokenPipeError."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def fail(message: str) -> int:
    print(f"actviz: error: {message}", file=sys.stderr)
    return 1


def _log_traceback(log_path: Path | None) -> None:
    if log_path is None:
        traceback.print_exc()
        return
    with open(log_path, "a", encoding="utf-8") as log:
        traceback.print_exc(file=log)

