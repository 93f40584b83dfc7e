"""The gradient of one class score with respect to the target layer's maps,
from the Keras backend's own autodiff: TensorFlow ``GradientTape``, JAX
``jax.value_and_grad``, PyTorch ``autograd``.

``maps_and_gradients(graph, inputs, class_index) -> (maps, gradients, logits, index)``:
maps and gradients (H, W, C) of the first sample (gradients None where the
score does not depend on the layer), the logits (units,) as numpy, and the
class used: ``class_index``, or with None the top logit, picked between the
forward and the backward pass (one pass each, no extra forward pass).
The gradient is taken with respect to the ``delta`` input of the score graph
(see score_graph), which equals the gradient with respect to the maps.
"""

from __future__ import annotations

import numpy as np

from actviz_tui.core.model.backend_env import backend_name


def maps_and_gradients(graph, inputs: list[np.ndarray], class_index: int):
    import keras

    delta = np.zeros((1, *graph.maps_shape), dtype=np.float32)
    compute = {"tensorflow": _tensorflow, "jax": _jax, "torch": _torch}[backend_name()]
    tensors = [keras.ops.convert_to_tensor(array) for array in inputs]  # Keras refuses arrays mixed with tensors
    maps, gradients, logits, index = compute(graph.model, tensors, delta, class_index)
    return maps[0], None if gradients is None else gradients[0], logits[0], index


def _chosen(class_index, logits) -> int:
    return int(np.argmax(np.asarray(logits)[0])) if class_index is None else class_index


def _tensorflow(model, inputs, delta, class_index):
    import tensorflow as tf

    delta = tf.constant(delta)
    with tf.GradientTape() as tape:
        tape.watch(delta)
        maps, logits = model([*inputs, delta], training=False)
        index = _chosen(class_index, logits)
        score = logits[:, index]
    gradients = tape.gradient(score, delta)
    return maps.numpy(), None if gradients is None else gradients.numpy(), logits.numpy(), index


def _jax(model, inputs, delta, class_index):
    import jax

    def forward(delta_value):
        return model([*inputs, delta_value], training=False)

    outputs, backward = jax.vjp(forward, jax.numpy.asarray(delta))
    maps, logits = outputs
    index = _chosen(class_index, logits)
    one_hot = jax.numpy.zeros_like(logits).at[0, index].set(1.0)
    (gradients,) = backward(type(outputs)([jax.numpy.zeros_like(maps), one_hot]))  # the model's list
    return np.asarray(maps), np.asarray(gradients), np.asarray(logits), index


def _torch(model, inputs, delta, class_index):
    import keras

    delta = keras.ops.convert_to_tensor(delta)
    delta.requires_grad_(True)
    maps, logits = model([*inputs, delta], training=False)
    index = _chosen(class_index, logits.detach().cpu().numpy())
    logits[0, index].backward()
    gradients = None if delta.grad is None else delta.grad.detach().cpu().numpy()
    return maps.detach().cpu().numpy(), gradients, logits.detach().cpu().numpy(), index
