"""Answers that arrive after the user moved on are dropped, in one place: the bridge's tickets."""

from __future__ import annotations

import numpy as np

from actviz_tui.ui.engine_bridge import EngineBridge, Ticket
from tests.functional.conftest import RINGS, RINGS_INVERTED, ready, wait_until

SIZE = (140, 40)


class _Screen:
    """What EngineBridge needs of a screen to keep tickets (no workers run here)."""


def test_only_the_newest_ticket_of_a_kind_about_the_shown_image_is_wanted():
    bridge = EngineBridge(_Screen())
    bridge.want_image("a.png")
    old, new = Ticket("activation", "a.png", 3), Ticket("activation", "a.png", 5)
    stats = Ticket("stats", "a.png")
    bridge.want(old)
    bridge.want(stats)
    bridge.want(new)
    assert not bridge.is_wanted(old) and bridge.is_wanted(new)
    assert bridge.is_wanted(stats)  # another kind is not overtaken
    assert bridge.is_wanted(Ticket("activation", "a.png", 5))  # tickets are values
    bridge.want_image("b.png")
    assert not bridge.is_wanted(new) and not bridge.is_wanted(stats)  # about the image before
    assert bridge.is_wanted(Ticket("image", None)) is False  # never asked for
    bridge.want(Ticket("image", None, options=(1, "b.png")))
    assert bridge.is_wanted(Ticket("image", None, options=(1, "b.png")))  # not about one image


async def test_a_class_heatmap_of_the_image_before_is_never_shown(make_app):
    app = make_app(images=(RINGS, RINGS_INVERTED))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("5", "n")  # the first image's heatmap is asked, then the image changes at once
        explorer = app.explorer
        await wait_until(pilot, lambda: explorer.results.key == str(RINGS_INVERTED))
        view = explorer.query_one("ClassMapView")
        await wait_until(pilot, lambda: view._result is not None)
        expected = explorer.session.image(RINGS_INVERTED).class_heatmap()
        np.testing.assert_allclose(view._result.heatmap, expected.heatmap, atol=1e-6)
        first = explorer.session.image(RINGS).class_heatmap()
        assert not np.allclose(first.heatmap, expected.heatmap)  # the test can tell them apart


async def test_held_down_layer_key_shows_only_the_final_layer(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        explorer = app.explorer
        await pilot.press(*["down"] * 6, *["up"] * 2)
        await wait_until(pilot, lambda: explorer.activation is not None)
        await pilot.pause(0.5)  # any late answer for a layer passed on the way would land now
        assert explorer.layer_data.row == explorer.state.layer
        np.testing.assert_array_equal(explorer.activation, explorer.results.activation(explorer.state.layer))
