"""Faithfulness in a worker: each heatmap method's deletion and insertion AUC on the shown image.

``faithfulness_job`` runs ``core.evaluate.evaluate_methods`` on the one image, for
the class and layer the class map shows, with few steps (``EXPLORER_STEPS``: an
answer in seconds, not the CLI's 20). It reports each method's masked inputs
(``FaithfulnessProgress``) and ends with ``FaithfulnessDone``: the methods best
(lowest deletion) first, the random floor among them, or cancelled, or why not.
``should_stop`` is asked before every batch: Esc, or another image, class or layer,
stops the run there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from textual.message import Message

from actviz_tui.core.errors import ActvizError, one_line

EXPLORER_STEPS = 10  # the CLI's default is 20; 10 keeps the explorer's answer quick (11 model calls a curve)
RANDOM_TITLE = "random (floor)"


@dataclass(frozen=True)
class FaithfulnessKey:
    """What one run measures: these methods, for this class (None: the top one) at this layer."""

    image: str | None
    methods: tuple[str, ...]
    class_index: int | None = None
    layer: int | None = None  # table row of the CAM layer; None: the default layer
    steps: int = EXPLORER_STEPS


@dataclass(frozen=True)
class FaithfulnessRow:
    method: str  # a key of core.explain.METHODS, or "random"
    title: str
    deletion: float  # AUC: lower is better
    insertion: float  # AUC: higher is better


@dataclass
class FaithfulnessProgress(Message):
    key: FaithfulnessKey
    finished: int  # methods measured (the random floor is the last)
    total: int  # methods, the floor included
    method: str  # the one being measured now
    done: int  # its masked inputs scored (while it explains: its perturbed inputs run, if it runs any)
    inputs: int  # of that many (0 while a method without perturbed runs explains)
    explaining: bool = False  # an expensive method is still making its map

    @property
    def text(self) -> str:
        """"faithfulness: 3/6 methods, gradcam 12/22 masked inputs" (the status line, the panel)."""
        if self.explaining or not self.inputs:
            counts = f" {self.done}/{self.inputs} perturbed inputs" if self.inputs else ""
            now = f"{self.method} explaining{counts}"
        else:
            now = f"{self.method} {self.done}/{self.inputs} masked inputs"
        return f"faithfulness: {self.finished}/{self.total} methods, {now}"


@dataclass
class FaithfulnessDone(Message):
    key: FaithfulnessKey
    rows: list[FaithfulnessRow] = field(default_factory=list)  # best (lowest deletion) first
    cancelled: bool = False
    error: str = ""  # why there are no rows

    @property
    def text(self) -> str:
        """The status line's: cancelled, why not, or the best method against the floor."""
        if self.cancelled or self.error:
            return f"faithfulness: {self.error or 'cancelled'}"
        best, floor = self.rows[0], next(row for row in self.rows if row.method == "random")
        methods = [row for row in self.rows if row.method != "random"]
        if len(methods) > 1 and all(f"{row.deletion:.3f}" == f"{best.deletion:.3f}" for row in methods):
            return f"faithfulness: all {len(methods)} methods tie, deletion {best.deletion:.3f} " \
                   f"(random {floor.deletion:.3f})"
        return f"faithfulness: best {best.title}, deletion {best.deletion:.3f} (random {floor.deletion:.3f})"


def ranked_rows(evaluation) -> list[FaithfulnessRow]:
    """An ``Evaluation`` of one image as table rows, best first."""
    from actviz_tui.core.explain import METHODS

    return [
        FaithfulnessRow(scores.method, METHODS[scores.method].title if scores.method in METHODS else RANDOM_TITLE,
                        float(scores.deletion[0]), float(scores.insertion[0]))
        for scores in evaluation.ranked()
    ]


def faithfulness_job(results, key: FaithfulnessKey, reply: Callable[[Message], None],
                     should_stop: Callable[[], bool]) -> Callable[[], None]:
    """The work of one run, for a worker thread; ``reply`` delivers a message on the UI thread."""
    from actviz_tui.core.evaluate.evaluation import EXPLAINING

    order = [*key.methods, "random"]

    def progress(label: str, done: int, total: int) -> None:
        method = label.removesuffix(f" {EXPLAINING}")
        if method != label:  # an expensive method's own perturbed runs, before its map is scored
            reply(FaithfulnessProgress(key, order.index(method), len(order), method, done, total, explaining=True))
            return
        finished = order.index(method) + (done == total)
        if done == total and finished < len(order):  # the next one explains before its first batch
            reply(FaithfulnessProgress(key, finished, len(order), order[finished], 0, 0))
        else:
            reply(FaithfulnessProgress(key, finished, len(order), method, done, total))

    def job() -> None:
        from actviz_tui.core.evaluate.causal import EvaluationCancelled
        from actviz_tui.core.evaluate.evaluation import evaluate_methods
        from actviz_tui.core.explain import CamCancelled

        reply(FaithfulnessProgress(key, 0, len(order), order[0], 0, 0))
        classes = None if key.class_index is None else [key.class_index]
        try:
            evaluation = evaluate_methods(results.model, results.batch, list(key.methods), classes=classes,
                                          steps=key.steps, layer=key.layer, progress=progress,
                                          should_stop=should_stop)
        except (EvaluationCancelled, CamCancelled):
            reply(FaithfulnessDone(key, cancelled=True))
            return
        except ActvizError as error:  # no such class, no layer to explain at...: the panel says why
            reply(FaithfulnessDone(key, error=str(error)))
            return
        except Exception as error:  # a bug or a backend failure: the panel says so, the bridge reports it
            reply(FaithfulnessDone(key, error=f"{type(error).__name__}: {one_line(error)}"))
            raise
        reply(FaithfulnessDone(key, ranked_rows(evaluation)))

    return job
