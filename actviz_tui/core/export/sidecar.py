"""The ``.json`` record written next to each figure's ``.npy`` (``--with-data``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from actviz_tui.core.export import files
from actviz_tui.core.export.base import Drawn, ExportSettings, Job
from actviz_tui.core.pictures.value_ranges import finite_range


class SidecarRecords:
    """Sidecar fields shared by every file of one export (the model's hash once)."""

    def __init__(self, session, settings: ExportSettings):
        self.session = session
        self.settings = settings
        self._sha256: str | None = None

    @property
    def model_sha256(self) -> str | None:
        path = self.session.model_path
        if self._sha256 is None and path is not None:
            self._sha256 = files.file_sha256(path)
        return self._sha256

    def record(self, job: Job, drawn: Drawn, png: Path) -> dict:
        """The metadata of one figure: where it came from, how it was drawn,
        what the data is; the kind's own fields (``drawn.meta``) last."""
        session, settings = self.session, self.settings
        layers = [session.layers[row].name for row in job.rows]
        data = np.asarray(drawn.data)
        record = {
            "kind": job.kind,
            "figure": png.name,
            "model": _absolute(session.model_path),
            "model_name": session.name,
            "model_sha256": self.model_sha256,
            "image": _absolute(session.image_path),
            "preprocessing": session.preprocessing,
            "layer": layers[0] if len(layers) == 1 else None,
            "layers": layers,
            "layer_rows": list(job.rows),
            "channel": job.channel,
            "scale": settings.scale,
            "cmap": settings.cmap,
            "dpi": settings.dpi,
            "shape": list(data.shape),
            "dtype": str(data.dtype),
            "data_range": list(finite_range(data)),  # [null, null] when nothing is finite
        }
        if job.note:
            record["note"] = job.note
        record.update(drawn.meta)
        return record


def _absolute(path) -> str | None:
    return None if path is None else str(Path(path).expanduser().resolve())
