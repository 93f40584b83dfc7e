"""``--cam-method best``: the heatmap method with the lowest deletion AUC on the given images.

    choice = best_method(model, x)          # among the quick methods (``cheap_methods()``)
    choice.method, choice.deletion, choice.reason   # "layercam", 0.089, "best of 7 by deletion AUC on 1 image: 0.089"

The candidates are scored together by ``evaluate_methods`` (same classes, steps and
baseline for each); the random floor is scored there too but is never chosen. Ties
go to the method registered first. ``best_explanation`` is ``Model.explain``'s
``method="best"``: the chosen method's explanation, its reason and title saying so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Mapping, Sequence

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.evaluate.causal import EvaluationCancelled
from actviz_tui.core.evaluate.evaluation import RANDOM, Evaluation, check_options, evaluate_methods, options_for

BEST = "best"  # what users type for the method: --cam-method best
DEFAULT_STEPS = 10  # deletion steps: 11 model calls per method and image


@dataclass(frozen=True)
class BestChoice:
    method: str  # a key of core.explain.METHODS
    deletion: float  # its mean deletion AUC over the images (lower is better)
    candidates: int  # how many methods were scored (the random floor not counted)
    images: int
    evaluation: Evaluation  # every candidate's scores, the floor's too
    tied: int = 1  # how many candidates share the lowest deletion (the first of them is chosen)

    @property
    def label(self) -> str:
        """What a title puts before the method's name: "best of 4 by deletion"."""
        return f"best of {self.candidates} by deletion"

    @property
    def reason(self) -> str:
        images = f"{self.images} image" + ("" if self.images == 1 else "s")
        if self.tied > 1:
            return (f"{self.tied} of {self.candidates} tie by deletion AUC on {images}: {self.deletion:.3f}; "
                    f"the first of them taken")
        return f"best of {self.candidates} by deletion AUC on {images}: {self.deletion:.3f}"


def best_method(model, x, classes=None, layer=None, output: int = 0, steps: int = DEFAULT_STEPS,
                baseline: str = "zero", methods: Sequence[str] | None = None,
                progress: Callable[[str, int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None,
                method_options: Mapping | None = None) -> BestChoice:
    """The candidate (``methods``, else the quick ones) with the lowest mean deletion AUC on ``x``.

    ``method_options``, ``progress(label, done, total)`` and ``should_stop()`` as
    ``evaluate_methods``' (an option no candidate has is refused before anything runs)."""
    candidates = _candidates(methods, model, layer)
    options = dict(method_options or {})
    _check(candidates, options)
    evaluation = evaluate_methods(model, x, candidates, classes=classes, steps=steps, baseline=baseline,
                                  layer=layer, output=output, progress=progress, should_stop=should_stop,
                                  method_options=options)
    means = {scores.method: float(scores.deletion.mean()) for scores in evaluation.methods
             if scores.method != RANDOM}
    chosen = min(candidates, key=lambda name: (means[name], candidates.index(name)))
    tied = sum(1 for name in candidates if means[name] == means[chosen])
    return BestChoice(chosen, means[chosen], len(candidates), len(evaluation.classes), evaluation, tied)


def best_explanation(model, x, classes=None, layer=None, output: int = 0, progress=None, should_stop=None,
                     **options):
    """``Model.explain(x, method="best", ...)``: the best quick method's ``Explanation``, its
    ``reason`` the choice's and its title starting "best of N by deletion: ".
    ``progress(done, total)`` counts the masked inputs of every candidate together; a stop
    asked by ``should_stop()`` raises ``CamCancelled``, as for any class heatmap."""
    from actviz_tui.core.explain import CamCancelled

    candidates = _candidates(None, model, layer)
    try:
        choice = best_method(model, x, classes=classes, layer=layer, output=output,
                             progress=_overall(progress, candidates), should_stop=should_stop, method_options=options)
    except EvaluationCancelled as stopped:  # what any class heatmap's caller already expects
        raise CamCancelled(str(stopped)) from None
    explanation = model.explain(x, method=choice.method, classes=choice.evaluation.classes, layer=layer,
                                output=output, should_stop=should_stop, **options_for(choice.method, options))
    return replace(explanation, reason=choice.reason, chosen_by=choice.label)


def _candidates(methods: Sequence[str] | None, model, layer) -> list[str]:
    """The methods to score, in registration order, each once; never the random floor. The
    quick ones on a layer are left out where the model has no layer with spatial maps."""
    from actviz_tui.core.explain import METHODS, cam_layers, cheap_methods, method_entry

    names = list(cheap_methods()) if methods is None else [method_entry(name).name for name in methods]
    if methods is None and layer is None and not cam_layers(model):
        names = [name for name in names if METHODS[name].target == "input"]
    chosen = [name for name in METHODS if name in names]
    if not chosen:
        raise ActvizError("best: no method to choose from")
    return chosen


def _check(candidates: list[str], options: dict) -> None:
    try:
        check_options(candidates, options)
    except ActvizError as error:
        raise ActvizError(f"best chooses among {', '.join(candidates)}: {error}") from None


def _overall(progress, candidates: list[str]):
    """evaluate's ``(method, done, total)`` as ``(done, total)`` over every candidate and the floor."""
    if progress is None:
        return None
    order = [*candidates, RANDOM]

    def report(label: str, done: int, total: int) -> None:
        if label in order:  # not an expensive candidate's "METHOD (explaining)"
            progress(order.index(label) * total + done, len(order) * total)

    return report


def check_best_options(model, options: Mapping, layer=None) -> None:
    """ActvizError, before anything runs, for an option none of best's candidates takes."""
    _check(_candidates(None, model, layer), dict(options))
