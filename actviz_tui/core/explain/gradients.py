"""A score graph's forward pass, or forward and backward pass, over a batch.

The backward pass uses the Keras backend's own autodiff: TensorFlow
``GradientTape``, JAX ``jax.vjp``, PyTorch ``autograd``.

``forward_backward(graph, inputs, seed_for)`` runs the batch forward, asks
``seed_for(output)`` for the backward pass's starting gradient (the classes
are picked from the output there, between the two passes), and returns the
maps, the raw output and the gradient with respect to the graph's ``wrt``
input (the delta at a layer, or the image input), in the model's layout. In
inference mode the samples of a batch do not interact, so the gradient of
sum_i score[i, class_i] holds each sample's own gradient.
"""

from __future__ import annotations

import numpy as np

from actviz_tui.core.model.backend_env import backend_name


def graph_inputs(graph, inputs: list[np.ndarray]) -> list[np.ndarray]:
    """The model inputs, plus the zero delta of a layer target."""
    arrays = [np.asarray(array, dtype=np.float32) for array in inputs]
    if graph.row is not None:
        arrays.append(np.zeros(graph.delta_shape_for(arrays), dtype=np.float32))
    return arrays


def forward(graph, inputs: list[np.ndarray]) -> tuple[np.ndarray | None, np.ndarray]:
    """(maps or None, raw output) as numpy."""
    import keras

    outputs = _as_list(graph.model(graph_inputs(graph, inputs), training=False))
    arrays = [keras.ops.convert_to_numpy(tensor) for tensor in outputs]
    return (arrays[0] if len(arrays) == 2 else None), arrays[-1]


def forward_outputs(graph, inputs: list[np.ndarray]) -> np.ndarray:
    """The raw output alone: a batch through ``predict_on_batch``, the backend's compiled step
    (called eagerly, op by op, the chest sample ran 0.6x as fast: benchmarks/bench_evaluate.py);
    one picture eagerly (no tracing for it)."""
    if len(inputs[0]) == 1:
        return forward(graph, inputs)[1]
    result = graph.model.predict_on_batch(graph_inputs(graph, inputs))
    return np.asarray(result[-1] if isinstance(result, (list, tuple)) else result)


def forward_backward(graph, inputs: list[np.ndarray], seed_for):
    """(maps or None, raw output, gradient at ``graph.wrt`` or None when not connected)."""
    import keras

    compute = {"tensorflow": _tensorflow, "jax": _jax, "torch": _torch}[backend_name()]
    tensors = [keras.ops.convert_to_tensor(array) for array in graph_inputs(graph, inputs)]
    return compute(graph.model, tensors, graph.wrt, seed_for)


def _as_list(outputs) -> list:
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def _split(outputs):
    outputs = _as_list(outputs)
    return (outputs[0] if len(outputs) == 2 else None), outputs[-1]


def _tensorflow(model, tensors, wrt, seed_for):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        tape.watch(tensors[wrt])
        maps, output = _split(model(tensors, training=False))
    seed = tf.constant(seed_for(output.numpy()))
    gradient = tape.gradient(output, tensors[wrt], output_gradients=seed)
    return None if maps is None else maps.numpy(), output.numpy(), None if gradient is None else gradient.numpy()


def _jax(model, tensors, wrt, seed_for):
    import jax

    def run(value):
        return model([*tensors[:wrt], value, *tensors[wrt + 1:]], training=False)

    outputs, backward = jax.vjp(run, tensors[wrt])
    maps, output = _split(outputs)
    seed = jax.numpy.asarray(seed_for(np.asarray(output)))
    if isinstance(outputs, (list, tuple)):
        cotangent = type(outputs)([*(jax.numpy.zeros_like(t) for t in outputs[:-1]), seed])  # the model's list
    else:
        cotangent = seed
    (gradient,) = backward(cotangent)
    return None if maps is None else np.asarray(maps), np.asarray(output), np.asarray(gradient)


def _torch(model, tensors, wrt, seed_for):
    import torch

    tensors[wrt].requires_grad_(True)
    maps, output = _split(model(tensors, training=False))
    raw = output.detach().cpu().numpy()
    output.backward(torch.as_tensor(seed_for(raw), device=output.device))
    gradient = tensors[wrt].grad
    return (None if maps is None else maps.detach().cpu().numpy(), raw,
            None if gradient is None else gradient.detach().cpu().numpy())
