"""The gradient of one class score with respect to the target layer's maps,
from the Keras backend's own autodiff: TensorFlow ``GradientTape``, JAX
``jax.value_and_grad``, PyTorch ``autograd``.

``maps_and_gradients(graph, inputs, class_index) -> (maps, gradients, logits)``:
maps and gradients (H, W, C) of the first sample (gradients None where the
score does not depend on the layer), the logits (units,) as numpy.
The gradient is taken with respect to the ``delta`` input of the score graph
(see score_graph), which equals the gradient with respect to the maps.
"""

from __future__ import annotations

import numpy as np

from actviz_tui.core.backend_env import backend_name


def maps_and_gradients(graph, inputs: list[np.ndarray], class_index: int):
    import keras

    delta = np.zeros((1, *graph.maps_shape), dtype=np.float32)
    compute = {"tensorflow": _tensorflow, "jax": _jax, "torch": _torch}[backend_name()]
    tensors = [keras.ops.convert_to_tensor(array) for array in inputs]  # Keras refuses arrays mixed with tensors
    maps, gradients, logits = compute(graph.model, tensors, delta, class_index)
    return maps[0], None if gradients is None else gradients[0], logits[0]


def _tensorflow(model, inputs, delta, class_index):
    import tensorflow as tf

    delta = tf.constant(delta)
    with tf.GradientTape() as tape:
        tape.watch(delta)
        maps, logits = model([*inputs, delta], training=False)
        score = logits[:, class_index]
    gradients = tape.gradient(score, delta)
    return maps.numpy(), None if gradients is None else gradients.numpy(), logits.numpy()


def _jax(model, inputs, delta, class_index):
    import jax

    def score(delta_value):
        maps, logits = model([*inputs, delta_value], training=False)
        return logits[0, class_index], (maps, logits)

    (_, (maps, logits)), gradients = jax.value_and_grad(score, has_aux=True)(jax.numpy.asarray(delta))
    return np.asarray(maps), np.asarray(gradients), np.asarray(logits)


def _torch(model, inputs, delta, class_index):
    import keras

    delta = keras.ops.convert_to_tensor(delta)
    delta.requires_grad_(True)
    maps, logits = model([*inputs, delta], training=False)
    logits[0, class_index].backward()
    gradients = None if delta.grad is None else delta.grad.detach().cpu().numpy()
    return maps.detach().cpu().numpy(), gradients, logits.detach().cpu().numpy()
