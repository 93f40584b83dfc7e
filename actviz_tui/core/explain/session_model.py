"""The engine's ``Model`` interface over a ``ModelSession``: lets ``class_heatmap(session)``
run ``explain`` until the session holds an engine ``Model`` of its own."""

from __future__ import annotations

import numpy as np


class SessionModel:
    """Read-only view of a session with the attributes ``explain`` uses."""

    def __init__(self, session):
        self.session = session
        self.keras_model = session.model
        self.name = session.name
        self.layers = tuple(session.layers)
        self.inputs = tuple(session.inputs)
        self.labels = session.labels
        self.traced = session.probe.traced

    @property
    def image_input_index(self) -> int | None:
        return self.session.image_input_index

    def unit_labels(self, units: int):
        return self.session.unit_labels(units)

    def find_layer(self, name_or_index) -> int:
        return self.session.find_layer(name_or_index)

    def keras_layer(self, row: int):
        return self.session.keras_layer(row)

    def feed(self, x) -> list[np.ndarray]:
        if isinstance(x, (list, tuple)):
            return [np.asarray(array, dtype=np.float32) for array in x]
        x = np.asarray(x, dtype=np.float32)
        arrays = []
        for i, info in enumerate(self.inputs):
            if i == self.image_input_index:
                arrays.append(x)
            else:
                shape = tuple(1 if dim is None else dim for dim in info.shape)
                arrays.append(np.zeros((len(x), *shape), dtype=np.float32))
        return arrays
