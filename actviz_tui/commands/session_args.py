"""Turn parsed command-line options into a ModelSession (the model plus its images' results)."""

from __future__ import annotations

import argparse
from pathlib import Path

from actviz_tui.core.model.options import ModelOptions, default_cache_bytes
from actviz_tui.core.inputs.samples import sample_image_path, sample_model_path


def session_options(args: argparse.Namespace) -> ModelOptions:
    cache_bytes = default_cache_bytes() if args.cache_mb is None else int(args.cache_mb * 1024 * 1024)
    return ModelOptions(
        preprocessing=args.preprocess,
        image_input=args.image_input,
        size=args.size,
        cache_bytes=cache_bytes,
        custom_objects=tuple(str(path) for path in getattr(args, "custom_objects", None) or ()),
        labels=getattr(args, "labels", None),
    )


def model_and_images(model: Path | None, images: list[Path]) -> tuple[Path, list[Path]]:
    """With no model, the bundled sample and its image."""
    if model is None:
        return sample_model_path(), images or [sample_image_path()]
    return model, images


def open_session(args: argparse.Namespace, model: Path):
    from actviz_tui.core.session.model_session import ModelSession

    return ModelSession.open(model, session_options(args))
