"""What a scan was asked for: the model (path and SHA-256), layers, k, score, input settings, shard."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import numpy as np

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.scan.totals import SCORES


class ScanError(ActvizError):
    """A scan folder that does not fit the command (another model, other settings, not a scan)."""


@dataclass(frozen=True)
class ScanSettings:
    model_path: str
    model_sha256: str
    layers: tuple[str, ...]  # full layer names, in the order given
    top_k: int = 9
    by: str = "max"  # the score: the map's spatial maximum, or its mean
    preprocessing: str = "rescale"
    size: tuple[int, int] | None = None  # --size for free-size inputs
    image_input: int | None = None  # --input
    shard: tuple[int, int] | None = None  # (K, N): this run takes images i with i % N == K - 1

    def __post_init__(self):
        if self.by not in SCORES:
            raise ScanError(f"--by must be one of {', '.join(SCORES)}, not {self.by!r}")
        if self.top_k < 1:
            raise ScanError(f"--top-k must be at least 1, not {self.top_k}")

    def as_dict(self) -> dict:
        values = asdict(self)
        values["layers"] = list(self.layers)
        for key in ("size", "shard"):
            values[key] = list(values[key]) if values[key] is not None else None
        return values

    @classmethod
    def from_dict(cls, values: dict) -> "ScanSettings":
        known = {field.name for field in fields(cls)}
        values = {key: value for key, value in values.items() if key in known}
        values["layers"] = tuple(values["layers"])
        for key in ("size", "shard"):
            values[key] = tuple(values[key]) if values.get(key) is not None else None
        return cls(**values)

    def difference(self, other: "ScanSettings", ignore: tuple[str, ...] = ("model_path",)) -> str | None:
        """The first setting that differs, said for a user; None when the two scans are the same."""
        for field in fields(self):
            if field.name in ignore:
                continue
            mine, theirs = getattr(self, field.name), getattr(other, field.name)
            if mine != theirs:
                return f"{field.name} is {_show(theirs)} there, {_show(mine)} here"
        return None


def _show(value) -> str:
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return str(value)


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` (1 <= K <= N) -> (K, N)."""
    try:
        part, count = (int(piece) for piece in text.split("/"))
    except ValueError:
        raise ScanError(f"--shard takes K/N, e.g. 1/4, not {text!r}") from None
    if not 1 <= part <= count:
        raise ScanError(f"--shard {text}: K must be between 1 and N ({count})")
    return part, count


def shard_indices(images: int, shard: tuple[int, int] | None) -> np.ndarray:
    """The indices of the sorted image list that a shard takes (every N-th, from K - 1)."""
    if shard is None:
        return np.arange(images)
    part, count = shard
    return np.arange(part - 1, images, count)
