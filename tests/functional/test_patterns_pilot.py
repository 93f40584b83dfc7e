"""Filter patterns in the explorer: P shows view 4's patterns face (from view 1 too, with the
selected channel), computed in a worker with its progress, batch by batch, cached on disk
(a second visit, or a second app, runs nothing), Esc cancels; a layer with nothing to
optimise says why. Few steps and the tiny model: the file runs in seconds."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from actviz_tui.ui import pattern_jobs
from actviz_tui.ui.pattern_jobs import page_first
from actviz_tui.ui.screens.help_screen import help_markdown
from tests.functional.conftest import ready, wait_until

import models_factory as mf

SIZE = (140, 40)
STEPS = 6  # conv_b has 12 channels: a batch of 8 (BATCH_SIZE), then one of 4


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Every test starts with an empty pattern cache of its own, and few steps."""
    monkeypatch.setenv("ACTVIZ_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ACTVIZ_PATTERN_STEPS", str(STEPS))


def title(app) -> str:
    return app.explorer.query_one("#title").content


def info(app) -> str:
    return app.explorer.query_one("#filter-norms").content


def face(app):
    return app.explorer.query_one("FiltersView")


def record(app, row: int):
    found = [r for key, r in face(app).patterns.items() if key.layer == row]
    return found[0] if found else None


def finished(app, row: int) -> bool:
    found = record(app, row)
    return found is not None and found.complete and not found.running


async def on_layer(pilot, app, row: int) -> None:
    await pilot.press(*["down"] * (row - app.explorer.state.layer))
    await wait_until(pilot, lambda: app.explorer.state.layer == row)


def test_the_visible_page_comes_first_then_the_rest():
    assert page_first(10, (4, 5, 6)) == (4, 5, 6, 7, 8, 9, 0, 1, 2, 3)
    assert page_first(3, ()) == (0, 1, 2)


async def test_P_from_the_channel_view_shows_the_channels_page_first_and_P_again_the_weights(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await on_layer(pilot, app, 3)  # conv_b: 12 channels, 9 tiles a page here
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: app.explorer.state.channel == 10)
        await pilot.press("P")
        assert (app.explorer.state.view, app.explorer.state.filters_face) == ("filters", "patterns")
        await wait_until(pilot, lambda: finished(app, 3))
        assert title(app) == (f"conv_b  patterns: what each channel responds to most, {STEPS} steps, seed 0  "
                              "channels 9-11 of 12, page 2/2 (PgUp/PgDn), channel 10 framed")
        tiles = record(app, 3).tiles
        assert list(tiles) == [9, 10, 11, *range(9)]  # the page on show came first
        assert tiles[0].dtype == np.uint8 and tiles[0].shape == (24, 24, 3)
        assert info(app).startswith("channel 10: score ")
        assert "(mean before activation) · computed in " in info(app)
        assert app.explorer.query_one("#filters-picture").picture_size[0] > 0
        await pilot.press("pageup")
        await pilot.pause()
        assert title(app).endswith("channels 0-8 of 12, page 1/2 (PgUp/PgDn), channel 1 framed")
        assert info(app).startswith("channel 1: score ")
        await pilot.press("P")  # back to the weights
        await pilot.pause()
        assert app.explorer.state.filters_face == "weights" and "filter 1/12" in title(app)


