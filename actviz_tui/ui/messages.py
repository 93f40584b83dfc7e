"""Messages the engine bridge sends to the explorer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Hashable

import numpy as np
from textual.message import Message

from actviz_tui.core.analysis.stats import ActivationStats
from actviz_tui.core.session.image_results import ImageResults
from actviz_tui.core.session.model_session import ModelSession

if TYPE_CHECKING:
    from actviz_tui.core.analysis.predictions import OutputPrediction
    from actviz_tui.core.explain import ClassHeatmap
    from actviz_tui.core.scan.report import ScanResult
    from actviz_tui.core.scan.top_images import TopCrop


@dataclass
class StageChanged(Message):
    """A worker started a slow step ("importing TensorFlow", "computing conv2d_3")."""

    stage: str


@dataclass
class SessionReady(Message):
    session: ModelSession
    device: str


@dataclass
class ImageReady(Message):
    """An image was read and preprocessed: its results (computed on demand) are ready to ask."""

    image_index: int
    results: ImageResults


@dataclass
class ImageFailed(Message):
    """An image could not be read (missing, not an image, wrong shape): the screen skips it or says why."""

    image_index: int
    path: Path
    error: str


@dataclass
class ActivationReady(Message):
    row: int
    activation: np.ndarray


@dataclass
class LayersReady(Message):
    """Activations of several layers, the ones a view asked for last (``request``: its ask)."""

    request: Hashable
    arrays: dict[int, np.ndarray]


@dataclass
class StatsReady(Message):
    stats: dict[int, ActivationStats]


@dataclass
class ExportProgress(Message):
    done: int
    total: int


@dataclass
class ExportDone(Message):
    paths: list[Path]
    cancelled: bool = False


@dataclass
class EngineFailed(Message):
    """A user-facing error (bad model, bad image, ...), one line."""

    message: str
    fatal_for_model: bool = False


@dataclass
class PredictionsReady(Message):
    """The shown image's predictions, one per model output (core.analysis.predictions)."""

    predictions: list[OutputPrediction]


@dataclass
class ClassHeatmapReady(Message):
    """The class heatmap the view asked for last."""

    result: ClassHeatmap | None  # None when it failed: ``error`` says why
    error: str = ""


@dataclass
class ClassHeatmapProgress(Message):
    """A running Score-CAM or occlusion: ``done`` of ``total`` perturbed inputs scored."""

    done: int
    total: int


@dataclass
class ScanReady(Message):
    """A scan folder was read; ``warnings``: how it does not fit the model (one line each)."""

    scan: ScanResult
    warnings: list[str]


@dataclass
class TopCropsReady(Message):
    """A channel's top images of the scan, cropped (``request``: the view's ask)."""

    request: Hashable
    crops: list[TopCrop]
