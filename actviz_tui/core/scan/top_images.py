"""A channel's top images of a scan, read and cropped as the model sees them (the explorer's view 6, the export).

Each image is read with ``model.prepare_input`` (the explorer's preprocessing and
size), shown with ``display_rgb``, and cropped to the receptive field of the
channel's peak (``crops.crop_box``). Paths in a scan are as the scan found them:
relative ones are tried from the working folder, then from the scan folder's parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actviz_tui.core.errors import ActvizError, one_line
from actviz_tui.core.inputs.images import display_rgb
from actviz_tui.core.inputs.layout import is_array_file
from actviz_tui.core.pictures.cell_format import format_number
from actviz_tui.core.scan.crops import Box, crop, crop_box
from actviz_tui.core.scan.report import ScanResult, TopImage


@dataclass(frozen=True, eq=False)
class TopCrop:
    top: TopImage
    path: Path  # where the image was looked for
    rgb: np.ndarray | None  # (h, w, 3) uint8, the crop; None when the image cannot be read
    box: Box | None  # in the model input's pixels
    error: str = ""  # why ``rgb`` is None

    @property
    def title(self) -> str:
        return tile_title(self.top)


def tile_title(top: TopImage) -> str:
    """``cat_012.jpg 4.27``: the file name and the score, 3 significant digits, rounded."""
    return f"{Path(top.image).name} {format_number(top.score)}"


def image_path(scan: ScanResult, image: str) -> Path:
    """Where a scan's image is now: as written from the folder the scan ran in, else from here,
    else beside the scan folder; the first guess when none exists (its error names it)."""
    path = Path(image).expanduser()
    if path.is_absolute():
        return path
    started = scan.manifest.get("cwd")
    guesses = [Path(started) / path] if started else []
    guesses += [path, scan.folder.parent / path]
    return next((guess for guess in guesses if guess.exists()), guesses[0])


def top_crops(model, scan: ScanResult, layer: str, channel: int) -> list[TopCrop]:
    """The top-k of ``layer``'s ``channel``, best first, each cropped (ScanError: no such layer or channel)."""
    tops = scan.top(layer, channel)
    row = model.find_layer(layer)
    field = model.receptive_fields[row]
    map_hw = model.layers[row].map_size
    return [_crop_one(model, scan, top, field, map_hw) for top in tops]


def _crop_one(model, scan: ScanResult, top: TopImage, field, map_hw) -> TopCrop:
    path = image_path(scan, top.image)
    try:
        prepared = model.prepare_input(path)
    except ActvizError as error:
        return TopCrop(top, path, None, None, one_line(error))
    except Exception as error:  # a decoder's own failure on a file changed since the scan
        return TopCrop(top, path, None, None, f"cannot read {path}: {one_line(error)}")
    bgr = model.options.preprocessing == "caffe" and not is_array_file(path)
    picture = display_rgb(prepared.picture, bgr)
    box = crop_box(picture.shape[:2], map_hw, top.y, top.x, field)
    return TopCrop(top, path, np.ascontiguousarray(crop(picture, box)), box)
