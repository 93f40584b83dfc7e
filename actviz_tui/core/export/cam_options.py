"""``--cam-option NAME=VALUE``: any option of the class heatmap's method, from the command line.

    --cam-method integrated_gradients --cam-option steps=64
    --cam-method smoothgrad --cam-option samples=10 --cam-option noise=0.1

A value is read as an int ("64"), a float ("0.1"), None ("none"), a bool ("true",
"false"), else kept as text (``core.explain.method_options``). The options travel in the cam request's ``options``
beside its own keys (``OWN_KEYS``); ``check_method_options`` refuses, before anything
is drawn, an option the method does not have (``Method.settings``' message names its
options). With ``--cam-method best`` each option goes to the candidates that take it
("METHOD.NAME": to that one), as ``actviz evaluate``'s do.
"""

from __future__ import annotations

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.explain.method_options import option_assignments

OWN_KEYS = frozenset({"class", "method", "cmap", "layer_row"})  # the request's keys that are no method option
FLAG = "--cam-option"


def parse_cam_options(given: list[str] | None) -> dict:
    """``["steps=64", "noise=0.1"]`` -> ``{"steps": 64, "noise": 0.1}``; a repeated name: the last wins."""
    try:
        options = option_assignments(given or [])
    except ActvizError as error:
        raise ActvizError(f"{FLAG}: {error}") from None
    for name in options:
        if name in OWN_KEYS:
            raise ActvizError(f"{FLAG} {name}: not a method option (--cam and --cam-method set it)")
    return options


def method_options(options: dict) -> dict:
    """The method's options among a cam request's ``options``."""
    return {name: value for name, value in options.items() if name not in OWN_KEYS}


def check_method_options(model, method: str, options: dict, layer=None) -> None:
    """ActvizError (one line naming the method's options) for an option ``method`` does not
    take; for "best", one that none of its candidates takes."""
    from actviz_tui.core.evaluate.best import BEST, check_best_options
    from actviz_tui.core.explain import method_entry

    if method == BEST:
        check_best_options(model, options, layer)
    else:
        method_entry(method).settings(options)
