"""A layer's learned filters as pictures: kernels, colour patches, norms.

Pure numpy over ``layer.get_weights()``. Convolution-like kernels become a
stack ``(height, width, inputs, filters)``: one output filter is its kernels
across its input channels. A first convolution over RGB also reads as colour
patches, one over a single channel (grayscale, depthwise) as one tile per
filter. Dense (and any other) weights become one 2-D matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actviz_tui.core.pictures.colormap import vector_block
from actviz_tui.core.errors import LayerLookupError

ZERO_NORM = 1e-12  # a filter this small is "all zero" (dead weights)


@dataclass(frozen=True)
class LayerFilters:
    name: str
    layer_type: str
    kernel: np.ndarray  # layer.get_weights()[0], exactly as stored
    stack: np.ndarray | None  # (h, w, inputs, filters) for convolution-like layers
    matrix: np.ndarray | None  # (rows, cols) for Dense and the rest
    norms: np.ndarray  # L2 norm of each output filter (unit for Dense)

    @property
    def count(self) -> int:
        return len(self.norms)

    @property
    def is_rgb(self) -> bool:
        """A convolution over three input channels: its filters read as colour patches."""
        return self.stack is not None and self.stack.shape[2] == 3

    @property
    def is_single_input(self) -> bool:
        """A convolution over one input channel: each filter is one kernel, all shown as tiles."""
        return self.stack is not None and self.stack.shape[2] == 1

    @property
    def filters_as_tiles(self) -> bool:
        """Every filter is one picture (colour patch or single kernel), so all are shown at once."""
        return self.is_rgb or self.is_single_input

    def single_kernels(self) -> np.ndarray:
        """(h, w, filters): each filter's one kernel, for a single-input convolution."""
        assert self.stack is not None and self.is_single_input, "a convolution over one input only"
        return self.stack[:, :, 0, :]

    @property
    def zero_filters(self) -> list[int]:
        return [int(i) for i in np.flatnonzero(self.norms <= ZERO_NORM)]

    def is_zero(self, index: int) -> bool:
        return bool(self.norms[index] <= ZERO_NORM)

    def colour_range(self, values: np.ndarray) -> tuple[float, float]:
        """(-m, m) to colour ``values``, weights of this layer, by: m = their max |w|; for
        all-zero weights the layer's (a +-2e-34 scale would dress float dust up as a
        kernel), and +-1 when the whole layer is zero."""
        weights = self.stack if self.stack is not None else self.matrix
        for candidate in (values, weights):
            finite = np.abs(np.asarray(candidate, dtype=np.float64))
            finite = finite[np.isfinite(finite)]
            most = float(finite.max()) if finite.size else 0.0
            if most > ZERO_NORM:
                return -most, most
        return -1.0, 1.0

    def kernels_of(self, index: int) -> np.ndarray:
        """(h, w, inputs): filter ``index``'s kernel for each input channel."""
        assert self.stack is not None, "kernels of a convolution-like layer only"
        return self.stack[:, :, :, index]

    def rgb_patches(self) -> np.ndarray:
        """(filters, h, w, 3) uint8, each filter stretched over its own min-max."""
        assert self.stack is not None, "colour patches of a convolution-like layer only"
        patches = np.moveaxis(self.stack, 3, 0).astype(np.float64)
        low = patches.min(axis=(1, 2, 3), keepdims=True)
        span = patches.max(axis=(1, 2, 3), keepdims=True) - low
        scaled = np.where(span > 0, (patches - low) / np.where(span > 0, span, 1), 0.0)
        return np.round(scaled * 255).astype(np.uint8)

    def shape_text(self) -> str:
        if self.stack is not None:
            height, width, inputs, _ = self.stack.shape
            return f"{height}x{width}x{inputs}"
        assert self.matrix is not None  # one of stack and matrix is set
        return "x".join(str(d) for d in self.matrix.shape)


def layer_filters(layer, name: str) -> LayerFilters:
    """The filters of a Keras layer; LayerLookupError if it has no weights."""
    weights = [np.asarray(w, dtype=np.float32) for w in layer.get_weights()]
    layer_type = type(layer).__name__
    if not weights:
        raise LayerLookupError(f"layer {name} ({layer_type}) has no weights")
    stack = _filter_stack(layer_type, weights)
    if stack is not None:
        norms = np.sqrt((stack.astype(np.float64) ** 2).sum(axis=(0, 1, 2)))
        return LayerFilters(name, layer_type, weights[0], stack, None, norms)
    matrix = _weight_matrix(weights[0])
    norms = np.sqrt((matrix.astype(np.float64) ** 2).sum(axis=0))
    return LayerFilters(name, layer_type, weights[0], None, matrix, norms)


def _filter_stack(layer_type: str, weights: list[np.ndarray]) -> np.ndarray | None:
    kernel = weights[0]
    if layer_type == "SeparableConv2D":  # depthwise, then pointwise mixing: the effective kernel
        depthwise = kernel.reshape(*kernel.shape[:2], -1)  # (h, w, inputs * multiplier)
        pointwise = weights[1][0, 0]  # (inputs * multiplier, filters)
        return depthwise[:, :, :, None] * pointwise[None, None, :, :]
    if layer_type == "DepthwiseConv2D":  # one kernel per output channel, input c * multiplier + m
        return kernel.reshape(*kernel.shape[:2], 1, -1)
    if layer_type == "Conv2DTranspose":  # stored (h, w, filters, inputs)
        return np.swapaxes(kernel, 2, 3)
    if kernel.ndim == 4:  # Conv2D
        return kernel
    if kernel.ndim == 5:  # Conv3D: depth folded into height
        return kernel.reshape(-1, *kernel.shape[2:])
    if kernel.ndim == 3 and layer_type.startswith("Conv"):  # Conv1D (taps, inputs, filters)
        return kernel[:, None, :, :]
    return None


def _weight_matrix(kernel: np.ndarray) -> np.ndarray:
    """Dense (inputs, units) as it is; vectors as a near-square block; more axes flattened."""
    if kernel.ndim == 2:
        return kernel
    if kernel.ndim <= 1:
        return vector_block(kernel)
    return kernel.reshape(-1, kernel.shape[-1])
