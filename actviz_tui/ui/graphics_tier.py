"""How pictures reach the terminal (``--graphics``): Kitty graphics, Sixel or half-blocks.

The pixel tiers come from textual-image, which asks the terminal what it can
show when its renderable module is imported. That must happen before the app
starts (Textual then reads stdin and would swallow the answers), and only when
pixels are wanted: ``halfblock`` imports nothing and asks nothing. Light: no
numpy and no Textual here, so ``actviz`` can call it before the first paint.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Callable

TIERS = ("auto", "kitty", "sixel", "halfblock")
PIXEL_TIERS = ("kitty", "sixel")
HALFBLOCK = "halfblock"


def choose_tier(requested: str) -> str:
    """The tier to draw with. Call before the app starts: anything but ``halfblock``
    imports textual-image, which queries the terminal (a tenth of a second at most
    per question a terminal leaves unanswered)."""
    if requested not in TIERS:
        raise ValueError(f"--graphics must be one of {', '.join(TIERS)}, got {requested!r}")
    if requested == HALFBLOCK or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return HALFBLOCK  # textual-image would fail to ask a terminal it cannot read from
    answer = terminal_answer()
    if requested != "auto":
        return requested  # forced: drawn so even where the terminal said nothing
    return auto_tier(answer, in_tmux=bool(os.environ.get("TMUX")), passthrough=tmux_passthrough_on)


def auto_tier(answer: str | None, *, in_tmux: bool, passthrough: Callable[[], bool]) -> str:
    """``auto``: the pixel tier the terminal answered for, else half-blocks; inside
    tmux only with its passthrough on (``passthrough``: a callable, asked only then)."""
    if answer not in PIXEL_TIERS:
        return HALFBLOCK
    if in_tmux and not passthrough():
        return HALFBLOCK
    return answer


def drawable_tier(tier: str, color_system: str | None) -> str:
    """The tier pictures can use with the app's colours: a Kitty picture is addressed by
    its cells' 24-bit colour (its image id), which fewer colours would garble."""
    return HALFBLOCK if tier == "kitty" and color_system != "truecolor" else tier


def terminal_answer() -> str | None:
    """"sixel", "kitty" or None, as textual-image found the terminal. Importing its
    widget module asks (Sixel first, then Kitty graphics) and measures a cell in pixels."""
    import textual_image.widget  # noqa: F401  (the import is the query)
    from textual_image import renderable

    return {renderable.SixelImage: "sixel", renderable.TGPImage: "kitty"}.get(renderable.Image)


def tmux_passthrough_on() -> bool:
    """Whether tmux passes escape sequences through to the outer terminal
    (``set -g allow-passthrough on``, or ``all``), for the pane actviz runs in."""
    command = ["tmux", "show-options", "-Apv"]
    if os.environ.get("TMUX_PANE"):
        command += ["-t", os.environ["TMUX_PANE"]]
    try:
        done = subprocess.run([*command, "allow-passthrough"], capture_output=True, text=True, timeout=2)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip() in ("on", "all")
