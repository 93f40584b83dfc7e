"""Saliency (Simonyan et al. 2014): the class logit's gradient with respect to the input,
its absolute value, the largest over the colour channels of each pixel."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.registry import Method, register


def saliency(data) -> np.ndarray:
    return np.abs(data.gradients).max(axis=-1)


METHOD = register(Method("saliency", "Saliency", saliency, gradients=True, target="input"))
