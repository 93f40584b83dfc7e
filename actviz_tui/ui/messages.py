"""Messages the engine workers send to the app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from textual.message import Message

from actviz_tui.core.activation_stats import ActivationStats
from actviz_tui.core.model_session import ModelSession


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
    image_index: int
    model_input: np.ndarray


@dataclass
class ActivationReady(Message):
    row: int
    activation: np.ndarray


@dataclass
class AcrossReady(Message):
    """Activations of every layer with maps, for one channel across layers."""

    channel: int
    arrays: dict[int, np.ndarray]


@dataclass
class StatsReady(Message):
    stats: dict[int, ActivationStats]


@dataclass
class ExportDone(Message):
    paths: list[Path]


@dataclass
class EngineFailed(Message):
    """A user-facing error (bad model, bad image, ...), one line."""

    message: str
    fatal_for_model: bool = False
