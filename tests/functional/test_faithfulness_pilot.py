"""The class map's f key: each quick method's deletion and insertion AUC on the shown image,
measured in the background, best first beside the random floor; Enter on a row shows that
method; Esc, or another class, stops a run."""

from __future__ import annotations

import threading

import pytest

from actviz_tui.core.evaluate import evaluation
from actviz_tui.core.evaluate.evaluation import evaluate_methods
from actviz_tui.core.explain import METHODS, cheap_methods
from tests.functional.conftest import ready, wait_until

SIZE = (150, 42)


def title(app) -> str:
    return app.explorer.query_one("#title").content


def panel(app):
    return app.explorer.query_one("FaithfulnessPanel")


def table_cells(app) -> list[list[str]]:
    table = app.explorer.query_one("FaithfulnessTable")
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def test_f_ranks_the_quick_methods_on_this_image_and_enter_shows_one(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("5")
        await wait_until(pilot, lambda: title(app).startswith("HiResCAM — conv_b"))
        await pilot.press("f")
        await wait_until(pilot, lambda: panel(app).rows, 60)
        results = app.explorer.results
        expected = evaluate_methods(results.model, results.batch, list(cheap_methods()), steps=10).ranked()
        rows = panel(app).rows
        assert [row.method for row in rows] == [scores.method for scores in expected]
        assert sorted(row.method for row in rows) == sorted([*cheap_methods(), "random"])
        assert [row.deletion for row in rows] == sorted(row.deletion for row in rows)  # best first
        for row, scores in zip(rows, expected):
            assert row.deletion == pytest.approx(float(scores.deletion[0]), abs=1e-6)
            assert row.insertion == pytest.approx(float(scores.insertion[0]), abs=1e-6)
        cells = table_cells(app)
        assert [cell[1:] for cell in cells] == [
            [METHODS[row.method].title if row.method in METHODS else "random (floor)",
             f"{row.deletion:.3f}", f"{row.insertion:.3f}"] for row in rows]
        assert [cell[0] for cell in cells] == ["▶" if row.method == "hirescam" else "" for row in rows]
        assert "10 steps" in panel(app).header and "↑↓ Enter" in panel(app).header
        # Enter on a row: its method's heatmap, and the mark follows
        other = next(i for i, row in enumerate(rows) if row.method not in ("hirescam", "random"))
        assert app.explorer.query_one("FaithfulnessTable").has_focus
        await pilot.press(*["down"] * other, "enter")
        await wait_until(pilot, lambda: title(app).startswith(f"{METHODS[rows[other].method].title} — "))
        assert app.explorer.state.cam.method == rows[other].method
        await wait_until(pilot, lambda: table_cells(app)[other][0] == "▶")
        assert [cell[0] for cell in table_cells(app)].count("▶") == 1
        # f again closes the panel; the layer table has the focus back
        await pilot.press("f")
        assert not panel(app).display and app.explorer.query_one("#layers").has_focus
        bindings = {binding.key: binding for binding in app.explorer.palette_bindings()}
        assert bindings["f"].description == "Faithfulness" and "Enter on a row" in bindings["f"].tooltip
        assert "Score-CAM" in bindings["F"].tooltip


async def test_esc_cancels_a_run_and_another_class_stops_one(make_app, monkeypatch):
    started = threading.Event()
    real = evaluation.causal_curves

    def held(*args):
        """The first method's curves wait until the run is told to stop: then the real ones stop it."""
        should_stop = args[7]
        started.set()
        stopped = threading.Event()
        while not should_stop() and not stopped.wait(0.02):
            pass
        return real(*args)

    monkeypatch.setattr(evaluation, "causal_curves", held)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("5")
        await wait_until(pilot, lambda: title(app).startswith("HiResCAM — conv_b"))
        await pilot.press("f")
        await wait_until(pilot, started.is_set)
        await wait_until(pilot, lambda: "explaining" in panel(app).header or "masked inputs" in panel(app).header)
        assert f"faithfulness: 0/{len(cheap_methods()) + 1} methods" in panel(app).header  # and the random floor
        await pilot.press("escape")
        await wait_until(pilot, lambda: "cancelled" in panel(app).header)
        assert panel(app).header == "faithfulness: cancelled (f measures again)"
        assert panel(app).rows == [] and not app.explorer.query_one("FaithfulnessTable").display
        await wait_until(pilot, lambda: app.explorer.status_line.stage == "faithfulness: cancelled")
        # a new run, stopped by another class: the panel says why, nothing runs on
        started.clear()
        await pilot.press("f")
        await wait_until(pilot, started.is_set)
        await pilot.press("y")
        await wait_until(pilot, lambda: "the class or layer changed" in panel(app).header)
        await wait_until(pilot, lambda: not [w for w in app.explorer.workers
                                             if w.group == "faithfulness" and w.is_running])
        assert panel(app).rows == [] and app.explorer.state.cam.class_index == 0
