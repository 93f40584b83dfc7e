"""The sub-command table drives ``cli.main``: parsing, dispatch, --help and the error handling."""

from __future__ import annotations

import argparse
import re
import sys
import types
from pathlib import Path

import pytest

from actviz_tui import cli
from actviz_tui.commands.common_options import add_model_options, base_parser
from actviz_tui.commands.table import (
    DEFAULT,
    SUBCOMMANDS,
    Command,
    command_module,
    split_command,
)
from actviz_tui.core.errors import ActvizError

FAKE_MODULE = "actviz_tui_fake_count_command"


def test_every_table_entry_has_a_parser_named_for_it_and_a_run():
    assert set(SUBCOMMANDS) >= {"summary", "export"}
    for name in SUBCOMMANDS:
        module = command_module(name)
        assert module.__name__ == SUBCOMMANDS[name].module
        assert module.build_parser().prog == f"actviz {name}"
        assert callable(module.run)
    explore = command_module(DEFAULT)
    assert explore.build_parser().prog == "actviz" and callable(explore.run)


def test_the_first_word_picks_a_command_else_the_explorer():
    assert split_command(["summary", "m.h5", "--json"]) == ("summary", ["m.h5", "--json"])
    assert split_command(["m.h5", "summary"]) == ("explore", ["m.h5", "summary"])  # a file named summary
    assert split_command([]) == ("explore", [])


@pytest.fixture
def fake(monkeypatch, tmp_path):
    """A ``count`` command in the table, its module only in sys.modules; the backend's
    environment and the fd-2 diversion recorded instead of done."""
    seen: dict = {"calls": []}

    def build_parser() -> argparse.ArgumentParser:
        parser = base_parser("actviz count", "Count things.")
        parser.add_argument("model", nargs="?", type=Path)
        parser.add_argument("--times", type=int, default=1)
        parser.add_argument("--fail", choices=("actviz", "crash", "interrupt"), default=None)
        add_model_options(parser)
        return parser

    def run(args: argparse.Namespace) -> int:
        seen["calls"].append("run")
        seen["args"] = args
        if args.fail == "actviz":
            raise ActvizError("no such layer: 'conv9'")
        if args.fail == "crash":
            raise ValueError("bad shape\nsecond line")
        if args.fail == "interrupt":
            raise KeyboardInterrupt
        return 40 + args.times

    module = types.ModuleType(FAKE_MODULE)
    module.build_parser, module.run = build_parser, run
    monkeypatch.setitem(sys.modules, FAKE_MODULE, module)
    monkeypatch.setitem(SUBCOMMANDS, "count", Command(FAKE_MODULE, "count the things in a model"))
    log = tmp_path / "backend.log"

    def prepare(channels_first=False, gradients=True):
        seen["calls"].append(("prepare", channels_first))

    def divert(log_path=None):
        seen["calls"].append(("divert", log_path))
        return log

    monkeypatch.setattr(cli, "prepare_environment", prepare)
    monkeypatch.setattr(cli, "divert_native_stderr", divert)
    seen["log"] = log
    return seen


def test_a_command_in_the_table_is_parsed_and_run_by_main(fake):
    assert cli.main(["count", "--times", "2"]) == 42
    assert fake["args"].times == 2 and fake["args"].model is None
    assert fake["calls"] == [("prepare", False), ("divert", None), "run"]  # environment before the run


def test_verbose_keeps_a_sub_commands_stderr(fake):
    assert cli.main(["count", "--verbose"]) == 41
    assert fake["calls"] == [("prepare", False), "run"]


def test_the_explorers_help_lists_the_table(fake):
    help_lines = command_module(DEFAULT).build_parser().format_help().splitlines()
    listed = {match[1]: match[2] for line in help_lines if (match := re.fullmatch(r"  actviz (\w+) +(.+)", line))}
    assert listed == {name: command.help for name, command in SUBCOMMANDS.items()}
    assert listed["count"] == "count the things in a model"


def test_usage_errors_exit_2_before_anything_runs(fake, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["count", "--times", "many"])
    assert done.value.code == 2
    assert "actviz count: error: argument --times: invalid int value: 'many'" in capsys.readouterr().err
    assert fake["calls"] == []


def test_an_actviz_error_is_one_line_and_exit_1(fake, capsys):
    assert cli.main(["count", "--fail", "actviz"]) == 1
    assert capsys.readouterr().err == "actviz: error: no such layer: 'conv9'\n"


def test_ctrl_c_exits_130_quietly(fake, capsys):
    assert cli.main(["count", "--fail", "interrupt"]) == 130
    assert capsys.readouterr().err == ""


def test_a_crash_is_one_line_its_traceback_in_the_log(fake, capsys):
    assert cli.main(["count", "--fail", "crash"]) == 1
    log = fake["log"]
    assert capsys.readouterr().err == f"actviz: error: unexpected ValueError: bad shape (details in {log})\n"
    text = log.read_text()
    assert text.startswith("Traceback (most recent call last):") and "ValueError: bad shape" in text
