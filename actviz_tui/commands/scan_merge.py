"""``actviz scan merge``: shards of one scan (any order) into one scan folder, as the single run would give."""

from __future__ import annotations

import argparse
from pathlib import Path

from actviz_tui.commands.common_options import base_parser


def build_parser() -> argparse.ArgumentParser:
    parser = base_parser(
        "actviz scan merge",
        "Merge scan folders of the same model, settings and images (shards, --shard K/N) into one.",
    )
    parser.add_argument("parts", nargs="+", type=Path, metavar="SCAN_DIR", help="the shards' scan folders")
    parser.add_argument("--out", type=Path, required=True, metavar="SCAN_DIR", help="the merged scan: a new folder")
    parser.set_defaults(model=None, verbose=False, log=None)
    return parser


def run(args: argparse.Namespace) -> int:
    from actviz_tui.core.scan.merge import merge_scans

    job = merge_scans(args.parts, args.out)
    state = "complete" if job.complete else f"incomplete: {len(job.pending())} of {job.total} images missing"
    print(f"{args.out}: {len(args.parts)} parts merged, {job.totals.scanned} images scanned, "
          f"{len(job.totals.skipped)} skipped ({state})")
    return 0
