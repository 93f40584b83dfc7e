"""The one-time notice that the terminal shows fewer than 16 million colours."""

from __future__ import annotations

import weakref

from textual.app import App
from textual.widget import Widget

from actviz_tui.ui.widgets.notice_line import Notice

COLOURS_OF = {"256": "256 colours", "standard": "16 colours"}


def colour_notice(color_system: str | None) -> str | None:
    """What to tell the user about the terminal's colours; None for truecolor (or no colour at all)."""
    colours = COLOURS_OF.get(color_system or "")
    if colours is None:
        return None
    drawn = "maps are dithered" if color_system == "256" else "maps lose detail"
    return (  # short: it sits in the notice line (README: Over SSH and tmux has the rest)
        f"only {colours}: {drawn}. Full colour: COLORTERM=truecolor (SSH drops it); "
        "in tmux also set -as terminal-features ',*:RGB' (older: ',*:Tc')."
    )


_ANNOUNCED: weakref.WeakSet[App] = weakref.WeakSet()


def announce_colours_once(picture: Widget) -> None:
    """Called as pictures are drawn, so the notice shows with the first one, not behind a slow
    model load; ``picture`` posts it to the screen (the explorer's notice line: no toast over
    the pictures)."""
    app = picture.app
    if app in _ANNOUNCED:
        return
    _ANNOUNCED.add(app)
    text = colour_notice(app.console.color_system)
    if text:
        picture.post_message(Notice(text, "colours"))
