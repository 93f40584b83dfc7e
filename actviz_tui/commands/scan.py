"""``actviz scan``: per (layer, channel), the top-k images of a dataset, into a resumable scan folder.

``actviz scan merge ...`` and ``actviz scan show ...`` are read from the first word
after ``scan`` (scan_merge.py, scan_show.py); a model file literally named ``merge``
or ``show`` is then given as ``./merge``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from actviz_tui.commands.common_options import VersionAction, add_model_options
from actviz_tui.commands.session_args import session_options

ACTIONS = {"merge": "actviz_tui.commands.scan_merge", "show": "actviz_tui.commands.scan_show"}
CHECKPOINT_ENV = "ACTVIZ_SCAN_CHECKPOINT_BATCHES"  # checkpoint every N batches (default: the job's)
RAY_MISSING = "install the ray extra: pip install 'actviz-tui[ray]'"


class ScanParser(argparse.ArgumentParser):
    """``scan``'s own parser, which hands ``merge ...`` and ``show ...`` to theirs."""

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        args = list(sys.argv[1:] if args is None else args)
        if args and args[0] in ACTIONS:
            module = importlib.import_module(ACTIONS[args[0]])
            parsed = module.build_parser().parse_args(args[1:])
            parsed.scan_action = module.run
            return parsed
        return super().parse_args(args, namespace)


def build_parser() -> argparse.ArgumentParser:
    parser = ScanParser(
        prog="actviz scan",
        description="Run a dataset through a model and keep, per channel of the layers asked, the top-k "
        "images (score, peak position) and the channel's dataset mean, maximum and active fraction.",
        epilog="Also: actviz scan merge SCAN_DIR... --out SCAN_DIR (shards into one scan); "
        "actviz scan show SCAN_DIR [--layer L] [--channel C] [--json]. Each has --help.",
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("model", type=Path, help=".keras or .h5 model")
    parser.add_argument("data_dirs", nargs="+", type=Path, metavar="DATA_DIR",
                        help="folders of images (and .npy arrays), read recursively in sorted order")
    parser.add_argument("--layers", nargs="+", required=True, metavar="NAME_OR_INDEX", help="layers to scan")
    parser.add_argument("--out", type=Path, required=True, metavar="SCAN_DIR",
                        help="the scan folder: created, or resumed when it holds this scan")
    parser.add_argument("--top-k", type=_top_k, default=9, metavar="K", help="images kept per channel (default 9)")
    parser.add_argument("--by", choices=("max", "mean"), default="max",
                        help="score: the map's spatial maximum (default) or its mean")
    parser.add_argument("--batch-size", type=_positive, default=None, metavar="N",
                        help="images per batch (default: from the memory available, at most 64)")
    parser.add_argument("--shard", default=None, metavar="K/N", help="take every N-th image from the K-th (1-based)")
    parser.add_argument("--engine", choices=("local", "ray"), default="local",
                        help="local: this process; ray: a Ray cluster (the running one, else a local one)")
    parser.add_argument("--workers", type=_positive, default=None, metavar="N",
                        help="with --engine ray: model actors (default: what the cluster holds)")
    add_model_options(parser)
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def _top_k(text: str) -> int:
    value = _positive(text)
    if value > MAX_TOP_K:
        raise argparse.ArgumentTypeError(f"at most {MAX_TOP_K} images per channel, got {value}")
    return value


MAX_TOP_K = 1000  # k x channels x 20 bytes per layer are held and checkpointed


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "scan_action", None)
    if action is not None:
        return action(args)
    from actviz_tui.commands.scan_progress import scan_progress
    from actviz_tui.core.scan.local_run import ScanInterrupted

    job, model = open_job(args)
    say = _stderr_line
    if not job.pending().size:
        if not job.complete:
            job.finish()
        if not job.total:
            say(f"actviz: shard {args.shard} holds no image (the data holds {len(job.images)}); nothing to do")
        else:
            say(f"actviz: {args.out} is already complete ({job.total} images); nothing to do")
        return 0
    if job.resumed_from:
        say(f"actviz: resuming: {job.resumed_from} of {job.total} images already done")
    try:
        with scan_progress(sys.stderr.isatty(), job.total) as progress:
            _run_engine(args, job, model, progress)
    except ScanInterrupted as stop:
        say(f"actviz: interrupted after {stop.done} of {stop.total} images; run the same command to resume")
        return 130
    except KeyboardInterrupt:
        say("actviz: interrupted; run the same command to resume from the last checkpoint")
        return 130
    for line in _skipped_lines(job):
        say(line)
    state = "complete" if job.complete else "incomplete"
    scanned = job.totals.scanned
    print(f"{args.out}: {scanned} image{'s' * (scanned != 1)} scanned, {len(job.totals.skipped)} skipped ({state})")
    return 0


