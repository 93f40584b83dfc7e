"""HiResCAM (Draelos & Carin): gradients times maps, element-wise.

ReLU(sum_c G_c * A_c), not pooled: faithful to where a Flatten + Dense head looked."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.registry import Method, register


def hirescam(data) -> np.ndarray:
    return np.maximum((data.gradients * data.maps).sum(axis=-1), 0.0)


METHOD = register(Method("hirescam", "HiResCAM", hirescam, gradients=True))
