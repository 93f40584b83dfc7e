"""What the explorer is looking at: plain data, no Textual, easy to test."""

from __future__ import annotations

from dataclasses import dataclass, replace

from actviz_tui.core.colormap import COLORMAP_NAMES

VIEWS = ("channel", "grid", "across")
SCOPES = ("channel", "layer")


@dataclass(frozen=True)
class ExplorerState:
    layer: int = 0
    channel: int = 0
    channels: int = 1  # channel count of the selected layer
    view: str = "channel"
    cmap: str = "viridis"
    scope: str = "channel"  # normalisation: each channel's own range, or the layer's
    image: int = 0  # index into the image list

    def with_channel(self, channel: int) -> "ExplorerState":
        return replace(self, channel=min(max(channel, 0), max(self.channels - 1, 0)))

    def step_channel(self, delta: int) -> "ExplorerState":
        return self.with_channel(self.channel + delta)

    def with_layer(self, layer: int, channels: int) -> "ExplorerState":
        """A new layer keeps the channel number where the layer has it."""
        return replace(self, layer=layer, channels=max(channels, 1)).with_channel(self.channel)

    def next_cmap(self) -> "ExplorerState":
        position = COLORMAP_NAMES.index(self.cmap) if self.cmap in COLORMAP_NAMES else -1
        return replace(self, cmap=COLORMAP_NAMES[(position + 1) % len(COLORMAP_NAMES)])

    def next_scope(self) -> "ExplorerState":
        return replace(self, scope=SCOPES[(SCOPES.index(self.scope) + 1) % len(SCOPES)])

    def with_view(self, view: str) -> "ExplorerState":
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}")
        return replace(self, view=view)
