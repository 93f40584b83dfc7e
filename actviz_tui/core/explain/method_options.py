"""Method options as users type them: ``steps=32``, ``noise=0.1``, ``max_channels=none``.

``option_value`` reads a value as an int, a float, None ("none"), a bool
("true"/"false"), else keeps the text; ``option_assignments`` reads
``NAME=VALUE`` words into a dict. The method's entry checks the names
(``Method.settings``)."""

from __future__ import annotations

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
