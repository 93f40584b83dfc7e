"""The explorer's seams: views from one table, export in the background, the renderer."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
from rich.console import Console

from actviz_tui.core.export import FIGURE_KINDS
from actviz_tui.core.model.options import ModelOptions
from actviz_tui.ui.explorer_actions import bindings
from actviz_tui.ui.screens.help_screen import help_markdown
from actviz_tui.ui.views import VIEWS, ExplorerView
from tests.functional.conftest import ready, wait_until

SIZE = (120, 36)


class PeekView(ExplorerView):
    NAME, KEY, LABEL = "peek", "9", "Peek"
    HELP = "view: a test view"
    EXPORT_KIND = "input"


def test_a_new_view_is_one_class_and_one_table_entry():
    keys = bindings((*VIEWS, PeekView))
    (peek,) = [b for b in keys if b.key == "9"]
    assert (peek.action, peek.description) == ("view('peek')", "Peek")
    assert "| 9 | view: a test view |" in help_markdown(keys)
    # the views' own keys are routed to the view on show, once per key
    routed = [b for b in keys if b.action.startswith("view_key")]
    assert [b.key for b in routed] == [
        "v", "pageup", "pagedown", "O", "k", "K", "y", "Y", "C", "l", "j", "f", "F", "u", "U", "comma",
        "full_stop", "enter",
    ]


def test_the_views_cover_distinct_keys_and_export_kinds():
    assert len({view.KEY for view in VIEWS}) == len(VIEWS)
    assert all(view.EXPORT_KIND in FIGURE_KINDS for view in VIEWS)


def test_pixels_from_image_with_our_renderer_draws_what_the_app_draws():
    from PIL import Image
    from rich_pixels import Pixels

    from actviz_tui.ui.widgets.halfblock import HalfBlockImage, HalfBlockRenderer

    rgb = np.random.default_rng(3).integers(0, 256, (9, 7, 3), dtype=np.uint8)
    console = Console(color_system="truecolor", width=20, record=True, file=open("/dev/null", "w"))
    console.print(Pixels.from_image(Image.fromarray(rgb), renderer=HalfBlockRenderer()))
    through_rich_pixels = console.export_text(styles=True)
    console.print(HalfBlockImage(rgb))
    assert console.export_text(styles=True) == through_rich_pixels
    assert through_rich_pixels.count("\n") == 5  # 9 pixel rows -> 5 cell rows


async def test_browsing_stays_live_during_an_export_and_esc_cancels_it(make_app, tmp_path, monkeypatch):
    from actviz_tui.ui.screens.export_dialog import ExportDialog

    drawing, release = threading.Event(), threading.Event()
    kind = FIGURE_KINDS["channel"]

    def slow_draw(*args):
        drawing.set()
        release.wait(timeout=20)  # the figure takes as long as the test wants
        return kind.draw(*args)

    monkeypatch.setitem(FIGURE_KINDS, "channel", replace(kind, draw=slow_draw))
    app = make_app(options=ModelOptions(cache_bytes=0))  # every layer is computed when asked for
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        explorer = app.explorer
        await pilot.press("x", "right", "x")  # two figures to write
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        app.screen.query_one("#folder").value = str(tmp_path)
        await pilot.press("enter")
        await wait_until(pilot, drawing.is_set)
        # The export is drawing its first figure: a layer never computed before still comes up.
        await pilot.press("down", "down", "down")
        await wait_until(pilot, lambda: explorer.activation is not None and explorer.state.layer == 3)
        assert "conv_b" in explorer.query_one("#title").content
        await pilot.press("escape")
        release.set()
        await wait_until(pilot, lambda: explorer.status_line.stage.startswith("export cancelled"))
        assert explorer.status_line.stage == "export cancelled after 1 file(s)"
        assert [p.name for p in tmp_path.iterdir()] == ["ui_tiny_cnn__ui_rings__image__ch000__channel.png"]
