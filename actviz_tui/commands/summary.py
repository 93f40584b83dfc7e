"""``actviz summary``: the layer table, like model.summary(), with activation stats."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from actviz_tui.commands.common_options import add_model_options, base_parser
from actviz_tui.commands.session_args import model_and_images, open_session
from actviz_tui.core.model.backend_env import backend_name, compute_device, package_version
from actviz_tui.core.pictures.cell_format import format_dead
from actviz_tui.core.errors import NotAnImageModelError
from actviz_tui.core.session.image_results import ImageResults


def build_parser() -> argparse.ArgumentParser:
    parser = base_parser("actviz summary", "Print a model's layer table; with an image, per-layer activation stats.")
    parser.add_argument("model", nargs="?", type=Path, help=".keras or .h5 model (default: the bundled sample)")
    parser.add_argument("image", nargs="?", type=Path, help="image to compute activation statistics on")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--receptive-field", action="store_true",
                        help="each layer's receptive field: size, stride (jump) and offset in input pixels "
                        "(JSON: null where a layer has no spatial maps or its field is unknown)")
    add_model_options(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    model_path, images = model_and_images(args.model, [args.image] if args.image else [])
    session = open_session(args, model_path)
    hint = session.preprocessing_hint()
    if hint:
        print(f"actviz: warning: {hint}", file=sys.stderr)
    note, predictions, results = None, [], session.no_image
    if images:
        try:
            results = session.image(images[0])
            results.all_stats()
            predictions = results.predictions()
        except NotAnImageModelError as error:
            note = str(error)
    if args.json:
        print(json.dumps(summary_dict(results, note, predictions, args.receptive_field), indent=2))
    else:
        print_summary(results, note, predictions, args.receptive_field)
    return 1 if note and images else 0


def summary_dict(session: ImageResults, note: str | None = None, predictions=(), fields: bool = False) -> dict:
    stats = session.known_stats()
    receptive = session.receptive_fields if fields else ()
    layers = []
    for info in session.layers:
        row = {
            "index": info.index,
            "name": info.name,
            "type": info.type,
            "output_shape": list(info.output_shape),
            "params": info.params,
            "depth": info.depth,
        }
        if info.index in stats:
            row["stats"] = {key: _json_number(value) for key, value in stats[info.index].as_dict().items()}
        if fields:
            field = receptive[info.index]
            row["receptive_field"] = None if field is None else field.as_json()
        layers.append(row)
    result = {
        "model": str(session.model_path),
        "total_params": session.total_params,
        "input_shape": [None, *session.inputs[0].shape] if session.inputs else None,
        "inputs": [{"name": i.name, "shape": [None, *i.shape]} for i in session.inputs],
        "image": str(session.image_path) if session.image_path else None,
        "preprocessing": session.preprocessing,
        "backend": backend_name(),
        "device": compute_device(),
        "layers": layers,
    }
    if session.has_image and not note:
        result["predictions"] = [prediction.as_dict() for prediction in predictions]
    if note:
        result["error"] = note
    return result


def _json_number(value):
    """NaN and infinities are not JSON: null instead."""
    return value if not isinstance(value, float) or math.isfinite(value) else None


def print_summary(session: ImageResults, note: str | None = None, predictions=(), fields: bool = False) -> None:
    console = Console(width=None if sys.stdout.isatty() else 160, highlight=False)
    stats = session.known_stats()
    backend = backend_name()
    console.print(
        f"Backend: {backend} {package_version(backend) or ''} on {compute_device()}  "
        f"(keras {package_version('keras') or '?'})",
        markup=False,
    )
    table = Table(title=escape(f"{session.name}  ({session.model_path})"), title_justify="left")
    for column in ("#", "Layer", "Type", "Output shape", "Params"):
        table.add_column(column, justify="right" if column in ("#", "Params") else "left", no_wrap=True)
    if stats:
        for column in ("min", "max", "mean", "zeros", "dead"):
            table.add_column(column, justify="right", no_wrap=True)
    if fields:
        for column in ("RF size", "stride", "offset"):
            table.add_column(column, justify="right", no_wrap=True)
    for info in session.layers:
        cells = [
            str(info.index),
            escape("  " * info.depth + info.short_name),
            info.type,
            format_shape(info.output_shape),
            f"{info.params:,}",
        ]
        if stats:
            cells += stats_cells(stats.get(info.index))
        if fields:
            cells += field_cells(session.receptive_fields[info.index])
        table.add_row(*cells)
    console.print(table)
    console.print(f"Total params: {session.total_params:,}")
    shapes = ", ".join(format_shape((None, *i.shape)) for i in session.inputs)
    console.print(f"Input: {shapes}  ({session.input_description()})", markup=False)
    if session.image_path:
        console.print(f"Image: {session.image_path}  (preprocessing: {session.preprocessing})", markup=False)
    for prediction in predictions:
        console.print(f"Prediction: {prediction.describe()}", markup=False)
    if note:
        print(f"actviz: error: {note}", file=sys.stderr)


def format_shape(shape: tuple) -> str:
    return "(" + ", ".join("None" if dim is None else str(dim) for dim in shape) + ")"


def stats_cells(stats) -> list[str]:
    if stats is None:
        return [""] * 5
    dead = format_dead(stats.dead_channels, stats.channels)
    return [
        f"{stats.minimum:.3g}",
        f"{stats.maximum:.3g}",
        f"{stats.mean:.3g}",
        f"{stats.zero_fraction:.0%}",
        dead,
    ]


def field_cells(field) -> list[str]:
    """Size, stride and offset as "212", "32", "15.5" (rows x cols where they differ)."""
    if field is None:
        return ["?", "", ""]
    if field.whole:
        return ["whole input", "", ""]
    context = " +ctx" if field.global_context else ""
    return [axes_text(field.size) + context, axes_text(field.jump), axes_text(field.offset)]


def axes_text(values) -> str:
    texts = [f"{value:.4g}" for value in values]
    return texts[0] if len(set(texts)) == 1 else "x".join(texts)