def open_job(args: argparse.Namespace):
    """Everything checked (shard, data, model, layers, engine) before the scan folder is touched."""
    from actviz_tui.core.file_hash import file_sha256
    from actviz_tui.core.model.engine import Model
    from actviz_tui.core.scan.dataset import dataset_images, layer_shapes
    from actviz_tui.core.scan.job import ScanJob
    from actviz_tui.core.scan.settings import ScanSettings, parse_shard

    shard = parse_shard(args.shard) if args.shard else None
    images = dataset_images(args.data_dirs)
    options = session_options(args)
    model = Model.open(args.model, options)
    rows = scan_rows(model, args.layers)
    check_fixed_size(model)
    settings = ScanSettings(
        model_path=str(args.model), model_sha256=file_sha256(args.model),
        layers=tuple(model.layers[row].name for row in rows), top_k=args.top_k, by=args.by,
        preprocessing=options.preprocessing, size=options.size, image_input=options.image_input, shard=shard,
    )
    if args.engine == "ray":
        ray_runner()  # refuse before creating anything when Ray is missing
    job = ScanJob.start(args.out, settings, images, layer_shapes(model, rows),
                        [str(folder) for folder in args.data_dirs], args.engine)
    batches = os.environ.get(CHECKPOINT_ENV, "").strip()
    if batches.isdigit() and int(batches) > 0:
        job.CHECKPOINT_BATCHES = int(batches)
    return job, model


def scan_rows(model, layers: list[str]) -> tuple[int, ...]:
    """The table rows of ``--layers`` (LayerLookupError for one the model lacks); each needs a channel axis."""
    from actviz_tui.core.scan.settings import ScanError

    rows = model.rows(layers)
    for row in rows:
        info = model.layers[row]
        if not info.channels:
            raise ScanError(f"layer {info.name} has no channel axis (output {info.output_shape}); "
                            "scan takes layers with channels")
    return rows


def check_fixed_size(model) -> None:
    """A free-size image input needs --size: every image of a batch must come out the same size."""
    from actviz_tui.core.scan.settings import ScanError

    chosen = model.image_input_index
    if chosen is None or model.options.size is not None:
        return
    if any(dim is None for dim in model.inputs[chosen].shape):
        raise ScanError(f"model {model.name} takes images of any size; give --size HxW "
                        "so that every image is scanned at the same size")


def ray_runner():
    import importlib.util

    from actviz_tui.core.scan.settings import ScanError

    if importlib.util.find_spec("ray") is None:
        raise ScanError(RAY_MISSING)
    try:
        from actviz_tui.core.scan.ray_run import run_ray  # type: ignore[import-not-found,unused-ignore]
    except ImportError as error:
        raise ScanError(f"the ray engine cannot start: {error}") from None
    return run_ray


def _run_engine(args: argparse.Namespace, job, model, progress) -> None:
    from actviz_tui.core.scan.local_run import auto_batch_size, run_local

    if args.engine == "ray":  # the batch from this machine's memory: the nodes' is not known here
        batch_size = args.batch_size or auto_batch_size(model, model.rows(list(job.settings.layers)))
        ray_runner()(job, model.options, batch_size, args.workers, progress)
        return

    run_local(job, model, args.batch_size, progress)


SKIPPED_SHOWN = 20  # a big dataset may hold thousands of bad files: the manifest lists them all


def _skipped_lines(job) -> list[str]:
    skipped = job.totals.skipped_list(job.images)
    lines = [f"actviz: skipped: {entry['image']}: {entry['reason']}"
             if entry["image"] not in entry["reason"] else f"actviz: skipped: {entry['reason']}"
             for entry in skipped[:SKIPPED_SHOWN]]
    if len(skipped) > SKIPPED_SHOWN:
        lines.append(f"actviz: ... and {len(skipped) - SKIPPED_SHOWN} more skipped "
                     f"(all listed in {job.folder / 'manifest.json'} and by `actviz scan show`)")
    return lines


def _stderr_line(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
