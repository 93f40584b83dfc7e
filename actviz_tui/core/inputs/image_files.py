"""Folders of inputs: the image files (by extension) and ``.npy`` arrays in them, recursive, sorted."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from actviz_tui.core.inputs.layout import ARRAY_SUFFIX


@dataclass
class InputFiles:
    paths: list[Path] = field(default_factory=list)  # files to read, in order
    problems: list[str] = field(default_factory=list)  # folders that hold no input, one line each


# The raster formats of cameras, scanners and datasets (Pillow reads more, but its
# other extensions include stubs such as .h5, which would take in model files).
IMAGE_SUFFIXES = frozenset({
    ".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".bmp", ".gif", ".tif", ".tiff", ".webp",
    ".ppm", ".pgm", ".pbm", ".pnm", ".tga",
})
INPUT_SUFFIXES = IMAGE_SUFFIXES | {ARRAY_SUFFIX}


def expand_inputs(paths: list[Path]) -> InputFiles:
    """Each folder replaced by its input files (subfolders too; hidden files and
    folders left out), sorted by path; a file is kept as given, whatever its name."""
    found = InputFiles()
    for path in paths:
        path = Path(path).expanduser()
        if not path.is_dir():
            found.paths.append(path)
            continue
        inside = folder_inputs(path)
        if inside:
            found.paths.extend(inside)
        else:
            found.problems.append(f"no image or .npy file in folder {path}")
    return found


def folder_inputs(folder: Path) -> list[Path]:
    files = (
        path for path in folder.rglob("*")
        if path.suffix.lower() in INPUT_SUFFIXES and not _hidden(path.relative_to(folder)) and path.is_file()
    )
    return sorted(files, key=lambda path: path.relative_to(folder).parts)


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)
