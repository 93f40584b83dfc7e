"""``evaluate_methods``: each heatmap method's faithfulness on N images, next to a random
map's (the floor every method must beat).

Every method explains the same class per image (``classes``, else each image's top
class), then its maps are scored by deletion and insertion (``causal``) and by
Average Drop and Increase (``averages``); means come with 95 % intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.evaluate.averages import average_drop, average_increase, masked_by_heatmap
from actviz_tui.core.evaluate.causal import causal_curves
from actviz_tui.core.evaluate.model_scores import class_scorer
from actviz_tui.core.evaluate.statistics import mean_interval

RANDOM = "random"  # the floor: a uniformly random map per image (seeded)
EXPLAINING = "(explaining)"  # progress labels: "occlusion (explaining)", then "occlusion" while scored


@dataclass(frozen=True)
class MethodScores:
    method: str
    deletion: np.ndarray  # (N,) AUC per image: lower is better
    insertion: np.ndarray  # (N,) higher is better
    average_drop: np.ndarray | None  # (N,) lower is better; None: the head gives no probabilities
    average_increase: np.ndarray | None  # (N,) higher is better; None likewise
    deletion_curve: np.ndarray  # (steps + 1,) the mean curve over the images
    insertion_curve: np.ndarray
    heatmaps: np.ndarray | None = None  # (N, H, W) the maps scored (the sanity check compares them)

    def summary(self) -> dict:
        deletion, deletion_low, deletion_high = mean_interval(self.deletion)
        insertion, insertion_low, insertion_high = mean_interval(self.insertion)
        return {
            "method": self.method, "deletion": deletion, "insertion": insertion,
            "deletion_ci": _interval(deletion_low, deletion_high, len(self.deletion)),
            "insertion_ci": _interval(insertion_low, insertion_high, len(self.insertion)),
            "average_drop": _mean_or_none(self.average_drop), "average_increase": _mean_or_none(self.average_increase),
            "n": int(len(self.deletion)),
        }


def _mean_or_none(values: np.ndarray | None) -> float | None:
    return None if values is None else float(values.mean())


def _interval(low: float, high: float, count: int) -> list[float] | None:
    """[low, high]; None for one image, where there is no spread to make an interval of."""
    return [low, high] if count > 1 else None


@dataclass(frozen=True)
class Evaluation:
    steps: int
    baseline: str
    classes: np.ndarray  # (N,) the class each image was explained and scored for
    fractions: np.ndarray  # (steps + 1,)
    methods: list[MethodScores] = field(default_factory=list)  # best (lowest deletion) first; the floor included

    def ranked(self) -> list[MethodScores]:
        return sorted(self.methods, key=lambda scores: float(scores.deletion.mean()))

    def as_json(self) -> dict:
        return {
            "images": int(len(self.classes)), "steps": self.steps, "baseline": self.baseline,
            "methods": [scores.summary() for scores in self.ranked()],
            "per_image": [
                {"image": index, "class": int(self.classes[index]),
                 **{scores.method: {"deletion": float(scores.deletion[index]),
                                    "insertion": float(scores.insertion[index])} for scores in self.methods}}
                for index in range(len(self.classes))
            ],
        }


def evaluate_methods(model, x, methods: Sequence[str], classes=None, steps: int = 20, baseline: str = "zero",
                     layer=None, output: int = 0, batch_size: int = 64, seed: int = 0,
                     progress: Callable[[str, int, int], None] | None = None,
                     should_stop: Callable[[], bool] | None = None,
                     method_options: dict | None = None) -> Evaluation:
    """Scores of each method (and the random floor) on the images of ``x``.

    ``progress(label, done, total)`` counts each method's masked inputs (label: the method),
    and an expensive method's perturbed inputs while it explains (label "METHOD (explaining)"); ``should_stop()``
    is asked before every batch (true: ``EvaluationCancelled``, or ``CamCancelled`` while an
    expensive method explains). ``method_options``: {NAME: value} for every method that has
    the option, {"METHOD.NAME": value} for one (``options_for``)."""
    options = dict(method_options or {})
    check_options(methods, options)
    first = model.explain(x, method=methods[0], classes=classes, layer=layer, output=output,
                          progress=_explaining(progress, methods[0]), should_stop=should_stop,
                          **options_for(methods[0], options))
    chosen = np.asarray(first.classes, dtype=np.int64)
    pictures, score = class_scorer(model, x, chosen, output)
    everyone = np.arange(len(pictures))
    whole = score(pictures, everyone)
    results, fractions = [], np.linspace(0.0, 1.0, steps + 1)
    for method in [*methods, RANDOM]:
        if method == RANDOM:
            heatmaps = np.random.default_rng(seed).random(pictures.shape[:3])
        elif method == methods[0]:
            heatmaps = first.heatmaps
        else:
            heatmaps = model.explain(x, method=method, classes=chosen, layer=layer, output=output,
                                     progress=_explaining(progress, method), should_stop=should_stop,
                                     **options_for(method, options)).heatmaps
        report = None if progress is None else (lambda done, total, name=method: progress(name, done, total))
        curves = causal_curves(score, pictures, heatmaps, steps, baseline, batch_size, report, should_stop)
        masked = score(masked_by_heatmap(pictures, heatmaps), everyone)
        fractions = curves.fractions
        confidence = score.probabilities  # Average Drop and Increase are defined on probabilities only
        results.append(MethodScores(
            method, curves.deletion_auc, curves.insertion_auc, average_drop(whole, masked) if confidence else None,
            average_increase(whole, masked) if confidence else None, curves.deletion.mean(axis=0),
            curves.insertion.mean(axis=0), heatmaps,
        ))
    return Evaluation(steps, baseline, chosen, fractions, results)


def _explaining(progress, method: str):
    """The explain progress of an expensive method, reported as "METHOD (explaining)"."""
    if progress is None:
        return None
    return lambda done, total: progress(f"{method} {EXPLAINING}", done, total)


def options_for(method: str, options: dict) -> dict:
    """The options meant for ``method`` ("scorecam.max_channels" or a bare name every method takes)."""
    from actviz_tui.core.explain.registry import method_entry

    known = method_entry(method).options
    scoped = {name.rpartition(".")[2]: value for name, value in options.items()
              if name.rpartition(".")[0] == method}
    return {**{name: value for name, value in options.items() if name in known}, **scoped}


def check_options(methods: Sequence[str], options: dict) -> None:
    """ActvizError for an option no chosen method has, or a METHOD.NAME whose method is not chosen."""
    from actviz_tui.core.explain.registry import method_entry

    entries = [method_entry(method) for method in methods]
    for name in options:
        method, dot, option = name.rpartition(".")
        if dot:
            if method not in methods:
                raise ActvizError(f"option {name}: {method} is not among the methods scored ({', '.join(methods)})")
            method_entry(method).settings({option: options[name]})
        elif not any(name in entry.options for entry in entries):
            raise ActvizError(f"no method scored has an option {name} ({_known(entries)})")
        else:
            for entry in entries:
                if name in entry.options:
                    entry.settings({name: options[name]})  # its value too: steps=0 is refused now


def _known(entries) -> str:
    known = [f"{entry.name}.{option}" for entry in entries for option in entry.options]
    return "their options: " + ", ".join(known) if known else "they take no options"
