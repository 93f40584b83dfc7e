"""How patterns are optimised; ``cache_key`` names a result on disk."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

import numpy as np

RECIPE_VERSION = 1  # bump when the optimisation changes what a setting gives


@dataclass(frozen=True)
class PatternSettings:
    steps: int = 256
    size: tuple[int, int] | None = None  # (H, W) for an input of free size; fixed sizes are the model's
    seed: int = 0
    learning_rate: float = 0.05  # Adam's, on the spectrum (Lucent's default)
    batch_size: int = 32  # channels optimised together (fewer where the model's memory asks)

    def __post_init__(self) -> None:
        from actviz_tui.core.patterns.target import PatternError

        for name, least in (("steps", 1), ("batch_size", 1), ("seed", 0)):
            value = getattr(self, name)
            if not isinstance(value, (int, np.integer)) or value < least:
                raise PatternError(f"{name} must be a whole number of at least {least}, not {value!r}")
        if self.size is not None and (len(self.size) != 2 or min(self.size) < 1):
            raise PatternError(f"size must be (height, width) of at least 1 pixel each, not {self.size!r}")

    def as_dict(self) -> dict:
        values = asdict(self)
        values["size"] = list(self.size) if self.size else None
        return values


def cache_key(settings: PatternSettings, height: int, width: int, preprocessing: str, input_index: int,
              batch: int, backend: str) -> str:
    """What makes one channel's pattern what it is, beside the model and layer. ``batch``: the
    batch every channel is optimised in (its size changes the float rounding; see patterns.py)."""
    recipe = {
        "version": RECIPE_VERSION, "steps": settings.steps, "seed": settings.seed,
        "learning_rate": settings.learning_rate, "size": [height, width],
        "preprocessing": preprocessing, "input": input_index, "batch": batch, "backend": backend,
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]
