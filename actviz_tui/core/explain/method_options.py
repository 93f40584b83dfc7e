"""Method options as users type them: ``steps=32``, ``noise=0.1``, ``max_channels=none``.

``option_value`` reads a value as an int, a float, None ("none"), a bool
("true"/"false"), else keeps the text; ``option_assignments`` reads
``NAME=VALUE`` words into a dict. The method's entry checks the names
(``Method.settings``)."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Iterable

from actviz_tui.core.errors import ActvizError

WORDS = {"none": None, "true": True, "false": False}


def option_value(text: str):
    cleaned = text.strip()
    if cleaned.lower() in WORDS:
        return WORDS[cleaned.lower()]
    for kind in (int, float):
        try:
            return kind(cleaned)
        except ValueError:
            pass
    return cleaned


def option_assignments(words: Iterable[str]) -> dict:
    """{"steps": 32} from ["steps=32"]; ActvizError for a word without a name and a "="."""
    options = {}
    for word in words:
        name, equals, value = word.partition("=")
        if not equals or not name.strip():
            raise ActvizError(f"a method option is NAME=VALUE (e.g. steps=32), not {word!r}")
        options[name.strip()] = option_value(value)
    return options


def require_count(method: str, name: str, value, least: int = 1, what: str = "a whole number") -> None:
    """ActvizError unless ``value`` is an int >= ``least`` (a method's ``check``)."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < least:
        raise ActvizError(f"{method} option {name} is {what}, {least} or more: not {value!r}")


def require_number(method: str, name: str, value, least: float | None = None) -> None:
    """ActvizError unless ``value`` is a number (>= ``least`` when given)."""
    if isinstance(value, bool) or not isinstance(value, Real) or (least is not None and value < least):
        bound = "" if least is None else f" ({least} or more)"
        raise ActvizError(f"{method} option {name} is a number{bound}: not {value!r}")
