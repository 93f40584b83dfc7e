"""Re-trace a Keras model so that every layer's output, nested ones included,
is a tensor in one graph, and describe the layers like ``model.summary()``.

Keras 3 facts this works around (see shared/design.md): a Sequential model may
have no usable ``.input``; an inner layer of a nested model belongs to the
inner graph, so ``keras.Model(outer.inputs, inner_layer.output)`` fails. We
rebuild the graph on fresh ``keras.Input`` tensors, reusing the very same layer
objects (so the weights are shared, nothing is copied), and record each layer's
output as we go: Sequential models layer by layer, functional ones through the
public ``keras.models.clone_model(..., call_function=...)`` hook.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from actviz_tui.core.errors import ModelLoadError
from actviz_tui.core.model.recorder import OutputRecorder, is_traceable_model


@dataclass(frozen=True)
class LayerInfo:
    """One row of the layer table."""

    index: int
    name: str  # path for nested layers: "backbone/conv_a"
    type: str
    output_shape: tuple  # batch axis included, None where unknown
    params: int
    depth: int  # 0 for the model's own layers, 1 inside a nested model, ...
    is_model: bool  # a nested model (its inner layers follow it)
    channels_first: bool = False  # output is (batch, C, ...): activations get moved to channels last
    inputs: tuple[str, ...] = ()  # names of the rows that feed it (a merge's branches); () = the model's input

    @property
    def shape(self) -> tuple:
        """The output shape, batch axis included (``output_shape``: the public API's name)."""
        return self.output_shape

    @property
    def short_name(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    @property
    def map_size(self) -> tuple | None:
        """(H, W) of a layer with 2-D maps per channel (None where free); None for other layers."""
        if len(self.output_shape) != 4:
            return None
        return tuple(self.output_shape[2:4]) if self.channels_first else tuple(self.output_shape[1:3])

    @property
    def has_maps(self) -> bool:
        """The one definition of "a layer with spatial maps": 2-D maps per channel (volumes
        too), not the input and not a nested model's own row."""
        return len(self.output_shape) >= 4 and not self.is_model and self.type != "InputLayer"

    @property
    def channels(self) -> int | None:
        """Size of the channel axis (last, or 1 for channels_first), None for a scalar or unknown size."""
        if len(self.output_shape) < 2:
            return None
        return self.output_shape[1] if self.channels_first else self.output_shape[-1]


@dataclass(frozen=True)
class InputInfo:
    name: str
    shape: tuple  # without the batch axis, None where free
    dtype: str
    channels_first: bool = False  # (C, H, W) or (C, T): the model's layers use data_format="channels_first"

    @property
    def is_image(self) -> bool:
        """Takes an image: (H, W, C), (C, H, W), or a square (N, N) or flat N*N / 3*N*N input."""
        from actviz_tui.core.inputs.layout import image_layout

        return image_layout(self.shape, self.channels_first) is not None


@dataclass
class TracedModel:
    """The model rebuilt on fresh inputs: one output tensor per table row."""

    inputs: list  # keras.Input tensors, one per model input
    input_infos: list[InputInfo]
    layers: list[LayerInfo]
    outputs: list  # symbolic tensor per row of ``layers``
    model_outputs: list = field(default_factory=list)  # the model's own outputs, flattened


def trace_model(model, rewrite=None, extra_inputs=()) -> TracedModel:
    """``rewrite(layer, args, compute)``, if given, is called for every layer
    instead of running it; ``compute()`` runs the layer as it is. It may return
    something else (a pre-activation output, the output plus a tensor from
    ``extra_inputs``): later layers then build on that. ``extra_inputs`` are
    appended to the traced model's inputs."""
    import keras

    input_infos = describe_inputs(model)
    inputs = [
        keras.Input(shape=info.shape, dtype=info.dtype, name=info.name)
        for info in input_infos
    ]
    recorder = OutputRecorder(rewrite)
    recorder.name_inputs(model, inputs)
    try:
        final = recorder.run(model, inputs if len(inputs) > 1 else inputs[0])
    except Exception as error:
        raise ModelLoadError(f"cannot trace the layers of model {model.name!r}: {error}") from error
    rows, outputs, formats = _table_rows(model, recorder, inputs)
    model_format = next((fmt for fmt in formats if fmt), "channels_last")
    rows = _with_channel_order(rows, formats, model_format)
    first = model_format == "channels_first"
    input_infos = [replace(info, channels_first=first and len(info.shape) >= 2) for info in input_infos]
    return TracedModel([*inputs, *extra_inputs], input_infos, rows, outputs, keras.tree.flatten(final))


def _with_channel_order(rows: list[LayerInfo], formats: list[str | None], model_format: str) -> list[LayerInfo]:
    """Mark channels_first rows: a layer's own data_format, else the one of the layer before it
    (BatchNorm, ReLU, Add... keep their input's layout); the model's inputs take the model's."""
    current, marked = model_format, []
    for info, fmt in zip(rows, formats):
        current = fmt or current
        spatial = len(info.output_shape) >= 3
        marked.append(replace(info, channels_first=spatial and current == "channels_first"))
    return marked


def _data_format(layer) -> str | None:
    """The layout a layer writes: its data_format, a nested model's last one; None if it has no say."""
    if is_traceable_model(layer):
        found = [fmt for inner in layer.layers if (fmt := _data_format(inner))]
        return found[-1] if found else None
    fmt = getattr(layer, "data_format", None)
    known = fmt in ("channels_first", "channels_last")
    return fmt if known and type(layer).__name__ != "Flatten" else None  # Flatten's output has no channel axis


def describe_inputs(model) -> list[InputInfo]:
    try:
        tensors = list(model.inputs)
    except (AttributeError, ValueError, TypeError):
        tensors = []
    if tensors:
        return [
            InputInfo(_input_name(t, i), tuple(t.shape[1:]), str(t.dtype))
            for i, t in enumerate(tensors)
        ]
    shape = (model.get_build_config() or {}).get("input_shape")
    if not shape:
        raise ModelLoadError(f"model {model.name!r} has no known input shape (it was never built)")
    return [InputInfo("input", tuple(shape[1:]), "float32")]


def _input_name(tensor, position: int) -> str:
    name = getattr(tensor, "name", None) or f"input_{position}"
    return name.split(":")[0]


def layer_objects(model, prefix: str = "") -> dict[str, object]:
    """Every layer by its row name ("backbone/conv_a" inside a nested model), in one walk."""
    found: dict[str, object] = {}
    for layer in getattr(model, "layers", []):
        found[f"{prefix}{layer.name}"] = layer
        if is_traceable_model(layer):
            found.update(layer_objects(layer, f"{prefix}{layer.name}/"))
    return found


def _table_rows(model, recorder: OutputRecorder, inputs):
    rows: list[LayerInfo] = []
    outputs: list = []
    formats: list[str | None] = []
    names: dict[int, str] = {}  # id(layer) -> its row's name

    def add_layers(container, prefix: str, depth: int):
        for layer in container.layers:
            tensor = _first_tensor(_layer_output(layer, container, recorder, inputs, depth))
            if tensor is None:
                continue
            name = f"{prefix}{layer.name}"
            nested = is_traceable_model(layer)
            names[id(layer)] = name
            rows.append(
                LayerInfo(
                    index=len(rows),
                    name=name,
                    type=type(layer).__name__,
                    output_shape=tuple(tensor.shape),
                    params=_param_count(layer),
                    depth=depth,
                    is_model=nested,
                    inputs=recorder.feeding_rows(layer, names),
                )
            )
            outputs.append(tensor)
            formats.append(_data_format(layer) if len(tensor.shape) >= 3 else None)
            if nested:
                add_layers(layer, f"{name}/", depth + 1)

    add_layers(model, "", 0)
    return rows, outputs, formats


def _layer_output(layer, container, recorder, inputs, depth):
    import keras

    if id(layer) in recorder.outputs:
        return recorder.outputs[id(layer)]
    if isinstance(layer, keras.layers.InputLayer) and depth == 0:
        for position, tensor in enumerate(container.inputs):
            if tensor is layer.output:
                return inputs[position]
    return None  # an inner InputLayer, or a layer the graph never calls


def _first_tensor(outputs):
    while isinstance(outputs, (list, tuple, dict)):
        if not outputs:
            return None
        outputs = list(outputs.values())[0] if isinstance(outputs, dict) else outputs[0]
    return outputs


def _param_count(layer) -> int:
    try:
        return int(layer.count_params())
    except ValueError:  # an unbuilt layer has no weights yet
        return 0
