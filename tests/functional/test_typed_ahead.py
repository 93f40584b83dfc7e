"""Keys typed faster than the screens open (a paste, one `tmux send-keys`) still land."""

from __future__ import annotations

from textual import events

from tests.functional.conftest import ready, wait_until

SIZE = (120, 36)


def type_burst(app, keys: str) -> None:
    """Queue every key at once, as a terminal delivers a paste: nothing runs in between."""
    for key in keys:
        name = {"\r": "enter", "/": "slash"}.get(key, key)
        app.post_message(events.Key(name, key if key != "\r" else "\r"))


async def test_channel_number_typed_in_one_burst_lands(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("down", "down", "down")  # conv_b: 12 channels
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 3)
        type_burst(app, "c11\r")
        await wait_until(pilot, lambda: app.screen is app.explorer and app.explorer.state.channel == 11, 10)
        assert app.explorer.state.view == "channel"  # the 1s went to the prompt, not to the view keys


async def test_channel_number_pressed_in_one_pilot_call_lands(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        await pilot.press("down", "down", "down")
        await wait_until(pilot, lambda: app.explorer.activation is not None and app.explorer.state.layer == 3)
        await pilot.press("c", "1", "0", "enter")
        await wait_until(pilot, lambda: app.screen is app.explorer and app.explorer.state.channel == 10, 10)


async def test_a_filter_typed_in_one_burst_filters(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: ready(app))
        type_burst(app, "/conv")
        await wait_until(pilot, lambda: app.explorer.query_one("#filter").value == "conv", 10)
        assert app.explorer.query_one("#layers").row_count == 2
        assert app.screen is app.explorer  # "o" did not open the image prompt


async def test_a_key_that_comes_between_the_prompts_compose_and_mount_is_kept():
    """Under load a key can arrive after the prompt built its input but before the input can be
    found (seen once in CI: ``c15`` gave channel 5); it must still land, in order."""
    from textual.app import App

    from actviz_tui.ui.screens.prompt_screen import PromptScreen

    class LateKeyPrompt(PromptScreen):
        def compose(self):
            yield from super().compose()
            self.typed += "1"  # as type_ahead does while the input is not mounted yet

    answers = []

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(LateKeyPrompt("Channel:", "e.g. 29"), answers.append)

    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("5", "enter")
        await pilot.pause()
    assert answers == ["15"]


async def test_a_key_that_lands_in_the_input_before_it_has_the_focus_is_not_selected_away():
    """Textual's Input may select its text when it gets the focus: a key typed ahead into it just
    before (seen in CI under load: ``c15`` gave channel 5) would be replaced by the next one."""
    from textual import events
    from textual.app import App
    from textual.widgets import Input

    from actviz_tui.ui.screens.prompt_screen import PromptScreen

    answers = []
    prompt = PromptScreen("Channel:", "e.g. 29")

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(prompt, answers.append)

    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        field = prompt.query_one("#answer", Input)
        prompt.set_focus(None)
        await pilot.pause()
        prompt.type_ahead(events.Key("1", "1"))  # into the input while it has no focus
        field.focus()
        await pilot.pause()
        await pilot.press("5", "enter")
        await pilot.pause()
    assert answers == ["15"]
