"""What the user reads is true and whole: layer names that read apart, the selected layer's
detail, headings and status lines that wrap instead of being cut, an export label that says
what will be written, a clean footer, and notices that cover no picture.

Read from the rendered widgets, at the sizes a tester used (160x50, 110x32, 80x24).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets._toast import Toast

from actviz_tui.ui.screens.export_dialog import ExportDialog
from actviz_tui.ui.widgets.layer_table import INDENT
from functional.conftest import RINGS, ready, wait_until

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SIZES = [(160, 50), (110, 32), (80, 24)]
CONCATS = {13: "conv2_block1_concat", 20: "conv2_block2_concat", 27: "conv2_block3_concat"}


def rendered(widget) -> list[str]:
    """The widget's lines as the terminal shows them."""
    return ["".join(segment.text for segment in widget.render_line(y)).rstrip() for y in range(widget.size.height)]


def shown_names(table) -> dict[int, str]:
    """Row -> the text of its Layer cell, for the rows on screen."""
    start = table.plan.width_of("#") + 1
    width = table.plan.width_of("Layer")
    names = {}
    for line in rendered(table)[1:]:
        words = line.split()
        if words and words[0].isdigit():
            names[int(words[0])] = line[start:start + width].strip()
    return names


def reads_as(text: str, name: str) -> bool:
    """The cell is the name, or the name with a prefix (and maybe a middle) left out."""
    text = text.rstrip("*")
    if text == name:
        return True
    pieces = [piece for piece in text.split("…") if piece]
    return text.startswith("…") and all(piece in name for piece in pieces) and (
        text.endswith("…") or name.endswith(pieces[-1]))


@pytest.mark.parametrize("size", SIZES)
async def test_densenet_rows_read_apart_and_the_detail_line_has_the_rest(make_app, zoo_path, size):
    app = make_app(zoo_path("densenet121"), [RINGS])
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: ready(app), 120)
        table = app.explorer.query_one("#layers")
        for row in CONCATS:  # rows 13, 20, 27: elide_middle made all three "conv2_b…_concat"
            table.select_layer(row)
            await wait_until(pilot, lambda row=row: app.explorer.state.layer == row)
            names = shown_names(table)
            assert len(names) > 5
            assert len(set(names.values())) == len(names), names  # no two rows on screen read alike
            for shown_row, text in names.items():
                layer = table.layer_infos[shown_row]
                assert reads_as(text.removeprefix(INDENT * layer.depth), layer.short_name), (text, layer.name)
            shown = [names[r] for r in CONCATS if r in names]
            assert all(text.endswith("_concat") for text in shown)
            assert len({text for text in shown}) == len(shown)
            if size[0] == 160:
                assert shown == [CONCATS[r] for r in CONCATS if r in names]  # room for whole names
        type_width = table.plan.width_of("Type")
        assert type_width <= 10
        table.select_layer(13)
        await wait_until(pilot, lambda: app.explorer.state.layer == 13)
        detail = " ".join(rendered(app.explorer.query_one("#detail")))
        for part in ("conv2_block1_concat", "Concatenate", "8x8x96", "← pool1, conv2_block1_2_conv",
                     "RF 19 px, jump 4"):
            assert part in detail, detail


async def test_convnext_names_keep_their_block_numbers_and_t_reaches_every_column(make_app, zoo_path):
    app = make_app(zoo_path("convnext_tiny"), [RINGS])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: ready(app), 120)
        table = app.explorer.query_one("#layers")
        table.select_layer(12)
        await wait_until(pilot, lambda: app.explorer.state.layer == 12)
        names = shown_names(table)
        assert len(set(names.values())) == len(names), names
        assert table.plan.width_of("Layer") >= 14  # was 4: "c…em", "  …v"
        next_page = table.plan.next_page[0]
        assert f"Layer t:{'%zero' if next_page == 'zero' else next_page}" in rendered(table)[0]  # says t shows more
        seen = set(table.plan.keys)
        for _ in table.plan.pages:
            await pilot.press("t")
            await pilot.pause()
            seen |= set(table.plan.keys)
            assert table.plan.width_of("Layer") >= 14
        assert seen == {"#", "Layer", "Type", "Output", "Params", "mean", "zero", "dead"}
        detail = " ".join(rendered(app.explorer.query_one("#detail")))
        assert "convnext_tiny_stage_0_block_1_depthwise_conv" in detail and "RF 52 px, jump 4" in detail


