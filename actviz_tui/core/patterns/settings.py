"""How patterns are optimised; ``cache_key`` names a result on disk."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

RECIPE_VERSION = 1  # bump when the optimisation changes what a setting gives


@dataclass(frozen=True)
class PatternSettings:
    steps: int = 256
    size: tuple[int, int] | None = None  # (H, W) for an input of free size; fixed sizes are the model's
    seed: int = 0
    learning_rate: float = 0.05  # Adam's, on the spectrum (Lucent's default)
    batch_size: int = 32  # channels optimised together (fewer where the model's memory asks)

    def __post_init__(self) -> None:
        if self.steps < 1:
            raise ValueError(f"steps must be 1 or more, not {self.steps}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be 1 or more, not {self.batch_size}")

    def as_dict(self) -> dict:
        values = asdict(self)
        values["size"] = list(self.size) if self.size else None
        return values


def cache_key(settings: PatternSettings, height: int, width: int, preprocessing: str, input_index: int) -> str:
    """What makes one channel's pattern what it is, beside the model and layer (the batch size does not)."""
    recipe = {
        "version": RECIPE_VERSION, "steps": settings.steps, "seed": settings.seed,
        "learning_rate": settings.learning_rate, "size": [height, width],
        "preprocessing": preprocessing, "input": input_index,
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]
