"""Ctrl+P: every explorer action by its human name, with its key."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class ExplorerCommands(Provider):
    """Lists the bindings of the screen the palette was opened over."""

    def _commands(self):
        screen = self.screen
        for binding in screen.palette_bindings():
            if not screen.check_action(*_action_and_parameters(binding.action)):
                continue  # keys of another view, or not usable yet: as the footer hides them
            help_text = f"key: {screen.app.get_key_display(binding)}"
            if binding.tooltip:
                help_text = f"{binding.tooltip}  ({help_text})"
            yield binding.description, help_text, partial(screen.run_action, binding.action)

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


def _action_and_parameters(action: str) -> tuple[str, tuple]:
    """("view_key", ("pageup",)) from "view_key('pageup')", as Textual's parser reads it."""
    from textual.actions import parse

    _namespace, name, parameters = parse(action)
    return name, parameters
