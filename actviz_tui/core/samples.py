"""Where the bundled sample models and images live."""

from __future__ import annotations

import sys
from pathlib import Path

SAMPLE_MODEL_NAME = "chest_xray_cnn.h5"
SAMPLE_IMAGE_NAME = "images/xray_opacity.png"


def sample_folder() -> Path:
    """The repository's sample_models/ (editable install), else the installed copy."""
    candidates = [
        Path(__file__).resolve().parents[2] / "sample_models",
        Path(sys.prefix) / "share" / "actviz" / "sample_models",
    ]
    for folder in candidates:
        if (folder / SAMPLE_MODEL_NAME).exists():
            return folder
    return candidates[0]


def sample_model_path() -> Path:
    return sample_folder() / SAMPLE_MODEL_NAME


def sample_image_path() -> Path:
    return sample_folder() / SAMPLE_IMAGE_NAME
