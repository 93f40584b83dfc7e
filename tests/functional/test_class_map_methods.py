"""The class map's methods: k cycles the quick ones only, K asks for any by name
(Score-CAM with all its channels too), help and palette say so, a running
Score-CAM shows its progress in the caption and the status line, and stops
once its worker is cancelled (the app quitting)."""

from __future__ import annotations

import threading

from actviz_tui.core.explain import METHODS, CamCancelled
from actviz_tui.core.export import FigureRequest
from actviz_tui.ui.explorer_state import ClassMapSettings
from actviz_tui.ui.screens.help_screen import help_markdown
from actviz_tui.ui.views.class_map_view import METHOD_CYCLE
from actviz_tui.ui.views.method_prompt import parse_method
from tests.functional.conftest import ready, wait_until

SIZE = (140, 40)


def title(app) -> str:
    return app.explorer.query_one("#title").content


def shown(app):
    result = app.explorer.query_one("ClassMapView")._result
    return None if result is None else result.method


async def test_k_cycles_the_quick_methods_only(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("5")
        await wait_until(pilot, lambda: title(app).startswith("HiResCAM — conv_b"))
        asked, drawn = [], []
        for _ in range(2 * len(METHOD_CYCLE)):  # twice round the cycle
            before = app.explorer.state.cam.method
            await pilot.press("k")
            await wait_until(pilot, lambda: app.explorer.state.cam.method != before)
            await wait_until(pilot, lambda: not title(app).startswith("class map: computing"))
            asked.append(app.explorer.state.cam.method)
            drawn.append(shown(app))
        quick = {"gradcam", "gradcam++", "hirescam", "saliency", "layercam", "xgradcam", "eigencam"}
        assert set(asked) == {None, *quick}
        assert set(drawn) == quick  # never Score-CAM, occlusion, IG...


async def test_K_asks_for_a_method_by_name_and_k_goes_back_to_the_quick_ones(make_app):
    from actviz_tui.ui.screens.export_dialog import ExportDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("5")
        await wait_until(pilot, lambda: title(app).startswith("HiResCAM"))
        await pilot.press("K", *"scorecam all", "enter")  # typed in one burst: the keys reach the prompt
        await wait_until(pilot, lambda: title(app).startswith("Score-CAM (all 12 channels) — conv_b — class 1"), 60)
        assert app.explorer.state.cam == ClassMapSettings("scorecam", method_options=(("max_channels", 0),))
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        (cam,) = [choice for choice in app.screen.choices if choice.key == "cam"]
        assert cam.requests == (FigureRequest("cam", options=(
            ("class", None), ("cmap", "jet"), ("max_channels", 0), ("method", "scorecam"))),)
        await pilot.press("escape")
        await pilot.press("K", *"Score-CAM 5", "enter")
        await wait_until(pilot, lambda: title(app).startswith("Score-CAM (5 of 12 channels) — conv_b"))
        await pilot.press("K", *"occlusion", "enter")
        await wait_until(pilot, lambda: title(app).startswith("occlusion (patch 3, stride 1) — input"))
        await pilot.press("K", *"lime", "enter")
        await wait_until(pilot, lambda: any("no class heatmap method 'lime'" in str(note.message)
                                            for note in app._notifications)
                         or "no class heatmap method 'lime'" in app.explorer.query_one("#notices").text)
        assert app.explorer.state.cam.method == "occlusion"
        await pilot.press("k")  # from a method asked by name: back to the default
        await wait_until(pilot, lambda: title(app).startswith("HiResCAM — conv_b"))
        assert app.explorer.state.cam == ClassMapSettings()


async def test_help_and_palette_say_how_to_reach_the_slow_methods(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("5")
        bindings = {binding.key: binding for binding in app.explorer.palette_bindings()}
        assert bindings["k"].description == "Method" and bindings["K"].description == "Method by name"
        assert ("(default, Grad-CAM, Grad-CAM++, HiResCAM, Saliency, LayerCAM, XGradCAM, Eigen-CAM); "
                "K for Score-CAM, occlusion, "
                "Integrated Gradients, SmoothGrad") in bindings["k"].tooltip
        assert app.explorer.check_action("view_key", ("K",)) is True  # listed in the palette on this view
        text = help_markdown(app.explorer.palette_bindings())
        assert "| K | class map: type a method, the slow ones too (scorecam, scorecam all" in text


def test_the_prompt_reads_names_titles_and_channel_counts():
    assert parse_method("scorecam") == ("scorecam", ())
    assert parse_method(" Score-CAM  all channels ") == ("scorecam", (("max_channels", 0),))
    assert parse_method("scorecam 128") == ("scorecam", (("max_channels", 128),))
    assert parse_method("Grad-CAM++") == ("gradcam++", ())
    assert parse_method("default") == (None, ())
    assert {parse_method(name)[0] for name in METHODS} == set(METHODS)
    for bad, message in [("lime", "no class heatmap method 'lime'"), ("gradcam 8", "takes no more than its name and NAME=VALUE options"),
                         ("scorecam -1", "a channel count"), ("scorecam 0", "a channel count")]:
        try:
            parse_method(bad)
        except ValueError as error:
            assert message in str(error)
        else:
            raise AssertionError(f"{bad!r} was accepted")


async def test_a_cancelled_worker_stops_a_running_score_cam(make_app):
    """The app quitting cancels its workers; the Score-CAM's ticket is still the newest."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        explorer = app.explorer
        started, release, seen = threading.Event(), threading.Event(), []

        def class_heatmap(progress=None, should_stop=None, **request):
            progress(0, 12)
            progress(2, 12)
            seen.append(should_stop())
            started.set()
            release.wait(10)
            seen.append(should_stop())
            raise CamCancelled("stopped")

        explorer.results.class_heatmap = class_heatmap  # stands for a Score-CAM between two batches
        await pilot.press("5")
        await wait_until(pilot, started.is_set)
        view = explorer.query_one("ClassMapView")
        await wait_until(pilot, lambda: view.caption == "class map: 2/12 masked inputs… (any change stops it)")
        assert explorer.status_line.stage == "class heatmap: 2/12 masked inputs"
        app.workers.cancel_group(explorer, "class-heatmap")
        release.set()
        await wait_until(pilot, lambda: len(seen) == 2)
        assert seen == [False, True]
        await wait_until(pilot, lambda: explorer.status_line.stage == "class heatmap cancelled")
