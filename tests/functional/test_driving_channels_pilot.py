"""View 5 lists the CAM layer's channels that drove the class; u / U select them in the table."""

from __future__ import annotations

import re

from tests.functional.conftest import ready, wait_until

SIZE = (160, 45)
CONV_B = 3  # ui_tiny_cnn: the default CAM layer, 12 channels


def drivers_text(app) -> str:
    return str(app.explorer.query_one("#drivers").render())


def listed(app) -> list[int]:
    return [int(c) for c in re.findall(r"#\d+\s+c(\d+)", drivers_text(app))]


async def test_driving_channels_listed_and_u_selects_them(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("5")
        await wait_until(pilot, lambda: "drove class 1 'positive' at conv_b:" in drivers_text(app))
        found = app.explorer.results.channel_contributions(CONV_B, 1)
        top = sorted(range(12), key=lambda c: (-found.contributions[c], c))[:5]
        assert listed(app) == top
        assert "contribution = Grad-CAM w \u00d7 mean \u00d7 h\u00b7w" in drivers_text(app)
        assert f"{found.contributions[top[0]]:+.4g}" in drivers_text(app)
        assert f"{found.shares[top[0]]:+.0%}" in drivers_text(app)
        await pilot.press("u")
        await wait_until(pilot, lambda: (app.explorer.state.layer, app.explorer.state.channel) == (CONV_B, top[0]))
        assert app.explorer.query_one("#layers").selected_row == CONV_B  # the table follows
        await wait_until(pilot, lambda: re.search(rf"\u25b6 #1\s+c{top[0]} ", drivers_text(app)) is not None)
        await pilot.press("u")
        await wait_until(pilot, lambda: app.explorer.state.channel == top[1])
        await pilot.press("U", "U")  # back past the first: the last listed
        await wait_until(pilot, lambda: app.explorer.state.channel == top[-1])
        await pilot.press("1")
        await wait_until(pilot, lambda: app.explorer.query_one("#title").content.startswith(
            f"conv_b  channel {top[-1]}/12"))


async def test_an_input_method_says_why_no_channels_are_listed(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("5")
        await wait_until(pilot, lambda: "drove class" in drivers_text(app))
        await pilot.press("K")
        await pilot.press(*"saliency", "enter")
        await wait_until(pilot, lambda: "explains on the input, not a layer's channels" in drivers_text(app))
        await pilot.press("u")
        await pilot.pause()
        assert app.explorer.state.layer == 0  # nothing listed: nothing selected
