"""The objective's value and its gradient with respect to the spectrum, from the Keras
backend's own autodiff: TensorFlow ``GradientTape``, JAX ``jax.vjp``, PyTorch autograd.

``gradient_step(objective)`` returns ``step(params, moves, onehot) -> (values, gradient)``:
``objective(params, moves, onehot)`` maps the (N, ...) spectrum, the (N, 8)
transforms and the (N, channels) choice of each image's channel to (N,) values
in Keras ops. The images of a batch do not interact (inference
mode), so the gradient of the sum holds each image's own gradient. TensorFlow's
and JAX's steps are compiled once (``tf.function``, ``jax.jit``): in a graph,
the convolutions' weight gradients nobody asked for are pruned. Values and
gradient come back as numpy; the gradient is None where the objective does not
depend on the spectrum (a layer on another input's branch).
"""

from __future__ import annotations

import numpy as np

from actviz_tui.core.model.backend_env import backend_name


def gradient_step(objective):
    build = {"tensorflow": _tensorflow, "jax": _jax, "torch": _torch}[backend_name()]
    return build(objective)


def _tensorflow(objective):
    import tensorflow as tf

    @tf.function(reduce_retracing=True)
    def compiled(params, moves, onehot):
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch(params)
            values = objective(params, moves, onehot)
        gradient = tape.gradient(values, params)
        return values, (tf.zeros([0]) if gradient is None else gradient)

    def step(params, moves, onehot):
        values, gradient = compiled(tf.constant(params), tf.constant(moves), tf.constant(onehot))
        gradient = gradient.numpy()
        return values.numpy(), (gradient if gradient.size else None)

    return step


def _jax(objective):
    import jax

    def both(params, moves, onehot):
        values, backward = jax.vjp(lambda p: objective(p, moves, onehot), params)
        (gradient,) = backward(jax.numpy.ones_like(values))
        return values, gradient

    compiled = jax.jit(both)

    def step(params, moves, onehot):
        values, gradient = compiled(jax.numpy.asarray(params), jax.numpy.asarray(moves), jax.numpy.asarray(onehot))
        return np.asarray(values), np.asarray(gradient)  # zeros where unconnected: target.py refuses those first

    return step


def _torch(objective):
    import keras
    import torch

    def step(params, moves, onehot):
        tensor = keras.ops.convert_to_tensor(params).detach().requires_grad_(True)
        values = objective(tensor, keras.ops.convert_to_tensor(moves), keras.ops.convert_to_tensor(onehot))
        # autograd.grad, not backward(): nothing accumulates in the user's weights' .grad
        (gradient,) = torch.autograd.grad(values.sum(), tensor, allow_unused=True)
        return values.detach().cpu().numpy(), (None if gradient is None else gradient.cpu().numpy())

    return step
