"""Which file is a model and which an input, for ``actviz compare`` and ``--compare``; light (no numpy)."""

from __future__ import annotations

from pathlib import Path

MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")


def is_model_file(path: str | Path) -> bool:
    """A Keras model file (.keras, .h5, .hdf5); anything else is an image or a .npy array."""
    return Path(path).suffix.lower() in MODEL_SUFFIXES
