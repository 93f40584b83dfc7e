"""``actviz MODEL IMAGE --cam-method best|NAME``: the explorer opens on the class map with
that method; best is chosen in the background and said in the title."""

from __future__ import annotations

from textual.css.query import NoMatches

from actviz_tui.core.evaluate.best import best_method
from actviz_tui.core.explain import METHODS
from actviz_tui.ui.explorer_start import ExplorerStart
from tests.functional.conftest import ready, wait_until

SIZE = (140, 40)


def title(app) -> str:
    try:
        return app.explorer.query_one("#title").content
    except NoMatches:  # the screen is still being composed
        return ""


async def test_a_named_start_method_opens_the_class_map_with_it(make_app):
    app = make_app(start=ExplorerStart(cam_method="gradcam"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: title(app).startswith("Grad-CAM — conv_b"), 60)
        assert app.explorer.state.view == "cam" and app.explorer.state.cam.method == "gradcam"


async def test_best_is_chosen_in_the_background_and_said_in_the_title(make_app):
    app = make_app(start=ExplorerStart(cam_method="best"))
    captions = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: captions.append(title(app)) or title(app).startswith("best of "), 60)
        assert any(caption.startswith("class map: choosing the best method") for caption in captions)
        session = app.explorer.session
        choice = best_method(session.model, app.explorer.results.batch)
        assert title(app).startswith(f"{choice.label}: {METHODS[choice.method].title} — ")
        assert choice.reason in title(app)  # on the caption's second line
        assert app.explorer.query_one("ClassMapView")._result.method == choice.method
        await pilot.press("k")  # from best, k goes back to the default
        await wait_until(pilot, lambda: title(app).startswith("HiResCAM — conv_b"))


async def test_an_unknown_start_method_is_a_message(make_app):
    app = make_app(start=ExplorerStart(cam_method="lime"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        notice = app.explorer.query_one("#notices").text
        assert notice.startswith("--cam-method: no class heatmap method 'lime': one of gradcam") and "best" in notice
        assert app.explorer.state.cam.method is None and app.explorer.state.view == "channel"


def test_the_start_option_is_parsed(monkeypatch):
    from actviz_tui.commands import explore
    from actviz_tui.commands.explore import build_parser
    from actviz_tui.ui.app import ActvizApp
    from tests.functional.conftest import RINGS, TINY_MODEL

    seen = []
    monkeypatch.setattr(explore, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(ActvizApp, "run", lambda self: seen.append(self.start))
    assert explore.run(build_parser().parse_args([str(TINY_MODEL), str(RINGS), "--cam-method", "best"])) == 0
    assert seen == [ExplorerStart(cam_method="best")]
    assert "--cam-method best|NAME" in build_parser().format_help()
