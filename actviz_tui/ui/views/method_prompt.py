"""What the class map's K reads: a heatmap method by name, and its options.

"scorecam" (64 channels, the default cap), "scorecam all", "scorecam 128",
"occlusion", "Grad-CAM++", "integrated_gradients steps=64", "smoothgrad
samples=10 noise=0.1", "best" (the quick method of lowest deletion AUC),
"default". Names are matched without case, spaces, dashes or underscores,
against the registry's names and titles; options are NAME=VALUE words,
checked against the method's own.
"""

from __future__ import annotations

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.evaluate.best import BEST
from actviz_tui.core.explain import METHODS
from actviz_tui.core.explain.method_options import option_assignments

CHANNEL_OPTION = "max_channels"  # Score-CAM's cap; 0: every channel
PROMPT_QUESTION = "Method by name (Score-CAM, occlusion: slow on a CPU):"
PROMPT_EXAMPLE = "scorecam, scorecam all, occlusion"  # fits the prompt at 80 columns
NAMES_HELP = ("scorecam, scorecam all, scorecam 128, occlusion, integrated_gradients steps=64, gradcam, "
              "best (lowest deletion AUC), default")


def _key(text: str) -> str:
    return "".join(text.lower().replace("-", "").replace("_", "").split())


def parse_method(answer: str) -> tuple[str | None, tuple]:
    """(method or None for the default, its options as (name, value) pairs); ValueError: why not."""
    words = answer.split()
    names = {_key(name): name for name in METHODS} | {_key(m.title): name for name, m in METHODS.items()}
    names[BEST] = BEST  # the quick method of lowest deletion AUC on the image (core.evaluate.best)
    if not words or (_key(words[0]) not in names and _key(words[0]) != "default"):
        known = ", ".join(["default", BEST, *METHODS])
        raise ValueError(f"no class heatmap method {answer.strip()!r}: one of {known}")
    method = names.get(_key(words[0]))
    rest = [word for word in words[1:] if word.lower() != "channels"]
    if not rest:
        return method, ()
    if any("=" in word for word in rest):
        return method, _assigned_options(method, rest)
    if method in (None, BEST) or CHANNEL_OPTION not in METHODS[method].options or len(rest) > 1:
        raise ValueError(f"{words[0]} takes no more than its name and NAME=VALUE options "
                         "(a bare channel count is Score-CAM's: scorecam 128)")
    if rest[0].lower() == "all":
        return method, ((CHANNEL_OPTION, 0),)
    if not rest[0].isdigit() or int(rest[0]) < 1:
        raise ValueError(f"Score-CAM takes a channel count (1, 2, ...) or 'all', not {rest[0]!r}")
    return method, ((CHANNEL_OPTION, int(rest[0])),)


def _assigned_options(method: str | None, words: list[str]) -> tuple:
    if method in (None, BEST):
        raise ValueError(f"{'the ' + (method or 'default')} method takes no options: name one "
                         "(e.g. integrated_gradients steps=64)")
    try:
        options = option_assignments(words)
        METHODS[method].settings(options)  # an unknown name: why, with the method's options
    except ActvizError as error:
        raise ValueError(str(error)) from None
    return tuple(sorted(options.items()))