async def test_progress_shows_batch_by_batch_and_esc_cancels_keeping_what_is_finished(make_app, monkeypatch):
    from actviz_tui.core import patterns

    second_batch, release = threading.Event(), threading.Event()
    real = patterns.layer_patterns

    def gated(model, target, channels, settings, use_cache, on_step):
        def step(done, total):
            on_step(done, total)
            if done > 8 * settings.steps:  # a step of the second batch: hold it there
                second_batch.set()
                release.wait(timeout=20)
        return real(model, target, channels, settings, use_cache, step)

    monkeypatch.setattr(patterns, "layer_patterns", gated)
    monkeypatch.setattr(pattern_jobs, "PROGRESS_EVERY_S", 0.0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await on_layer(pilot, app, 3)
        await pilot.press("4", "P")
        await wait_until(pilot, second_batch.is_set)
        # the first batch is drawn; the second's first step: 8*6 + 4 of 12*6 steps (9 tiles a page)
        await wait_until(pilot, lambda: info(app).startswith("patterns: 8/12 channels, 72%"))
        assert info(app).endswith("(Esc cancels)")
        assert app.explorer.status_line.stage.startswith("patterns: 8/12 channels, 72%")
        assert sorted(record(app, 3).tiles) == list(range(8))
        await pilot.press("escape")
        release.set()
        await wait_until(pilot, lambda: not record(app, 3).running)
        assert record(app, 3).cancelled and sorted(record(app, 3).tiles) == list(range(8))
        notices = app.explorer.query_one("#notices").text
        assert "conv_b: cancelled after 8/12 channels" in notices
        assert info(app) == "patterns cancelled: 8/12 channels finished (P twice goes on)"
        assert app.explorer.status_line.stage == "patterns cancelled"
        await pilot.press("left")  # browsing does not start it again
        await pilot.pause()
        assert record(app, 3).cancelled and not record(app, 3).running


async def test_a_revisit_runs_nothing_and_a_new_app_reads_the_disk_cache(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await on_layer(pilot, app, 3)
        await pilot.press("P")
        await wait_until(pilot, lambda: finished(app, 3))
        assert record(app, 3).cached == 0 and info(app).endswith(" s")  # "computed in N s"
        first = record(app, 3)
        asked = []
        app.explorer.engine.patterns = lambda *args, **kwargs: asked.append(args)  # this app's bridge only
        await pilot.press("up", "down")  # another layer and back, in this session: from memory
        await wait_until(pilot, lambda: app.explorer.state.layer == 3)
        await pilot.pause()
        assert record(app, 3) is first and [a[1].layer for a in asked] == [2]  # pool_a was asked, not conv_b
    again = make_app()  # the same cache folder (tmp_path): every channel from the disk
    async with again.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(again))
        await on_layer(pilot, again, 3)
        await pilot.press("P")
        await wait_until(pilot, lambda: finished(again, 3))
        cached = record(again, 3)
        assert cached.cached == 12 and cached.progress is None  # no optimisation step at all
        assert info(again).endswith("(mean before activation) · 12/12 read from the cache")
        assert all(np.array_equal(cached.tiles[c], first.tiles[c]) for c in range(12))


async def test_a_layer_with_nothing_to_optimise_says_why(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await on_layer(pilot, app, 0)  # the input layer
        await pilot.press("P")
        await wait_until(pilot, lambda: record(app, 0) is not None and record(app, 0).error)
        assert title(app) == "image  patterns: none here"
        assert app.explorer.query_one("#filters-picture").placeholder == (
            "layer image is the input: it has no channels of its own to maximise")
        assert not app.explorer.status_line.error  # a message in the view, not an error
        await on_layer(pilot, app, 6)  # the sigmoid output: classes 0 (-z) and 1 (z)
        await wait_until(pilot, lambda: finished(app, 6))
        assert "what each class responds to most" in title(app) and title(app).endswith("2 classes, class 0 framed")


async def test_grey_inputs_give_grey_tiles(make_app, tmp_path):
    path = tmp_path / "gray.keras"
    mf.grayscale_cnn().save(path)
    app = make_app(path, [])
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.explorer.session is not None)
        await on_layer(pilot, app, 1)  # conv: 3 channels over one grey input
        await pilot.press("P")
        await wait_until(pilot, lambda: finished(app, 1))
        tile = record(app, 1).tiles[0]
        assert np.array_equal(tile[..., 0], tile[..., 1]) and np.array_equal(tile[..., 1], tile[..., 2])
        assert tile.std() > 0


async def test_the_key_is_in_the_footer_help_and_palette(make_app):
    from textual.widgets._footer import FooterKey

    app = make_app()
    async with app.run_test(size=(220, 40)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        keys = {(key.key_display, key.description) for key in app.explorer.query(FooterKey)}
        assert ("P", "Patterns") in keys
        palette = {binding.key: binding for binding in app.explorer.palette_bindings()}
        assert palette["P"].description == "Patterns" and app.explorer.check_action("patterns", ())
        assert "| P | filter patterns: what each channel responds to most" in help_markdown(
            app.explorer.palette_bindings())
