"""Occlusion: how much the class score drops when a square hides each part of the input.

A ``patch`` x ``patch`` square of ``fill`` (0 in the model's input space)
slides over each image with ``stride``; each pixel gets the mean drop
of the class score over the placements that covered it. Works on the input
(no layer). Default patch: about an eighth of the smaller side, half-overlapping."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.registry import Method, register


def default_patch(height: int, width: int) -> tuple[int, int]:
    """(patch, stride)."""
    patch = max(1, round(min(height, width) / 8))
    return patch, max(1, patch // 2)


def placements(size: int, patch: int, stride: int) -> list[int]:
    """Start positions along one axis; the last one is flush with the border."""
    starts = list(range(0, max(size - patch, 0) + 1, stride))
    if starts[-1] != max(size - patch, 0):
        starts.append(max(size - patch, 0))
    return starts


def occlusion(data, patch=None, stride=None, fill=0.0) -> np.ndarray:
    pictures = data.pictures
    count, height, width = pictures.shape[:3]
    default = default_patch(height, width)
    patch, stride = patch or default[0], stride or default[1]
    corners = np.array([(y, x) for y in placements(height, patch, stride) for x in placements(width, patch, stride)])
    owners = np.repeat(np.arange(count), len(corners))
    corner_of = np.tile(np.arange(len(corners)), count)

    def occluded(indices):
        batch = pictures[owners[indices]].copy()
        for position, (y, x) in enumerate(corners[corner_of[indices]]):
            batch[position, y:y + patch, x:x + patch] = fill
        return batch

    drops = data.base_scores[owners] - data.runs.scores(owners, occluded)
    totals = np.zeros((count, height, width))
    covered = np.zeros((count, height, width))
    for owner, (y, x), drop in zip(owners, corners[corner_of], drops):
        totals[owner, y:y + patch, x:x + patch] += drop
        covered[owner, y:y + patch, x:x + patch] += 1
    return np.maximum(totals / np.maximum(covered, 1), 0.0)


def patch_used(settings, data) -> str:
    """"patch 28, stride 14" (pixels)."""
    default = default_patch(*data.pictures.shape[1:3])
    return f"patch {settings['patch'] or default[0]}, stride {settings['stride'] or default[1]}"


METHOD = register(Method("occlusion", "occlusion", occlusion, target="input",
                         options={"patch": None, "stride": None, "fill": 0.0}, expensive=True, detail=patch_used))
