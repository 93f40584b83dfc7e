"""Method options as typed: the K prompt's NAME=VALUE words and the CLI's --cam-option."""

from __future__ import annotations

import pytest

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.explain.method_options import option_assignments, option_value
from actviz_tui.ui.views.method_prompt import parse_method


@pytest.mark.parametrize("text, value", [("32", 32), ("0.1", 0.1), ("1e-3", 1e-3), ("none", None), ("None", None),
                                         ("true", True), ("False", False), ("zero", "zero"), (" 7 ", 7)])
def test_values_are_read_as_the_number_or_word_they_spell(text, value):
    assert option_value(text) == value and type(option_value(text)) is type(value)


def test_assignments_need_a_name_and_an_equals_sign():
    assert option_assignments(["steps=8", "noise=0.2"]) == {"steps": 8, "noise": 0.2}
    for bad in ["steps", "=3"]:
        with pytest.raises(ActvizError, match="NAME=VALUE"):
            option_assignments([bad])


def test_the_prompt_passes_options_the_method_has_and_names_those_it_has_not():
    assert parse_method("integrated_gradients steps=8") == ("integrated_gradients", (("steps", 8),))
    assert parse_method("SmoothGrad samples=3 noise=0.1") == ("smoothgrad", (("noise", 0.1), ("samples", 3)))
    assert parse_method("scorecam max_channels=none") == ("scorecam", (("max_channels", None),))
    with pytest.raises(ValueError, match=r"Grad-CAM has no option steps \(its options: none\)"):
        parse_method("gradcam steps=3")
    with pytest.raises(ValueError, match="Integrated Gradients has no option sample"):
        parse_method("integrated_gradients sample=3")
    with pytest.raises(ValueError, match="default method takes no options"):
        parse_method("default steps=3")


def test_the_prompt_takes_best():
    assert parse_method("best") == ("best", ())
    with pytest.raises(ValueError, match="the best method takes no options"):
        parse_method("best steps=3")


@pytest.mark.parametrize("method, options, message", [
    ("integrated_gradients", {"steps": 0}, "Integrated Gradients option steps is a count of path steps, 1 or more"),
    ("integrated_gradients", {"steps": 2.5}, "not 2.5"),
    ("integrated_gradients", {"baseline": "blur"}, "option baseline is a number"),
    ("smoothgrad", {"samples": 0}, "SmoothGrad option samples"),
    ("smoothgrad", {"noise": -0.1}, "option noise is a number (0 or more)"),
    ("rise", {"p": 2}, "RISE's p is the probability"),
])
def test_bad_option_values_are_refused_before_any_work(method, options, message):
    from actviz_tui.core.explain import METHODS

    with pytest.raises(ActvizError, match=message.replace("(", r"\(").replace(")", r"\)")):
        METHODS[method].settings(options)
    with pytest.raises(ValueError, match="option|RISE"):
        parse_method(f"{method} " + " ".join(f"{k}={v}" for k, v in options.items()))
