"""The order of an exported grid's tiles: the explorer's ``O`` (a request's ``order`` option).

``order``: "index" (the default: nothing changes), "mean", "max" (from the activation),
or "decision" (Grad-CAM weight x mean for ``order_class``, None: the top class; a
gradient pass through ``ImageResults.channel_contributions``). The tiles then follow
the ranking, each labelled "#rank cN score", and the sidecar records it under
``channel_order``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from actviz_tui.core.analysis.channel_ranking import ORDERS, ChannelRanking, rank_channels, ranking_of
from actviz_tui.core.errors import ActvizError


def grid_ranking(session, row: int, maps: np.ndarray, options: dict[str, Any]) -> ChannelRanking | None:
    """The ranking the request asks for; None for index order."""
    by = options.get("order", "index")
    if by not in ORDERS:
        raise ActvizError(f"grid order {by!r}: one of {', '.join(ORDERS)}")
    if by == "index":
        return None
    if by != "decision":
        return ranking_of(maps, by)
    found = session.channel_contributions(row, options.get("order_class"))
    return rank_channels(found.contributions, "decision", found.class_index, found.label)


def tile_labels(ranking: ChannelRanking) -> list[str]:
    return [ranking.title(channel) for channel in ranking.channels]


def ranking_record(ranking: ChannelRanking) -> dict[str, Any]:
    """The sidecar's ``channel_order``: the order, its class, the channels in tile order and their scores."""
    return {
        "by": ranking.by,
        "class": ranking.class_index,
        "label": ranking.class_label,
        "channels": list(ranking.channels),
        "scores": [None if not np.isfinite(ranking.scores[c]) else ranking.scores[c] for c in ranking.channels],
    }


def describe_grid(session, request) -> str:
    """The export dialog's label: "conv_b: every channel (grid)", ", ordered by decision" when ordered."""
    layer = session.layers[session.find_layer(request.layer)].name if request.layer is not None else ""
    by = dict(request.options).get("order", "index")
    return f"{layer}: every channel (grid{'' if by == 'index' else f', ordered by {by}'})"
