"""``actviz scan show``: a scan folder's results, as tables or as the JSON that scripts read."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from actviz_tui.commands.common_options import base_parser


def build_parser() -> argparse.ArgumentParser:
    parser = base_parser("actviz scan show", "Print a scan's per-channel statistics and top images.")
    parser.add_argument("scan_dir", type=Path, metavar="SCAN_DIR", help="a folder written by actviz scan")
    parser.add_argument("--layer", default=None, metavar="NAME", help="only this layer")
    parser.add_argument("--channel", type=int, default=None, metavar="C", help="only this channel (with --layer)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    parser.set_defaults(model=None, verbose=False, log=None)
    return parser


def run(args: argparse.Namespace) -> int:
    from actviz_tui.core.scan.report import ScanResult
    from actviz_tui.core.scan.settings import ScanError

    if args.channel is not None and args.layer is None:
        raise ScanError("--channel needs --layer (channel numbers belong to a layer)")
    result = ScanResult.open(args.scan_dir)
    shown = finite(result.as_json(args.layer, args.channel))
    if args.json:
        print(json.dumps(shown, indent=1))
    else:
        print_tables(shown, result)
    return 0


def finite(value):
    """The JSON with NaN and infinities as null (they are not JSON)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite(item) for item in value]
    return value


def print_tables(shown: dict, result) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 160, highlight=False)
    state = "complete" if shown["complete"] else "incomplete"
    console.print(f"Scan {result.folder} ({state}): model {shown['model']} "
                  f"(SHA-256 {shown['model_sha256'][:12]}...)", markup=False)
    console.print(f"{shown['images']} images scanned, {len(shown['skipped'])} skipped; "
                  f"top {shown['top_k']} by {shown['by']}", markup=False)
    for entry in shown["skipped"]:
        console.print(f"  skipped {entry['image']}: {entry['reason']}", markup=False)
    for layer in shown["layers"]:
        table = Table(title=escape(layer["name"]), title_justify="left")
        for column in ("ch", "mean", "max", "active"):
            table.add_column(column, justify="right", no_wrap=True)
        table.add_column("top images: score (y, x) image", overflow="fold")
        for channel in layer["channels"]:
            table.add_row(str(channel["channel"]), _number(channel["mean"]), _number(channel["max"]),
                          _percent(channel["active"]), escape(_top_cell(channel)))
        console.print(table)


def _top_cell(channel: dict) -> str:
    if channel["active"] == 0:  # every score is <= 0: the ranking says nothing about the images
        return "dead on the dataset (never > 0)"
    return "\n".join(map(_top_line, channel["top"]))


def _top_line(top: dict) -> str:
    where = f" ({top['y']}, {top['x']})" if top["y"] is not None else ""
    return f"{_number(top['score'])}{where} {top['image']}"


def _number(value) -> str:
    return "-" if value is None else f"{value:.4g}"


def _percent(value) -> str:
    from actviz_tui.core.pictures.cell_format import format_percent

    return "-" if value is None else format_percent(value)
