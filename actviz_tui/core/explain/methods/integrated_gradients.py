"""Integrated Gradients (Sundararajan et al. 2017): (x - x') times the mean gradient of the
class logit along the straight path from the baseline x' to x, at alphas k/steps,
k = 1..steps (the right Riemann sum); the map is |attribution| summed over the
colour channels. The baseline is ``baseline`` everywhere in the model's input space
(zero by default)."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.method_options import require_count, require_number
from actviz_tui.core.explain.registry import Method, register


def integrated_gradients(data, steps=32, baseline=0.0) -> np.ndarray:
    pictures = data.pictures
    count = len(pictures)
    alphas = np.arange(1, int(steps) + 1) / int(steps)
    owners = np.repeat(np.arange(count), len(alphas))
    alpha_of = np.tile(alphas, count)

    def along_path(indices):
        alpha = alpha_of[indices][:, None, None, None]
        return (baseline + alpha * (pictures[owners[indices]] - baseline)).astype(np.float32)

    _scores, gradients = data.runs.gradients(owners, along_path)
    mean_gradient = gradients.reshape(count, len(alphas), *pictures.shape[1:]).mean(axis=1)
    return np.abs((pictures - baseline) * mean_gradient).sum(axis=-1)


def checked(settings) -> None:
    require_count("Integrated Gradients", "steps", settings["steps"], 1, "a count of path steps")
    require_number("Integrated Gradients", "baseline", settings["baseline"])


METHOD = register(Method("integrated_gradients", "Integrated Gradients", integrated_gradients, target="input",
                         options={"steps": 32, "baseline": 0.0}, expensive=True,
                         detail=lambda settings, data: f"{settings['steps']} steps", check=checked))
