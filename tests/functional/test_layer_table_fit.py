"""The layer table on a 170-layer model with long names, read as the user sees it."""

from __future__ import annotations

import pytest

from actviz_tui.core.pictures.cell_format import format_count, format_dead, format_number, format_percent, short_type
from actviz_tui.ui.layer_columns import COLUMN_BY_KEY
from functional.conftest import RINGS, ready, wait_until

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def visible_lines(table) -> list[str]:
    """The table's rendered text, line by line, as the terminal shows it."""
    return ["".join(segment.text for segment in table.render_line(y)) for y in range(table.size.height)]


def expected_cells(table, row: int) -> dict[str, str]:
    layer, stats = table.layer_infos[row], table.stats[row]
    return {
        "#": str(row), "Type": short_type(layer.type), "Params": format_count(layer.params),
        "mean": format_number(stats.mean), "zero": format_percent(stats.zero_fraction),
        "dead": format_dead(stats.dead_channels, stats.channels),
    }


def assert_all_visible(table) -> None:
    """No horizontal scrolling; every header and every shown row's values whole."""
    assert table.max_scroll_x == 0
    header, *rows = visible_lines(table)
    for key in table.plan.keys:
        assert COLUMN_BY_KEY[key].header in header
    for line in rows:
        words = line.split()
        if not words or not words[0].isdigit():
            continue
        cells = expected_cells(table, int(words[0]))
        for key in table.plan.keys:
            if key in cells and cells[key]:
                assert cells[key] in words, (key, cells[key], line)
        name = table.layer_infos[int(words[0])].short_name
        shown = words[1]
        assert shown == name or ("…" in shown and name.startswith(shown.split("…")[0]) and name.endswith(shown.split("…")[1]))


@pytest.mark.parametrize("size", [(160, 50), (120, 40)])
async def test_every_column_and_value_is_visible_on_a_deep_model(make_app, deep_model_keras, size):
    app = make_app(deep_model_keras, [RINGS])
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: ready(app), 120)
        table = app.explorer.query_one("#layers")
        seen = set(table.plan.keys)
        assert_all_visible(table)
        assert {"mean", "zero", "dead"} <= seen  # the statistics show first
        if table.plan.split:
            await pilot.press("down", "down")
            await wait_until(pilot, lambda: app.explorer.state.layer == 2)
            await pilot.press("t")
            await pilot.pause()
            assert table.selected_row == 2 and app.explorer.state.layer == 2  # the cursor stays
            assert_all_visible(table)
            seen |= set(table.plan.keys)
        await pilot.press("G")
        await wait_until(pilot, lambda: app.explorer.state.layer == len(table.layer_infos) - 1)
        assert_all_visible(table)
        assert seen == set(COLUMN_BY_KEY) - {"diverge"}  # the divergence column only with --compare


async def test_g_and_shift_g_jump_to_the_first_and_last_layer(make_app, deep_model_keras):
    app = make_app(deep_model_keras, [RINGS])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: ready(app), 120)
        await pilot.press("G")
        await wait_until(pilot, lambda: app.explorer.state.layer == 169)
        assert any("predictions" in line for line in visible_lines(app.explorer.query_one("#layers")))
        await pilot.press("g")
        await wait_until(pilot, lambda: app.explorer.state.layer == 0)
        await pilot.press("end")  # End stays the last channel, in the table too
        await pilot.pause()
        assert app.explorer.state.layer == 0 and app.explorer.state.channel == app.explorer.state.channels - 1


async def test_dead_channels_read_dead_of_all(make_app, deep_model_keras):
    app = make_app(deep_model_keras, [RINGS])
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: ready(app), 120)
        table = app.explorer.query_one("#layers")
        dead_rows = [row for row, stats in table.stats.items() if stats.dead_channels]
        assert dead_rows, "the deep model on this image has dead channels"
        table.select_layer(dead_rows[0])
        await pilot.pause()
        stats = table.stats[dead_rows[0]]
        line = next(line for line in visible_lines(table) if line.split() and line.split()[0] == str(dead_rows[0]))
        assert line.split()[-1] == f"{stats.dead_channels}/{stats.channels}"


async def test_a_free_size_model_shows_the_shapes_for_this_image(make_app, models_dir):
    from models_factory import free_size_cnn

    path = models_dir / "free_size_for_table.keras"
    free_size_cnn().save(path)
    app = make_app(path, [RINGS])
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: ready(app), 120)
        table = app.explorer.query_one("#layers")
        assert table.layer_infos[0].output_shape[1] is None  # the model alone does not know
        for line in visible_lines(table)[1:]:
            words = line.split()
            if words and words[0].isdigit():
                shape = "x".join(str(d) for d in table.stats[int(words[0])].shape)
                assert shape in words and "?" not in line, line


def test_f1_help_explains_every_column():
    from actviz_tui.ui.screens.help_screen import help_markdown

    text = help_markdown([])
    for header, words in (("mean", "mean activation"), ("%zero", "exactly 0"), ("dead", "dead channels")):
        assert f"| {header} |" in text and words in text
