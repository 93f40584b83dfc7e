"""Score-CAM is pytorch-grad-cam's variant (``pytorch_grad_cam/score_cam.py``): each channel,
upsampled bilinearly and min-max scaled, masks the input; the class LOGIT of each masked
input, softmaxed over the channels, weights the channels; ReLU. Written out here in numpy on
the bundled trained model. One difference: pytorch-grad-cam upsamples with
``UpsamplingBilinear2d`` (corner-aligned), actviz with half-pixel centres (as
``tf.image.resize`` and torch's ``interpolate(align_corners=False)``). With the same
upsampling the maps are equal; with the corner-aligned one they still correlate, but a softmax
over logits is sharp, so the slightly different masks move the weights (0.84 and 0.92 on the
sample). (tf-keras-vis' Scorecam differs more: no softmax, its weights are the user's score of
the model's output as it is.)"""

from __future__ import annotations

import numpy as np


def upsample(maps: np.ndarray, height: int, width: int, align_corners: bool) -> np.ndarray:
    """(h, w, C) -> (height, width, C) bilinearly: corner-aligned as torch's UpsamplingBilinear2d,
    else half-pixel centres ((i + 0.5) * h / height - 0.5, edges clamped)."""
    def weights(size, new_size):
        if align_corners:
            centres = np.linspace(0, size - 1, new_size)
        else:
            centres = np.clip((np.arange(new_size) + 0.5) * size / new_size - 0.5, 0, size - 1)
        low = np.floor(centres).astype(int)
        return low, np.minimum(low + 1, size - 1), centres - low

    (r0, r1, fr), (c0, c1, fc) = weights(maps.shape[0], height), weights(maps.shape[1], width)
    rows = maps[r0] * (1 - fr)[:, None, None] + maps[r1] * fr[:, None, None]
    return rows[:, c0] * (1 - fc)[None, :, None] + rows[:, c1] * fc[None, :, None]


def pytorch_grad_cam_score_cam(model, x: np.ndarray, layer_name: str, class_index: int,
                               align_corners: bool = True) -> np.ndarray:
    layers = model.keras_model.layers
    kernel, bias = layers[-1].get_weights()
    hidden = x
    for layer in layers:
        hidden = np.asarray(layer(hidden, training=False))
        if layer.name == layer_name:
            break
    activations = hidden[0]  # (h, w, C)

    def logits(batch):
        out = batch
        for layer in layers[:-1]:
            out = layer(out, training=False)
        z = (np.asarray(out) @ kernel + bias)[:, 0]
        return z if class_index == 1 else -z  # a one-unit sigmoid: class 1 = z, class 0 = -z

    upsampled = upsample(activations, *x.shape[1:3], align_corners)
    lows, highs = upsampled.min(axis=(0, 1)), upsampled.max(axis=(0, 1))
    masks = (upsampled - lows) / (highs - lows + 1e-8)  # (H, W, C)
    masked = x[0][None] * np.moveaxis(masks, -1, 0)[..., None]  # (C, H, W, colours)
    scores = np.concatenate([logits(masked[i:i + 32]) for i in range(0, len(masked), 32)])
    weights = np.exp(scores - scores.max())
    weights /= weights.sum()
    return np.maximum(np.einsum("hwc,c->hw", activations, weights), 0.0)


def test_score_cam_is_pytorch_grad_cams_formula(sample_h5, xray_opacity_png):
    from actviz_tui.core.model.engine import Model

    model = Model.open(sample_h5)
    x = model.prepare([xray_opacity_png])
    ours = model.explain(x, method="scorecam", classes=0, max_channels=None)
    same_upsampling = pytorch_grad_cam_score_cam(model, x, ours.layer, 0, align_corners=False)
    np.testing.assert_allclose(ours.layer_maps[0], same_upsampling / same_upsampling.max(), atol=1e-5)
    corner_aligned = pytorch_grad_cam_score_cam(model, x, ours.layer, 0)
    assert np.corrcoef(ours.layer_maps[0].ravel(), corner_aligned.ravel())[0, 1] > 0.8
