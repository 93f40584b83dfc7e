"""Channels of a layer in ranked order: by mean, by max, or by their part in the decision.

``channel_scores(activation, "mean" | "max")``: one score per channel (last axis), NaN-safe
(NaN and infinite values are left out; a channel with none finite scores NaN). The
"decision" scores are ``core.explain.channel_contributions``' (they need a gradient pass).
``rank_channels(scores, by)``: the channels highest score first, NaN last, ties by index.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actviz_tui.core.analysis.stats import channel_columns

ORDERS = ("index", "mean", "max", "decision")
ORDER_NOTES = {
    "index": "channel index",
    "mean": "mean activation",
    "max": "max activation",
    "decision": "Grad-CAM weight \u00d7 mean",
}


@dataclass(frozen=True)
class ChannelRanking:
    by: str  # one of ORDERS
    channels: tuple[int, ...]  # the channels in ranked order
    scores: tuple[float, ...]  # indexed by channel (NaN where undefined); index order: ()
    class_index: int | None = None  # decision: the class
    class_label: str | None = None

    def position(self, channel: int) -> int:
        """Where ``channel`` is shown (0: first)."""
        return self.channels.index(channel) if self.by != "index" else channel

    def channel_at(self, position: int) -> int:
        return self.channels[position]

    def title(self, channel: int) -> str:
        """"#1 c12 0.53": the rank, the channel and its score (4 significant digits)."""
        return f"#{self.position(channel) + 1} c{channel} {self.score_text(channel)}"

    def score_text(self, channel: int) -> str:
        return f"{self.scores[channel] + 0.0:.4g}" if self.scores else ""  # + 0.0: no "-0"

    @property
    def class_name(self) -> str:
        """"class 3 'cat'" (decision only), else ""."""
        if self.class_index is None:
            return ""
        return f"class {self.class_index}" + (f" '{self.class_label}'" if self.class_label else "")

    @property
    def description(self) -> str:
        """"ordered by decision for class 3 'cat' (Grad-CAM weight x mean)"."""
        target = f" for {self.class_name}" if self.class_name else ""
        return f"ordered by {self.by}{target} ({ORDER_NOTES[self.by]})"


def index_ranking(channels: int) -> ChannelRanking:
    return ChannelRanking("index", tuple(range(channels)), ())


def channel_scores(activation: np.ndarray, by: str) -> np.ndarray:
    """(C,) float64: each channel's finite mean or max; NaN for a channel with no finite value."""
    if by not in ("mean", "max"):
        raise ValueError(f"channel scores from the activation alone are 'mean' or 'max', not {by!r}")
    columns = channel_columns(np.asarray(activation, dtype=np.float64))
    finite = np.isfinite(columns)
    counts = finite.sum(axis=0)
    if by == "mean":
        totals = np.where(finite, columns, 0.0).sum(axis=0)
        return np.where(counts > 0, totals / np.maximum(counts, 1), np.nan)
    highest = np.where(finite, columns, -np.inf).max(axis=0)
    return np.where(counts > 0, highest, np.nan)


def rank_channels(scores: np.ndarray, by: str, class_index: int | None = None,
                  class_label: str | None = None) -> ChannelRanking:
    """The channels by ``scores`` (C,), highest first; NaN last; equal scores by channel index."""
    values = np.asarray(scores, dtype=np.float64)
    undefined = ~np.isfinite(values)
    keys = np.where(undefined, 0.0, -values)
    order = np.lexsort((np.arange(len(values)), keys, undefined))  # last key sorts first
    return ChannelRanking(by, tuple(int(c) for c in order), tuple(float(v) for v in values), class_index,
                          class_label)


def ranking_of(activation: np.ndarray, by: str) -> ChannelRanking:
    """Index, mean or max order of an activation (channels last); decision needs
    ``rank_channels(contributions.contributions, "decision", ...)``."""
    if by == "index":
        return index_ranking(int(np.asarray(activation).shape[-1]) if np.ndim(activation) else 1)
    return rank_channels(channel_scores(activation, by), by)
