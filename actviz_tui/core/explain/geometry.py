"""Where each cell of a layer's maps sits on the input: centre = offset + i * stride.

Stretching a 7x7 map over a 150x150 input (what most Grad-CAM code does)
misplaces its outer cells: with "valid" convolutions and pooling the maps
cover a shrunken, shifted part of the input (on the bundled sample, cell 6's
receptive field is centred at pixel 118.5, not 139). For a plain chain of
layers (a Sequential of convolutions, pooling and shape-keeping layers) the
centres follow from each layer's kernel, stride and padding; anything else
(branches, nested models, cropping) returns None and the map is stretched.
"""

from __future__ import annotations

Axis = tuple[float, float]  # (offset, stride) in input pixels, pixel centres at integers

SHAPE_KEEPING = (
    "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "BatchNormalization", "LayerNormalization",
    "Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "Rescaling", "Normalization",
)


def cell_geometry(model, row: int) -> tuple[Axis, Axis] | None:
    """``model``: the engine's Model; None unless a plain Sequential chain leads to ``row``."""
    import keras

    sequential = model.keras_model
    if not isinstance(sequential, keras.Sequential) or model.layers[row].depth != 0:
        return None
    axes = [(0.0, 1.0), (0.0, 1.0)]
    for info, layer in zip(model.layers[: row + 1], sequential.layers):
        if info.type in SHAPE_KEEPING or info.type == "InputLayer":
            continue
        window = getattr(layer, "kernel_size", None) or getattr(layer, "pool_size", None)
        strides, padding = getattr(layer, "strides", None), getattr(layer, "padding", None)
        if window is None or strides is None or padding not in ("valid", "same") or _dilated(layer):
            return None
        axes = [_step(axis, k, s, padding) for axis, k, s in zip(axes, window, strides)]
    return axes[0], axes[1]


def _step(axis: Axis, window: int, stride: int, padding: str) -> Axis:
    offset, spacing = axis
    pad_before = max(window - stride, 0) // 2 if padding == "same" else 0
    return offset + spacing * ((window - 1) / 2 - pad_before), spacing * stride


def _dilated(layer) -> bool:
    rate = getattr(layer, "dilation_rate", 1)
    return any(r != 1 for r in (rate if isinstance(rate, (tuple, list)) else (rate,)))
