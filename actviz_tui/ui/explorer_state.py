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
    wanted_channel: int = 0  # the last channel chosen: kept while passing smaller layers
    view: str = "channel"
    cmap: str = "viridis"
    scope: str = "channel"  # normalisation: each channel's own range, or the layer's
    image: int = 0  # index into the image list

    def with_channel(self, channel: int) -> "ExplorerState":
        chosen = min(max(channel, 0), max(self.channels - 1, 0))
        return replace(self, channel=chosen, wanted_channel=chosen)

    def step_channel(self, delta: int) -> "ExplorerState":
        return self.with_channel(self.channel + delta)

    def with_layer(self, layer: int, channels: int) -> "ExplorerState":
        """A new layer shows the chosen channel where it has it, else its last one."""
        channels = max(channels, 1)
        return replace(self, layer=layer, channels=channels, channel=min(self.wanted_channel, channels - 1))

    def next_cmap(self) -> "ExplorerState":
        position = COLORMAP_NAMES.index(self.cmap) if self.cmap in COLORMAP_NAMES else -1
        return replace(self, cmap=COLORMAP_NAMES[(position + 1) % len(COLORMAP_NAMES)])

    def next_scope(self) -> "ExplorerState":
        return replace(self, scope=SCOPES[(SCOPES.index(self.scope) + 1) % len(SCOPES)])

    def with_view(self, view: str) -> "ExplorerState":
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}")
        return replace(self, view=view)
