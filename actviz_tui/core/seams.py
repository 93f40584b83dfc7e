"""The typed seams: what export and explain need from the engine, as Protocols.

``ExplainableModel`` is what ``core/explain`` reads of a model (``core.model.engine.Model``
is one); ``FigureSource`` is what ``core/export`` reads of one image's results
(``core.session.image_results.ImageResults`` is one; with ``has_image`` false,
only the figures that need no image can be drawn). Tests and future callers
(scan, compare) may pass anything that has these members.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Sequence

import numpy as np

if TYPE_CHECKING:
    from actviz_tui.core.analysis.filters import LayerFilters
    from actviz_tui.core.model.graph import InputInfo, LayerInfo
    from actviz_tui.core.model.options import ModelOptions

LayerRef = str | int


class ExplainableModel(Protocol):
    keras_model: Any
    traced: Any  # graph.TracedModel: the model outputs' shapes and rows (class scores, default CAM layer)
    layers: tuple[LayerInfo, ...]
    inputs: tuple[InputInfo, ...]
    labels: dict[int, str] | None

    @property
    def name(self) -> str: ...

    @property
    def image_input_index(self) -> int | None: ...

    def find_layer(self, ref: LayerRef) -> int: ...

    def keras_layer(self, ref: LayerRef) -> Any: ...

    def feed(self, x: Any) -> list[np.ndarray]: ...

    def activations_by_row(self, x: Any, rows: Sequence[int]) -> dict[int, np.ndarray]: ...

    def unit_labels(self, units: int) -> dict[int, str] | None: ...


class FigureSource(Protocol):
    @property
    def model(self) -> ExplainableModel: ...

    @property
    def name(self) -> str: ...

    @property
    def layers(self) -> tuple[LayerInfo, ...]: ...

    @property
    def options(self) -> ModelOptions: ...

    @property
    def preprocessing(self) -> str: ...

    @property
    def keras_model(self) -> Any: ...

    @property
    def labels(self) -> dict[int, str] | None: ...

    @property
    def model_path(self) -> Path | None: ...

    @property
    def image_path(self) -> Path | None: ...

    @property
    def has_image(self) -> bool: ...

    @property
    def model_input(self) -> np.ndarray | None: ...

    @property
    def input_bgr(self) -> bool: ...

    def find_layer(self, ref: LayerRef) -> int: ...

    def unit_labels(self, units: int) -> dict[int, str] | None: ...

    def filters(self, ref: LayerRef) -> LayerFilters: ...

    def activation(self, row: int) -> np.ndarray: ...

    def activations(self, rows: Sequence[int]) -> dict[int, np.ndarray]: ...

    def class_heatmap(self, method: str | None = None, class_index: int | None = None, layer: LayerRef | None = None,
                      output: int = 0, progress: Any = None, should_stop: Any = None, **options: Any) -> Any: ...
