"""An exported grid follows the explorer's order (the request's ``order`` option): its tiles,
their labels ("#1 c3 0.0147") and the sidecar's ``channel_order``; index order is unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from actviz_tui.core.analysis.channel_ranking import channel_scores, rank_channels
from actviz_tui.core.export import FIGURE_KINDS, ExportSettings, FigureRequest, export_figures
from actviz_tui.core.export.base import Job

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "ui_tiny_cnn.keras"
RINGS = REPO / "tests" / "data" / "ui_rings.png"
CONV_B = 3


@pytest.fixture(scope="module")
def session():
    from actviz_tui.core.session.model_session import ModelSession

    return ModelSession.open(TINY).image(RINGS)


def _labels(session, options) -> list[str]:
    job = Job("grid", (CONV_B,), options=options)
    drawn = FIGURE_KINDS["grid"].draw(job, session, {CONV_B: session.activation(CONV_B)}, ExportSettings())
    return [text.get_text() for text in drawn.fig.axes[0].texts]


def test_default_grid_is_in_index_order_with_channel_numbers(session, tmp_path):
    assert _labels(session, ()) == [str(c) for c in range(12)]
    paths = export_figures(session, [FigureRequest("grid", CONV_B)], ExportSettings(folder=tmp_path, dpi=40,
                                                                                      with_data=True))
    sidecar = json.loads(paths[-1].read_text())
    assert "channel_order" not in sidecar and sidecar["layer"] == "conv_b"


def test_grid_by_mean_puts_the_largest_mean_first(session):
    means = channel_scores(session.activation(CONV_B), "mean")
    order = sorted(range(12), key=lambda c: (-means[c], c))
    labels = _labels(session, (("order", "mean"),))
    assert labels == [f"#{rank + 1} c{c} {means[c]:.4g}" for rank, c in enumerate(order)]
    job = Job("grid", (CONV_B,), options=(("order", "mean"),))
    drawn = FIGURE_KINDS["grid"].draw(job, session, {CONV_B: session.activation(CONV_B)}, ExportSettings())
    mosaic = np.asarray(drawn.fig.axes[0].images[0].get_array())
    first = session.activation(CONV_B)[:, :, order[0]]
    tile = mosaic[:9, :9]  # the first tile, scaled to its own range
    np.testing.assert_allclose(tile, (first - first.min()) / (first.max() - first.min()), atol=1e-5)


def test_grid_by_decision_records_its_order_in_the_sidecar(session, tmp_path):
    request = FigureRequest("grid", CONV_B, options=(("order", "decision"), ("order_class", 0)))
    paths = export_figures(session, [request], ExportSettings(folder=tmp_path, dpi=40, with_data=True))
    sidecar = json.loads(paths[-1].read_text())
    found = session.channel_contributions(CONV_B, 0)
    expected = rank_channels(found.contributions, "decision")
    record = sidecar["channel_order"]
    assert (record["by"], record["class"], record["label"]) == ("decision", 0, "negative")
    assert record["channels"] == list(expected.channels)
    np.testing.assert_allclose(record["scores"], found.contributions[list(expected.channels)], rtol=1e-6)
    assert np.load(paths[1]).shape == (9, 9, 12)  # the data stays in channel order
    assert _labels(session, request.options)[0].startswith(f"#1 c{expected.channels[0]} ")
