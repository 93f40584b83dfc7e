"""A focused checkbox in the export dialog still shows its tick and label."""

from __future__ import annotations

from tests.functional.conftest import ready, wait_until


async def test_focused_checkbox_shows_its_label_and_tick(make_app):
    from textual.widgets import Checkbox

    from actviz_tui.ui.screens.export_dialog import ExportDialog

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, ExportDialog))
        for box in app.screen.query(Checkbox):
            box.focus()
            await pilot.pause()
            text = "".join(segment.text for y in range(box.size.height) for segment in box.render_line(y))
            assert box.has_focus and str(box.label) in text and "X" in text, text
