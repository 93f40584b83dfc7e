"""The ``.json`` record written next to each figure's ``.npy`` (``--with-data``); its ``view``
object makes it a saved view (``core.saved_view``: ``actviz render`` draws the figure again)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.export import files
from actviz_tui.core.export.base import Drawn, ExportSettings, FigureRequest, Job
from actviz_tui.core.model.options import ModelOptions
from actviz_tui.core.pictures.value_ranges import finite_range
from actviz_tui.core.saved_view import VIEW_KEY, absolute, view_object


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
        what the data is; the kind's own fields (``drawn.meta``) next, its saved view last."""
        data = np.asarray(drawn.data)
        record = self.figure_fields(job, png.name)
        record.update({
            "shape": list(data.shape),
            "dtype": str(data.dtype),
            "data_range": list(finite_range(data)),  # [null, null] when nothing is finite
        })
        if job.note:
            record["note"] = job.note
        record.update(drawn.meta)
        record[VIEW_KEY] = self.view(job)
        return record

    def figure_fields(self, job: Job, figure: str | None) -> dict:
        """What every sidecar says of its figure (the explorer's saved view: ``figure`` None, nothing drawn)."""
        session, settings = self.session, self.settings
        layers = [session.layers[row].name for row in job.rows]
        return {
            "kind": job.kind,
            "figure": figure,
            "model": absolute(session.model_path),
            "model_name": session.name,
            "model_sha256": self.model_sha256,
            "image": absolute(session.image_path),
            "preprocessing": session.preprocessing,
            "layer": layers[0] if len(layers) == 1 else None,
            "layers": layers,
            "layer_rows": list(job.rows),
            "channel": job.channel,
            "scale": settings.scale,
            "cmap": settings.cmap,
            "dpi": settings.dpi,
        }

    def view(self, job: Job) -> dict:
        """The saved view (``core.saved_view``): the request the job was planned from, its layer by name."""
        layer = job.rows[0] if len(job.rows) == 1 else None  # a job planned elsewhere: its own layer
        request = job.request or FigureRequest(job.kind, layer=layer, channel=job.channel, options=job.options)
        options = getattr(self.session, "options", None) or ModelOptions()
        return view_object(request, self._layer_name(request.layer), self.settings, options)

    def _layer_name(self, layer) -> str | None:
        if layer is None:
            return None
        try:
            return self.session.layers[self.session.find_layer(layer)].name
        except ActvizError:  # a kind that reads its layer its own way: kept as given
            return str(layer)


