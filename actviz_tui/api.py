"""The public Python API: ``actviz_tui.load(...)`` returns the batch-first engine's Model.

    import actviz_tui as av
    model = av.load("model.h5", preprocess="rescale")
    x = model.prepare(["a.png", "b.jpg"])
    acts = model.activations(x, layers=["conv2d_1", 4])
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from actviz_tui.core.model.engine import Model
from actviz_tui.core.model.options import ModelOptions


def load(
    path: str | Path,
    preprocess: str = "rescale",
    custom_objects: Sequence[str | Path] = (),
    size: tuple[int, int] | None = None,
    input: int | None = None,  # noqa: A002 -- the CLI's --input
    labels: str | Path | None = None,
) -> Model:
    """Load a ``.keras`` or legacy ``.h5`` model for batch-first inspection.

    ``preprocess``: how ``model.prepare`` turns images into inputs (rescale, none,
    symmetric, imagenet, caffe); ``custom_objects``: Python files that define the
    model's custom layers; ``size``: (H, W) for free-size inputs; ``input``: which
    model input gets images; ``labels``: a class-names file. Errors are
    ``actviz_tui.core.errors.ActvizError`` with a one-line message.
    """
    from actviz_tui.core.model.backend_env import prepare_environment
    from actviz_tui.core.model.loading import declares_channels_first

    path = Path(path).expanduser()
    if "keras" not in sys.modules:  # the backend's environment counts only before its import
        prepare_environment(channels_first=path.exists() and declares_channels_first(path))
    options = ModelOptions(
        preprocessing=preprocess, image_input=input, size=None if size is None else (int(size[0]), int(size[1])),
        custom_objects=tuple(str(p) for p in custom_objects), labels=None if labels is None else str(labels),
    )
    return Model.open(path, options)
