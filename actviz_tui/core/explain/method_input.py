"""What a method's ``compute`` gets, and the runs of perturbed copies of the input.

``MethodInput``: the batch, the classes, the target's maps and gradients, and
``runs`` to score perturbed copies of the pictures.

``runs.scores(owners, build)``: ``owners[j]`` is the image the j-th perturbed
picture belongs to (its other inputs and its class are that image's);
``build(indices) -> (k, H, W, C)`` makes pictures ``indices`` on demand, so
memory holds one batch at a time (``batch_sizes``: about 2 s of work each).
``runs.gradients(owners, build)`` does the same with a backward pass and
also returns each picture's gradient at the method's target (for
integrated gradients, SmoothGrad...). Both call ``progress(0, total)``
before the first batch and ``progress(done, total)`` after each (counts of
perturbed pictures), check ``should_stop()`` before every batch (true:
``CamCancelled``), and hand the freed memory back to the OS when done.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.explain.batch_sizes import BatchSizes, batch_cap
from actviz_tui.core.explain.gradients import forward_backward, forward_outputs
from actviz_tui.core.explain.pictures import channels_last, to_model_layout, to_pictures
from actviz_tui.core.model.native_memory import release_freed_memory


class CamCancelled(ActvizError):
    """should_stop() asked a running explanation (Score-CAM, occlusion...) to stop."""


class PerturbedRuns:
    """Runs the score graph over pictures derived from the batch's images."""

    def __init__(self, graph, inputs, image_index, image_info, classes, target_channels_first,
                 progress=None, should_stop=None, activation_bytes=0):
        self.graph, self.inputs, self.image_index, self.image_info = graph, inputs, image_index, image_info
        self.classes = np.asarray(classes)
        self.target_channels_first = target_channels_first
        self.progress, self.should_stop = progress, should_stop
        self.activation_bytes = activation_bytes  # the model's layer outputs for one image (batch_sizes)

    def scores(self, owners, build, probabilities: bool = False) -> np.ndarray:
        """(k,): each perturbed picture's score for its image's class (its logit); with
        ``probabilities``, its probability where the head has a softmax or sigmoid."""
        found = [self._scores(output, chunk, probabilities)
                 for chunk, (_, output) in self._batches(owners, build, self._forward)]
        return np.concatenate(found) if found else np.zeros(0)

    def gradients(self, owners, build) -> tuple[np.ndarray, np.ndarray]:
        """(k,) scores and (k, h, w, C) gradients at the target, channels last."""
        scores, gradients = [], []
        for chunk, (output, gradient) in self._batches(owners, build, self._forward_backward):
            scores.append(self._scores(output, chunk))
            gradients.append(self.target_layout(gradient))
        return np.concatenate(scores), np.concatenate(gradients)

    def target_layout(self, array: np.ndarray) -> np.ndarray:
        """A gradient or maps at the target, as (N, h, w, C)."""
        if self.graph.row is None:
            return to_pictures(array, self.image_info)
        return channels_last(array, self.target_channels_first)

    def _forward(self, inputs, chunk):
        return None, forward_outputs(self.graph, inputs)

    def _forward_backward(self, inputs, chunk):
        seed = lambda raw: self.graph.scores.seed(raw.shape, self.classes[chunk])  # noqa: E731
        _, output, gradient = forward_backward(self.graph, inputs, seed)
        return output, gradient

    def _scores(self, output, chunk, probabilities: bool = False) -> np.ndarray:
        values = self.graph.scores.probabilities(output, self.graph.activation) if probabilities else None
        if values is None:
            values = self.graph.scores.scores(output)
        return values[np.arange(len(chunk)), self.classes[chunk]]

    def _batches(self, owners, build, run):
        """Yields (owners of the batch, run's result) batch by batch."""
        owners = np.asarray(owners, dtype=int)
        total, start = len(owners), 0
        sizes = BatchSizes(batch_cap(self.inputs[self.image_index][0], self.activation_bytes))
        self._report(0, total)
        try:
            while start < total:
                if self.should_stop is not None and self.should_stop():
                    raise CamCancelled(f"explanation cancelled after {start} of {total} perturbed inputs")
                indices = np.arange(start, min(start + sizes.next(), total))
                chunk, began = owners[indices], time.perf_counter()
                result = run(self._model_inputs(build(indices), chunk), chunk)
                sizes.ran(len(indices), time.perf_counter() - began)
                start += len(indices)
                yield chunk, result
                self._report(start, total)
        finally:
            release_freed_memory()

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def _model_inputs(self, pictures: np.ndarray, chunk: np.ndarray) -> list[np.ndarray]:
        image = to_model_layout(np.asarray(pictures, dtype=np.float32), self.image_info)
        return [image if i == self.image_index else array[chunk] for i, array in enumerate(self.inputs)]


@dataclass
class MethodInput:
    pictures: np.ndarray  # (N, H, W, C) float32: the image input, channels last
    classes: np.ndarray  # (N,) int: each image's class
    base_scores: np.ndarray  # (N,) float64: each image's score for its class
    maps: np.ndarray  # (N, h, w, C) float64: the target layer's maps (an input target: the pictures)
    gradients: np.ndarray | None  # like maps: d score / d maps (methods with gradients), else None
    target_name: str  # the layer's name, "input" for the input
    runs: PerturbedRuns
