"""``actviz compare``: two runs layer by layer, told apart by the files given:

    actviz compare MODEL_A MODEL_B IMAGE    one image through two checkpoints
    actviz compare MODEL IMAGE_A IMAGE_B    two images through one model

Per layer: relative L2 distance, cosine similarity, linear CKA over spatial positions and
the channels that moved most; the first layer that differs. ``--json`` for scripts,
``--out DIR`` for a PNG of divergence per layer."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from actviz_tui.commands.common_options import VersionAction, add_model_options
from actviz_tui.commands.session_args import session_options
from actviz_tui.core.compare.files import is_model_file
from actviz_tui.core.errors import ActvizError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actviz compare",
        description="Compare two runs layer by layer: MODEL_A MODEL_B IMAGE (two checkpoints of one "
        "architecture, one image) or MODEL IMAGE_A IMAGE_B (one model, two images).",
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("files", nargs=3, type=Path, metavar="FILE",
                        help="two models and an image, or a model and two images (.keras/.h5 are models)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR", help="write divergence.png")
    add_model_options(parser)
    parser.set_defaults(model=None)  # forward passes only: oneDNN stays on, channels_first or not
    return parser


def split_files(files: list[Path]) -> tuple[list[Path], list[Path]]:
    """(models, inputs): two and one, or one and two; ActvizError otherwise."""
    models = [path for path in files if is_model_file(path)]
    inputs = [path for path in files if not is_model_file(path)]
    if len(models) not in (1, 2):
        raise ActvizError(f"compare takes two models and an image, or a model and two images: "
                          f"got {len(models)} model files ({', '.join(str(p) for p in files)})")
    return models, inputs


def run(args: argparse.Namespace) -> int:
    from actviz_tui.core.compare.comparison import compare_checkpoints, compare_images
    from actviz_tui.core.export.files import writable_folder
    from actviz_tui.core.model.engine import Model

    models, inputs = split_files(list(args.files))
    options = session_options(args)
    opened = [Model.open(path, options) for path in models]
    if args.out is not None:
        writable_folder(args.out)
    if len(opened) == 2:
        result = compare_checkpoints(opened[0], opened[1], opened[0].prepare(inputs))
        what = f"{models[0].name} vs {models[1].name} on {inputs[0].name}"
    else:
        model = opened[0]
        result = compare_images(model, model.prepare(inputs[:1]), model.prepare(inputs[1:]))
        what = f"{inputs[0].name} vs {inputs[1].name} through {models[0].name}"
    report = {"compared": what, **result.as_json()}
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        _print_table(report)
    if args.out is not None:
        from actviz_tui.core.figures.canvas import render_png_bytes
        from actviz_tui.core.figures.divergence import divergence_figure

        (args.out / "divergence.png").write_bytes(render_png_bytes(divergence_figure(result, what)))
    return 0


def _print_table(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    first = report["first_divergent"]
    table = Table(title=f"{report['compared']}: first divergent layer {first or 'none (identical)'}",
                  title_justify="left")
    for column in ("layer", "relative L2", "cosine", "CKA", "channels that moved most"):
        table.add_column(column, justify="left" if column in ("layer", "channels that moved most") else "right")
    for layer in report["layers"]:
        marker = "▶ " if layer["name"] == first else "  "
        table.add_row(marker + layer["name"], _number(layer["relative_l2"]), _number(layer["cosine"]),
                      _number(layer["cka"]), ", ".join(map(str, layer["top_channels"])))
    Console(width=None if sys.stdout.isatty() else 120, highlight=False).print(table)


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4g}"
