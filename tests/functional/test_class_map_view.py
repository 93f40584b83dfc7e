"""View 5: predictions and the class heatmap over the input, driven by keys."""

from __future__ import annotations

import numpy as np

from actviz_tui.core.export import FigureRequest
from actviz_tui.ui.explorer_state import ClassMapSettings
from tests.functional.conftest import ready, wait_until

SIZE = (140, 40)


def title(app) -> str:
    return app.explorer.query_one("#title").content


async def test_class_map_shows_predictions_and_the_default_method_with_its_reason(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("5")
        # one sigmoid unit, p = 0.508 for the rings: class 1 (positive); class 0 has 1 - p
        await wait_until(pilot, lambda: title(app).startswith("HiResCAM — conv_b — class 1 positive p=0.5083"))
        assert "the head flattens the maps" in title(app)  # the default method says why
        panel = str(app.explorer.query_one("#predictions").render())
        assert "score (sigmoid, 1 unit: p for class 1, 1 - p for class 0)" in panel
        assert "▶    1 positive" in panel and "     0 negative" in panel and "0.4917" in panel
        picture = app.explorer.query_one("#cam-picture")
        assert picture.picture_size[0] > 0
        heatmap = app.explorer.query_one("ClassMapView")._result.heatmap
        assert heatmap.shape == (24, 24) and heatmap.max() == 1.0  # the model input's size, in [0, 1]


async def test_keys_change_method_layer_and_class_and_the_export_follows(make_app):
    from actviz_tui.ui.screens.export_dialog import ExportDialog

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("down", "5")  # conv_a selected in the table
        await wait_until(pilot, lambda: title(app).startswith("HiResCAM"))
        await pilot.press("k")  # the default, then Grad-CAM
        await wait_until(pilot, lambda: title(app).startswith("Grad-CAM — conv_b"))
        await pilot.press("l")  # the table's layer
        await wait_until(pilot, lambda: title(app).startswith("Grad-CAM — conv_a"))
        await pilot.press("C", "3", "enter")  # one output unit: no class 3
        await wait_until(pilot, lambda: "no class 3" in app.explorer.status_line.error)
        await pilot.press("C", "0", "enter")
        await wait_until(pilot, lambda: title(app).startswith("Grad-CAM — conv_a — class 0"))
        await pilot.press("j")  # the overlay's colours: redrawn, not recomputed
        await wait_until(pilot, lambda: app.explorer.query_one("#cam-legend").cmap == "turbo")
        assert app.explorer.state.cam == ClassMapSettings("gradcam", 0, 1, "turbo")
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        (cam,) = [choice for choice in app.screen.choices if choice.key == "cam"]
        assert cam.preset and cam.requests == (FigureRequest(
            "cam", layer=1, options=(("class", 0), ("cmap", "turbo"), ("method", "gradcam"))),)


async def test_a_failed_class_map_says_why_once_and_export_needs_only_the_image(make_app):
    from tests.functional.conftest import RINGS_INVERTED

    app = make_app(images=("tests/data/ui_rings.png", RINGS_INVERTED))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("5")
        await wait_until(pilot, lambda: title(app).startswith("HiResCAM"))
        asked = []
        original = app.explorer.engine.class_heatmap
        app.explorer.engine.class_heatmap = lambda *args, **kwargs: asked.append(args) or original(*args, **kwargs)
        await pilot.press("C", "7", "enter")  # typed in one burst: the keys reach the prompt
        await wait_until(pilot, lambda: title(app).startswith("class map: no class 7"))
        await pilot.press("m", "s", "right")  # repaints, but the failed request is not sent again
        await pilot.pause(0.3)
        assert len(asked) == 1 and app.explorer.state.cam.class_index == 7
        await pilot.press("n")  # the other image: the view is stale, and export still works
        await wait_until(pilot, lambda: app.explorer.state.image == 1)
        assert app.explorer.check_action("export", ()) is True


async def test_a_class_is_typed_by_name_and_the_negative_class_of_a_sigmoid_is_explained(make_app, tmp_path):
    from actviz_tui.core.model.options import ModelOptions

    labels = tmp_path / "labels.txt"
    labels.write_text("plain\nrings\n")  # Keras' binary order: class 0, then class 1 (the sigmoid's)
    app = make_app(options=ModelOptions(labels=str(labels)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("5")
        await wait_until(pilot, lambda: title(app).startswith("HiResCAM — conv_b — class 1 rings p=0.5083"))
        positive = app.explorer.query_one("ClassMapView")._result.heatmap
        await pilot.press("C", *"Plain", "enter")  # a name, any case: the negative class, 1 - p
        await wait_until(pilot, lambda: title(app).startswith("HiResCAM — conv_b — class 0 plain p=0.4917"))
        negative = app.explorer.query_one("ClassMapView")._result.heatmap
        assert app.explorer.state.cam.class_index == 0
        assert not np.allclose(positive, negative)  # the score is -logit: other evidence
        await pilot.press("C", *"ring", "enter")  # no such name: the close ones are named
        await wait_until(pilot, lambda: any("no class named 'ring'; close: rings" in str(n.message)
                                            for n in app._notifications))
        assert app.explorer.state.cam.class_index == 0
