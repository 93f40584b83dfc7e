"""View 7 "Compare" through the pilot (``--compare OTHER``): a second checkpoint and a second
image; the caption's numbers are the core's, the table's ΔL2 column marks the first divergent
layer, another architecture is one notice, and without --compare the view says how."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual.css.query import NoMatches

from actviz_tui.core.compare.pair import OtherSide
from actviz_tui.core.session.model_session import ModelSession
from actviz_tui.ui.explorer_start import ExplorerStart
from tests.functional.conftest import RINGS, RINGS_INVERTED, TINY_MODEL, ready, wait_until

SIZE = (150, 40)


@pytest.fixture(scope="module")
def tuned(tmp_path_factory) -> Path:
    """The tiny model with conv_b's kernel scaled and shaken: it first differs at conv_b."""
    import keras

    model = keras.saving.load_model(TINY_MODEL, compile=False)
    kernel, bias = model.get_layer("conv_b").get_weights()
    noise = np.random.default_rng(0).normal(0, 0.1, kernel.shape).astype(kernel.dtype)
    model.get_layer("conv_b").set_weights([kernel * 1.5 + noise, bias])
    path = tmp_path_factory.mktemp("compare") / "tuned.keras"
    model.save(path)
    return path


@pytest.fixture(scope="module")
def other_architecture(tmp_path_factory) -> Path:
    import models_factory

    path = tmp_path_factory.mktemp("compare") / "chain.keras"
    models_factory.compare_chain().save(path)
    return path


def title(app) -> str:
    try:
        return str(app.explorer.query_one("#title").content)
    except NoMatches:
        return ""


def diverge_cell(app, row: int) -> str:
    return str(app.explorer.query_one("#layers").get_cell(str(row), "diverge")).strip()


def expected_pair(other: Path, image: Path = RINGS):
    session = ModelSession.open(TINY_MODEL)
    return OtherSide.open(session, other).pair(session.image(image))


