"""The bundled sample models and images: package data in ``actviz_tui/samples/``.

They are found with ``importlib.resources``, so they are there wherever actviz is
installed: an editable checkout, a wheel, pipx. Keras wants a real file path; in
the rare install where the package is not on disk (a zip), the file is copied to
a temporary one that lives until the process ends.
"""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from importlib import resources
from pathlib import Path

SAMPLE_MODEL_NAME = "chest_xray_cnn.h5"
SAMPLE_IMAGE_NAME = "images/xray_opacity.png"

_extracted = ExitStack()
atexit.register(_extracted.close)


def sample_path(name: str) -> Path:
    """A file of ``actviz_tui/samples/`` ("chest_xray_cnn.h5", "images/shapes.jpg") on disk."""
    resource = resources.files("actviz_tui").joinpath("samples")
    for part in name.split("/"):  # one part per joinpath: all Python versions take that
        resource = resource.joinpath(part)
    if isinstance(resource, Path):
        return resource
    return _extracted.enter_context(resources.as_file(resource))


def sample_model_path() -> Path:
    return sample_path(SAMPLE_MODEL_NAME)


def sample_image_path() -> Path:
    return sample_path(SAMPLE_IMAGE_NAME)
