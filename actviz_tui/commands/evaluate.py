"""``actviz evaluate``: which class heatmap to trust, measured on the user's images:
deletion and insertion AUCs (95 % intervals), Average Drop and Increase, beside a
random map's floor, best first; ``--json`` for scripts, ``--out`` for curves and a CSV."""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from actviz_tui.commands.common_options import VersionAction, add_model_options
from actviz_tui.commands.evaluate_report import add_sanity, print_table, progress_bar
from actviz_tui.commands.session_args import session_options

QUICK, ALL = "quick", "all"  # --methods: the methods not marked expensive (the default), or every one


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actviz evaluate",
        description="Score class-heatmap methods on images: deletion and insertion AUC (Petsiuk et al. 2018, "
        "as Xplique computes them), Average Drop and Increase (Grad-CAM++), against a random map.",
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("model", type=Path, help=".keras or .h5 model")
    parser.add_argument("images", nargs="+", type=Path, metavar="IMAGE_OR_DIR", help="images, arrays or folders")
    parser.add_argument("--methods", nargs="+", default=[QUICK], metavar="NAME",
                        help="methods to score: quick (default: those without a run per perturbed input), "
                        "all (adds Score-CAM, occlusion, RISE...: minutes an image on a CPU), or names")
    parser.add_argument("--layer", default=None, metavar="NAME_OR_INDEX", help="the CAM layer (default: the last maps)")
    parser.add_argument("--class", dest="class_index", default=None, metavar="C|NAME",
                        help="the class to explain and score, an index or a name from --labels "
                        "(default: each image's top class)")
    parser.add_argument("--steps", type=_positive, default=20, help="deletion/insertion steps (default 20)")
    parser.add_argument("--baseline", choices=("zero", "blur", "mean"), default="zero",
                        help="what removed pixels become (default zero, Xplique's)")
    parser.add_argument("--cam-option", action="append", default=[], metavar="[METHOD.]NAME=VALUE",
                        help="a method option, e.g. steps=64 (every method that has it) or "
                        "smoothgrad.samples=10 (one method); repeatable")
    parser.add_argument("--no-sanity", dest="sanity", action="store_false",
                        help="skip the model-randomisation sanity check (one more explanation per method)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR", help="write curves.png and per_image.csv")
    add_model_options(parser)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def run(args: argparse.Namespace) -> int:
    from actviz_tui.core.evaluate.evaluation import check_options, evaluate_methods
    from actviz_tui.core.explain.method_options import option_assignments
    from actviz_tui.core.explain import cam_layers
    from actviz_tui.core.explain.registry import METHODS, cheap_methods, method_entry
    from actviz_tui.core.export.files import writable_folder
    from actviz_tui.core.model.engine import Model

    options = option_assignments(args.cam_option)
    methods = {ALL: list(METHODS), QUICK: list(cheap_methods())}.get(" ".join(args.methods), args.methods)
    methods = list(dict.fromkeys(method_entry(method).name for method in methods))  # each once
    check_options(methods, options)  # before the model loads
    model = Model.open(args.model, session_options(args))
    files = _image_files(args.images)
    x = model.prepare(files)
    class_index = _checked_target(model, args)
    if args.layer is None and not cam_layers(model):  # no maps to weigh: the methods on the input alone
        methods = [method for method in methods if method_entry(method).target == "input"] or methods
    if args.out is not None:  # after every check, before minutes of work: an unwritable folder fails now
        writable_folder(args.out)
    with progress_bar() as report_progress:
        result = evaluate_methods(model, x, methods, classes=class_index, steps=args.steps,
                                  baseline=args.baseline, layer=args.layer, progress=report_progress,
                                  method_options=options)
        sanity = _sanity(model, x, result, args, options, report_progress) if args.sanity else None
    report = result.as_json()
    if sanity is not None:
        add_sanity(report, sanity)
    for row, path in zip(report["per_image"], files):
        row["file"] = str(path)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print_table(report)
    if args.out is not None:
        _write_outputs(args.out, result, report, model.name)
    return 0


def _checked_target(model, args) -> int | None:
    """The class as an index (a name looked up in the model's classes), checked with the layer."""
    from actviz_tui.core.analysis.class_names import output_classes
    from actviz_tui.core.explain import check_class, resolve_cam_layer

    index = args.class_index
    if isinstance(index, str):
        index = int(index) if index.strip().isdigit() else output_classes(model.keras_model, model.labels).index(index)
    check_class(model, index)
    if args.layer is not None:
        resolve_cam_layer(model, args.layer)
    return index


def _sanity(model, x, result, args, options: dict, report_progress) -> list:
    from actviz_tui.core.evaluate.sanity import sanity_check

    methods = [scores.method for scores in result.methods]
    report_progress("sanity check", 0, len(methods))
    return sanity_check(model, x, methods, result.classes, layer=args.layer,
                        before={scores.method: scores.heatmaps for scores in result.methods}, method_options=options,
                        progress=lambda done, total: report_progress("sanity check", done, total))


def _image_files(paths: list[Path]) -> list[str]:
    from actviz_tui.core.inputs.image_files import folder_inputs

    files: list[str] = []
    for path in paths:
        files.extend(str(found) for found in folder_inputs(path)) if path.is_dir() else files.append(str(path))
    return files


def _write_outputs(folder: Path, result, report: dict, name: str) -> None:
    from actviz_tui.core.figures.canvas import render_png_bytes
    from actviz_tui.core.figures.causal_curves import causal_curves_figure

    figure = causal_curves_figure(result, f"{name}: deletion and insertion, {report['images']} image(s)")
    (folder / "curves.png").write_bytes(render_png_bytes(figure))
    methods = [scores.method for scores in result.methods]
    with open(folder / "per_image.csv", "w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["file", "class", *(f"{m}_{what}" for m in methods for what in ("deletion", "insertion"))])
        for row in report["per_image"]:
            writer.writerow([row["file"], row["class"],
                             *(f"{row[m][what]:.6f}" for m in methods for what in ("deletion", "insertion"))])
