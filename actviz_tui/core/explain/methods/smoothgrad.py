"""SmoothGrad (Smilkov et al. 2017): the input gradient averaged over ``samples`` noisy
copies, x + N(0, sigma^2) with sigma = ``noise`` x (max - min) of each image; the map
is |mean gradient| summed over the colour channels. The noise is seeded (``seed``) and
every image gets the same draws, so a map is the same alone or in a batch."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.method_options import require_count, require_number
from actviz_tui.core.explain.registry import Method, register


def smoothgrad(data, samples=25, noise=0.15, seed=0) -> np.ndarray:
    pictures = data.pictures
    count = len(pictures)
    owners = np.repeat(np.arange(count), int(samples))
    spread = (pictures.reshape(count, -1).max(axis=1) - pictures.reshape(count, -1).min(axis=1)) * noise
    # The same noise draws for every image: an image's map does not depend on its batch companions.
    noises = np.random.default_rng(seed).standard_normal((int(samples), *pictures.shape[1:])).astype(np.float32)

    def noisy(indices):
        draws = noises[np.asarray(indices) % int(samples)]
        return (pictures[owners[indices]] + draws * spread[owners[indices], None, None, None]).astype(np.float32)

    _scores, gradients = data.runs.gradients(owners, noisy)
    mean_gradient = gradients.reshape(count, int(samples), *pictures.shape[1:]).mean(axis=1)
    return np.abs(mean_gradient).sum(axis=-1)


def checked(settings) -> None:
    require_count("SmoothGrad", "samples", settings["samples"], 1, "a count of noisy copies")
    require_number("SmoothGrad", "noise", settings["noise"], 0)
    require_count("SmoothGrad", "seed", settings["seed"], 0)


METHOD = register(Method("smoothgrad", "SmoothGrad", smoothgrad, target="input",
                         options={"samples": 25, "noise": 0.15, "seed": 0}, expensive=True,
                         detail=lambda settings, data: f"{settings['samples']} samples, noise {settings['noise']}",
                         check=checked))
