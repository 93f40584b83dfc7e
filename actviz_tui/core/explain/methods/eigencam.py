"""Eigen-CAM (Muhammad & Yeasin 2020): the maps' first principal component; class-agnostic.

"Eigen-CAM: Class Activation Map using Principal Components", IJCNN 2020: the layer's
maps projected on their first principal component. Class-agnostic: no gradient and
no class score take part, so every class of an image gets the same map (the title
says so: "Eigen-CAM (class-agnostic)").

As pytorch-grad-cam's ``utils/svd_on_activations.py`` (``get_2d_projection``): the
(h*w, C) maps, NaN set to 0, minus their mean over positions, projected on the first
right singular vector; then ReLU, as its ``base_cam.py``. The SVD's sign is arbitrary
(pytorch-grad-cam leaves it to the solver, so its map may come out as the negative
of the salient region, blank after the ReLU); here it is fixed: the projection is
turned to correlate positively with the channel-mean map (the maps averaged over
channels), so what the layer responds to strongly comes out positive. Where that
correlation is exactly zero, the projection's largest |value| is made positive."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.explain.registry import Method, register


def eigencam(data) -> np.ndarray:
    return np.stack([np.maximum(first_component(maps), 0.0) for maps in data.maps])


def first_component(maps: np.ndarray) -> np.ndarray:
    """(h, w, C) -> (h, w): the centred maps' projection on their first principal axis, signed."""
    height, width, channels = maps.shape
    rows = np.nan_to_num(maps.reshape(height * width, channels), nan=0.0)
    centred = rows - rows.mean(axis=0)
    if not np.any(centred):
        return np.zeros((height, width))
    _, _, right = np.linalg.svd(centred, full_matrices=False)
    projection = centred @ right[0]
    mean_map = rows.mean(axis=1)
    agreement = float(projection @ (mean_map - mean_map.mean()))
    if agreement == 0.0:
        agreement = float(projection[np.argmax(np.abs(projection))])
    return (projection if agreement >= 0 else -projection).reshape(height, width)


METHOD = register(Method("eigencam", "Eigen-CAM", eigencam,
                         detail=lambda settings, data: "class-agnostic"))
