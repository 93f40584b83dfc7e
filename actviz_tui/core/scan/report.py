"""A finished (or partial) scan, read back: what ``scan show`` prints and the explorer browses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from actviz_tui.core.scan import store
from actviz_tui.core.scan.settings import ScanError, ScanSettings
from actviz_tui.core.scan.totals import NO_IMAGE, LayerTotals, ScanTotals


class TopImage(NamedTuple):
    image: str  # the path as found under DATA_DIR
    image_index: int  # its place in the sorted image list
    score: float
    y: int | None  # peak position in map coordinates (None: the layer has no maps)
    x: int | None


@dataclass(frozen=True)
class ChannelSummary:
    mean: float | None  # dataset mean of the channel's spatial mean (None: no image scanned)
    maximum: float | None
    active: float | None  # fraction of scanned images where the channel is ever > 0


@dataclass
class ScanResult:
    folder: Path
    manifest: dict
    settings: ScanSettings
    images: list[str]
    totals: ScanTotals

    @classmethod
    def open(cls, folder: str | Path) -> "ScanResult":
        folder = Path(folder).expanduser()
        manifest = store.read_manifest(folder)
        return cls(folder, manifest, ScanSettings.from_dict(manifest["settings"]),
                   store.read_images(folder), store.read_results(folder))

    @property
    def layer_names(self) -> list[str]:
        return [layer.name for layer in self.totals.layers]

    @property
    def scanned(self) -> int:
        return self.totals.scanned

    @property
    def complete(self) -> bool:
        return self.manifest.get("status") == "complete"

    def layer(self, name: str) -> LayerTotals:
        for layer in self.totals.layers:
            if name == layer.name or name == layer.name.rsplit("/", 1)[-1]:
                return layer
        raise ScanError(f"scan {self.folder} has no layer {name!r} (it has {', '.join(self.layer_names)})")

    def has_layer(self, name: str) -> bool:
        return any(name == layer.name for layer in self.totals.layers)

    def top(self, layer: str, channel: int) -> list[TopImage]:
        totals = self._channel(layer, channel)
        return [
            TopImage(self.images[image], int(image), float(score),
                     int(y) if totals.has_maps else None, int(x) if totals.has_maps else None)
            for image, score, y, x in zip(totals.top_image[channel], totals.top_score[channel],
                                          totals.top_y[channel], totals.top_x[channel])
            if image != NO_IMAGE
        ]

    def channel_summary(self, layer: str, channel: int) -> ChannelSummary:
        totals = self._channel(layer, channel)
        if self.scanned == 0:
            return ChannelSummary(None, None, None)
        return ChannelSummary(float(totals.mean_sum[channel] / self.scanned), float(totals.maximum[channel]),
                              float(totals.active[channel] / self.scanned))

    def dead_channels(self, layer: str) -> np.ndarray:
        """Channels never > 0 on any scanned image (empty before the first image)."""
        totals = self.layer(layer)
        return np.flatnonzero(totals.active == 0) if self.scanned else np.zeros(0, np.int64)

    def _channel(self, layer: str, channel: int) -> LayerTotals:
        totals = self.layer(layer)
        if not 0 <= channel < totals.channels:
            raise ScanError(f"layer {totals.name} has {totals.channels} channels (0-{totals.channels - 1}); "
                            f"no channel {channel}")
        return totals

    def as_json(self, layer: str | None = None, channel: int | None = None) -> dict:
        """What ``scan show --json`` prints (one layer or channel when given)."""
        layers = [self.layer(layer)] if layer else self.totals.layers
        return {
            "model": self.settings.model_path,
            "model_sha256": self.settings.model_sha256,
            "images": self.scanned,
            "skipped": self.totals.skipped_list(self.images),
            "complete": self.complete,
            "top_k": self.settings.top_k,
            "by": self.settings.by,
            "layers": [
                {"name": totals.name,
                 "channels": [self._channel_json(totals.name, c) for c in
                              ([channel] if channel is not None else range(totals.channels))]}
                for totals in layers
            ],
        }

    def _channel_json(self, layer: str, channel: int) -> dict:
        summary = self.channel_summary(layer, channel)
        return {
            "channel": channel,
            "mean": summary.mean,
            "max": summary.maximum,
            "active": summary.active,
            "top": [{"image": top.image, "score": top.score, "y": top.y, "x": top.x}
                    for top in self.top(layer, channel)],
        }
