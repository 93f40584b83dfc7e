"""On a 256-colour terminal the explorer draws dithered palette colours and says so once."""

from __future__ import annotations

import textual.constants
from rich.color import ColorType
from textual.geometry import Region
from textual.widgets._toast import Toast

from actviz_tui.ui.widgets.color_legend import ColorLegend

from tests.functional.conftest import ready, wait_until

SIZE = (120, 36)


def picture_colour_types(widget) -> set[ColorType]:
    """The colour types of the segments of the widget's picture (its padding is the theme's)."""
    if isinstance(widget, ColorLegend):
        lines = [widget.render_line(0)]  # the colour bar
    else:
        lines = widget.render_lines(Region(*widget.picture_offset(), *widget.picture_size))
    return {
        color.type
        for line in lines
        for segment in line
        if segment.style is not None
        for color in (segment.style.color, segment.style.bgcolor)
        if color is not None
    }


def toast_texts(app) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query(Toast)]


def notice_text(app) -> str:
    return app.explorer.query_one("#notices").text


async def test_256_colour_terminal_gets_palette_colours_and_a_notice(make_app, monkeypatch):
    monkeypatch.setattr(textual.constants, "COLOR_SYSTEM", "256")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: ready(app))
        assert app.console.color_system == "256"
        await pilot.press("down")  # conv_a: a real map, not the input
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 1)
        await pilot.pause()
        for selector in ("#heatmap", "#preview", "#legend"):
            assert picture_colour_types(app.explorer.query_one(selector)) & {ColorType.EIGHT_BIT}, selector
            assert ColorType.TRUECOLOR not in picture_colour_types(app.explorer.query_one(selector)), selector
        notice = notice_text(app)  # in the notice line above the status line, not a toast over the pictures
        assert notice.count("256 colours") == 1 and "COLORTERM=truecolor" in notice and "terminal-features" in notice
        assert not any("colours" in text for text in toast_texts(app))


async def test_truecolor_terminal_keeps_rgb_and_says_nothing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.pause()
        assert picture_colour_types(app.explorer.query_one("#heatmap")) == {ColorType.TRUECOLOR}
        assert not any("colours" in text for text in toast_texts(app))
        assert "colours" not in notice_text(app)