async def test_the_class_map_title_keeps_the_reason_for_the_method_whole(make_app, sample_h5, xray_opacity_png):
    app = make_app(sample_h5, [xray_opacity_png])
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: ready(app), 60)
        await pilot.press("5")
        view = app.explorer.query_one("ClassMapView")
        await wait_until(pilot, lambda: view._result is not None, 60)
        await pilot.pause()
        reason = view._result.reason
        assert len(reason) > 60  # "HiResCAM: the head flattens the maps (Flatten + Dense), so Grad-CAM's ..."
        shown = " ".join(rendered(app.explorer.query_one("#title")))
        assert " ".join(reason.split()) in " ".join(shown.split())  # every word, none cut at the edge


@pytest.fixture(scope="module")
def zero_filters_keras(tmp_path_factory):
    """A conv layer of 48 filters, 21 of them all zero (indices in runs and alone)."""
    import keras
    import numpy as np

    inputs = keras.Input((12, 12, 3), name="image")
    x = keras.layers.Conv2D(48, 3, name="sparse_conv")(inputs)
    outputs = keras.layers.Dense(2, name="head")(keras.layers.Flatten(name="flat")(x))
    model = keras.Model(inputs, outputs)
    kernel, bias = model.get_layer("sparse_conv").get_weights()
    zero = [*range(0, 15), 20, 22, 30, 31, 32, 47]
    kernel[..., zero] = 0
    model.get_layer("sparse_conv").set_weights([kernel, np.zeros_like(bias)])
    path = tmp_path_factory.mktemp("zero_filters") / "zero_filters.keras"
    model.save(path)
    return path


@pytest.mark.parametrize("size", [(160, 50), (80, 24)])
async def test_the_filters_status_names_every_all_zero_filter(make_app, zero_filters_keras, size):
    app = make_app(zero_filters_keras, [RINGS])
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: ready(app), 60)
        await pilot.press("down", "4")
        await wait_until(pilot, lambda: app.explorer.state.view == "filters" and app.explorer.state.layer == 1)
        await pilot.pause()
        shown = " ".join(rendered(app.explorer.query_one("#filter-norms")))
        assert "all-zero (21): 0-14, 20, 22, 30-32, 47" in shown, shown  # was the first 12, then "…"


async def test_the_export_label_says_which_method_class_and_layer_are_written(make_app):
    app = make_app()
    async with app.run_test(size=(110, 32)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        state = app.explorer.state
        app.explorer.set_state(replace(state, view="cam", cam=replace(state.cam, method="scorecam", class_index=0)))
        await wait_until(pilot, lambda: app.explorer.query_one("ClassMapView")._result is not None, 60)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        (cam,) = [choice for choice in app.screen.choices if choice.key == "cam"]
        assert cam.preset and cam.label == "class heatmap: Score-CAM of class 0 (negative), layer conv_b (default)"
        box = app.screen.query_one("#choice-cam")
        assert cam.label in "".join(rendered(box))  # was "the top class (default layer and method)"


async def test_the_compact_footer_ends_with_the_palette_key_at_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        footer = app.explorer.query_one("Footer")
        palette = footer.query_one("FooterKey.-command-palette")
        assert palette.region.right == footer.region.right  # was one short: the key under it showed ("C")
        widget, _ = app.explorer.get_widget_at(footer.region.right - 1, footer.region.y)
        assert widget is palette


async def test_notices_stay_off_the_pictures_until_esc(make_app, zoo_path):
    app = make_app(zoo_path("densenet121"), [RINGS])  # DenseNet on rescale: a preprocessing hint
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await wait_until(pilot, lambda: ready(app), 120)
        await pilot.press("3")
        await wait_until(pilot, lambda: len(app.explorer.query("MapTile")) > 3, 60)
        notices = app.explorer.query_one("#notices")
        text = " ".join(rendered(notices))
        assert "preprocessing:" in text and "--preprocess imagenet" in text and "(Esc hides)" in text
        assert not app.screen.query(Toast)  # no toast over the selected tile or the legend
        views = app.explorer.query_one("#views").region
        assert not notices.region.overlaps(views) and notices.region.y >= views.bottom
        await pilot.press("escape")
        await pilot.pause()
        assert not notices.display or notices.region.height == 0
        assert app.explorer.query_one("#views").region.height > views.height  # the views take the room back
