"""``actviz --view-file``: a saved view's kind picks the view the explorer opens on
(ui/view_start.py), the command line winning; colours actviz has not are one error."""

from __future__ import annotations

import pytest

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.saved_view import SavedView
from actviz_tui.ui.explorer_start import ExplorerStart
from actviz_tui.ui.view_start import start_from_view


@pytest.mark.parametrize("view, expected", [
    (SavedView("channel", "conv_a", 3), ("conv_a", 3, "channel", None)),
    (SavedView("input"), (None, None, "channel", None)),
    (SavedView("all-layers", layers=("conv_b",)), ("conv_b", None, "grid", None)),
    (SavedView("across", "pool_a", 2, 4), ("pool_a", 2, "across", None)),
    (SavedView("patterns", "conv_b", options=(("channels", (1, 2)),)), ("conv_b", None, "filters", None)),
    (SavedView("top", "conv_b", 5, options=(("scan", "/scans/s1"),)), ("conv_b", 5, "top", "/scans/s1")),
    (SavedView("top", "conv_b", 5), ("conv_b", 5, "channel", None)),  # no scan: nothing to show in view 6
])
def test_the_kind_picks_the_view(view, expected):
    start = start_from_view(view, ExplorerStart())
    assert (start.layer, start.channel, start.view, start.scan) == expected


def test_the_class_map_and_colours_come_along_and_the_command_line_wins():
    view = SavedView("cam", "conv_a", cmap="gray", scale="layer",
                     options=(("class", 1), ("cmap", "inferno"), ("max_channels", 0), ("method", "scorecam")))
    start = start_from_view(view, ExplorerStart())
    assert (start.view, start.cam_method, start.cam_class, start.cam_layer, start.cam_cmap, start.cam_options) == (
        "cam", "scorecam", 1, "conv_a", "inferno", (("max_channels", 0),))
    assert (start.cmap, start.scale) == ("gray", "layer")
    given = start_from_view(view, ExplorerStart(layer="conv_b", channel=4, view="grid", cam_method="gradcam"))
    assert (given.layer, given.channel, given.view, given.cam_method) == ("conv_b", 4, "grid", "gradcam")


@pytest.mark.parametrize("view, message", [
    (SavedView("grid", "c1", cmap="rainbow"), "no colormap 'rainbow'"),
    (SavedView("grid", "c1", scale="global"), "no scale 'global'"),
    (SavedView("cam", options=(("cmap", "viridis"),)), "no class-map colormap 'viridis'"),
])
def test_colours_actviz_has_not_are_one_error(view, message):
    with pytest.raises(ActvizError, match=message):
        start_from_view(view, ExplorerStart())