async def test_a_second_checkpoint_side_by_side_with_the_cores_numbers(make_app, tuned):
    pair = expected_pair(tuned)
    conv_b = pair.a.find_layer("conv_b")
    layer = pair.layer(conv_b)
    app = make_app(start=ExplorerStart("conv_b", 2, compare=str(tuned)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("7")
        await wait_until(pilot, lambda: "relative L2" in title(app) and "first divergent: conv_b" in title(app))
        caption = title(app)
        divergence = layer.divergence
        assert f"layer: relative L2 {divergence.relative_l2:.4g}" in caption
        assert f"cosine {divergence.cosine:.4g}" in caption and f"CKA {divergence.cka:.4g}" in caption
        assert f"channel 2: relative L2 {layer.channel_change(2):.4g}" in caption
        view = app.explorer.query_one("#compare")
        assert str(view.query_one("#heading-a").content) == "A  ui_tiny_cnn.keras"
        assert str(view.query_one("#heading-b").content) == "B  tuned.keras"
        diff_legend = view.query_one("#legend-diff")
        assert diff_legend.cmap == "coolwarm" and diff_legend.vmin == -diff_legend.vmax  # 0 in the middle
        a_legend, b_legend = view.query_one("#legend-a"), view.query_one("#legend-b")
        assert (a_legend.vmin, a_legend.vmax) == (b_legend.vmin, b_legend.vmax)  # one scale for A and B
        assert diverge_cell(app, conv_b) == f"▶{divergence.relative_l2:.4g}"
        assert diverge_cell(app, pair.a.find_layer("conv_a")) == "0"
        assert diverge_cell(app, 0) == "—"  # the input row is not compared
        await pilot.press("right")  # channel keys work as in view 1
        await wait_until(pilot, lambda: f"channel 3: relative L2 {layer.channel_change(3):.4g}" in title(app))
        await pilot.press("m")
        await wait_until(pilot, lambda: view.query_one("#legend-a").cmap == "magma")
        assert view.query_one("#legend-diff").cmap == "coolwarm"


async def test_the_export_dialog_on_view_7_writes_the_comparison(make_app, tuned, tmp_path):
    from textual.widgets import Input

    from actviz_tui.ui.screens.export_dialog import ExportDialog

    app = make_app(start=ExplorerStart("conv_b", 2, "compare", compare=str(tuned)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "first divergent: conv_b" in title(app))
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        (preset,) = [choice for choice in app.screen.choices if choice.preset]
        assert preset.key == "compare" and preset.requests[0].options == (("other", str(tuned)),)
        app.screen.query_one("#folder", Input).value = str(tmp_path)
        app.screen.submit()
        await wait_until(pilot, lambda: list(tmp_path.glob("*__compare.png")))
        assert [path.name for path in tmp_path.iterdir()] == ["ui_tiny_cnn__ui_rings__conv_b__ch002__compare.png"]


async def test_a_second_image_through_one_model(make_app):
    pair = expected_pair(RINGS_INVERTED)
    conv_a = pair.a.find_layer("conv_a")
    divergence = pair.divergence(conv_a)
    app = make_app(start=ExplorerStart("conv_a", 0, "compare", compare=str(RINGS_INVERTED)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "first divergent: conv_a" in title(app))
        assert f"layer: relative L2 {divergence.relative_l2:.4g}" in title(app)
        view = app.explorer.query_one("#compare")
        assert str(view.query_one("#heading-b").content) == f"B  {RINGS_INVERTED.name}"
        assert diverge_cell(app, conv_a) == f"▶{divergence.relative_l2:.4g}"
        assert np.isfinite(divergence.relative_l2) and divergence.relative_l2 > 0


async def test_another_architecture_is_one_notice_and_view_7_says_why(make_app, other_architecture):
    app = make_app(start=ExplorerStart(compare=str(other_architecture)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "differ in architecture" in app.explorer.query_one("#notices").text)
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("7")
        why = str(app.explorer.query_one("#compare-why").content)
        assert why.startswith("cannot compare with chain.keras: the checkpoints differ in architecture at row")
        assert "diverge" not in app.explorer.query_one("#layers").plan.keys  # no column


async def test_without_compare_the_view_says_how(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("7")
        await pilot.pause()
        assert "start with --compare OTHER" in str(app.explorer.query_one("#compare-why").content)
        assert "diverge" not in app.explorer.query_one("#layers").plan.keys


async def test_a_nested_model_compares_its_inner_layers_and_leaves_its_own_row_out(make_app, sample_nested_keras,
                                                                                   tmp_path):
    import keras

    model = keras.saving.load_model(sample_nested_keras, compile=False)
    inner = model.get_layer("backbone").get_layer("bb_conv32")
    inner.set_weights([weights * 0.5 for weights in inner.get_weights()])  # no bias: BatchNorm follows
    tuned_nested = tmp_path / "nested_tuned.keras"
    model.save(tuned_nested)
    session = ModelSession.open(sample_nested_keras)
    pair = OtherSide.open(session, tuned_nested).pair(session.image(RINGS))
    row = session.find_layer("backbone/bb_conv32")
    divergence = pair.divergence(row)
    app = make_app(sample_nested_keras, start=ExplorerStart("backbone/bb_conv32", 3, "compare",
                                                            compare=str(tuned_nested)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "first divergent: backbone/bb_conv32" in title(app))
        assert f"layer: relative L2 {divergence.relative_l2:.4g}" in title(app)
        assert diverge_cell(app, row) == f"▶{divergence.relative_l2:.4g}"
        assert diverge_cell(app, session.find_layer("backbone")) == "—"  # a nested model's own row
        await pilot.press("up", "up", "up", "up", "up")  # the backbone's own row: shown, not compared
        await wait_until(pilot, lambda: "not compared" in title(app))


async def test_a_conv1d_model_compares_two_arrays(make_app, tmp_path):
    import models_factory

    model_path = tmp_path / "conv1d.keras"
    models_factory.conv1d_sequence().save(model_path)
    first, second = tmp_path / "first.npy", tmp_path / "second.npy"
    np.save(first, models_factory.random_batch((16, 3), seed=1)[0])
    np.save(second, models_factory.random_batch((16, 3), seed=2)[0])
    session = ModelSession.open(model_path)
    pair = OtherSide.open(session, second).pair(session.image(first))
    row = next(info.index for info in session.layers if info.type == "Conv1D")
    layer = pair.layer(row)
    app = make_app(model_path, [first], start=ExplorerStart(row, 1, "compare", compare=str(second)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "layer: relative L2" in title(app))
        assert f"layer: relative L2 {layer.divergence.relative_l2:.4g}" in title(app)
        assert f"channel 1: relative L2 {layer.channel_change(1):.4g}" in title(app)
        assert str(app.explorer.query_one("#compare #heading-b").content) == "B  second.npy"


async def test_a_second_checkpoint_follows_the_next_image(make_app, tuned):
    second = expected_pair(tuned, RINGS_INVERTED)
    conv_b = second.a.find_layer("conv_b")
    expected = second.divergence(conv_b).relative_l2
    assert expected != pytest.approx(expected_pair(tuned).divergence(conv_b).relative_l2)  # tells the images apart
    app = make_app(images=(RINGS, RINGS_INVERTED), start=ExplorerStart("conv_b", 0, "compare", compare=str(tuned)))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "first divergent: conv_b" in title(app))
        await pilot.press("n")
        await wait_until(pilot, lambda: f"layer: relative L2 {expected:.4g}" in title(app))
        await wait_until(pilot, lambda: diverge_cell(app, conv_b) == f"▶{expected:.4g}")
        assert app.explorer.compare_pair.b.key == str(RINGS_INVERTED)  # B: the same image through the other


def test_a_missing_other_is_one_error_line_before_the_ui(tmp_path, capsys):
    from cli_runs import in_process_cli

    with in_process_cli() as main:
        assert main([str(TINY_MODEL), str(RINGS), "--compare", str(tmp_path / "missing.h5")]) == 1
    assert capsys.readouterr().err.strip() == f"actviz: error: --compare {tmp_path / 'missing.h5'}: no such file"
