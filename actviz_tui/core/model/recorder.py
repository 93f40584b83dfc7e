"""Call every layer of a model on fresh tensors, remembering each layer's output and which layers feed which.

``core/model/graph.py`` drives it (see there for the Keras 3 facts it works around).
"""

from __future__ import annotations


class OutputRecorder:
    """Calls each layer on the new graph's tensors and remembers its output."""

    def __init__(self, rewrite=None):
        self.outputs: dict[int, object] = {}
        self.rewrite = rewrite
        self.producers: dict[int, object] = {}  # id(tensor) -> the layer whose call returned it
        self.inbound: dict[int, list] = {}  # id(layer) -> the layers whose outputs it was called on

    def name_inputs(self, model, inputs) -> None:
        """The model's own InputLayers produce the fresh input tensors."""
        import keras

        flat = inputs if isinstance(inputs, (list, tuple)) else [inputs]
        layers = [layer for layer in getattr(model, "layers", []) if isinstance(layer, keras.layers.InputLayer)]
        try:
            originals = list(model.inputs)
        except (AttributeError, ValueError, TypeError):
            return
        for tensor, original in zip(flat, originals):
            layer = next((layer for layer in layers if layer.output is original), None)
            if layer is not None:
                self.producers.setdefault(id(tensor), layer)

    def run(self, model, inputs, nested: bool = False):
        import keras

        if isinstance(model, keras.Sequential):
            return self._run_sequential(model, inputs)
        run_in_place = getattr(model, "_run_through_graph", None)
        # With a rewrite, the top graph runs in place too: clone_model would refuse
        # outputs that depend on the rewrite's extra inputs ("not connected").
        in_place = nested or self.rewrite is not None
        if is_functional(model) and in_place and run_in_place is not None:
            # clone_model would build a Model on these intermediate tensors, and
            # Keras re-wires that Model's outputs onto a copied Input, cut off
            # from the outer graph. Run the inner graph in place instead (what
            # clone_model itself does before it builds the Model). A private Keras
            # method: without it, or if its signature changes (a TypeError), the
            # nested model stays one opaque row.
            recorded = set(self.outputs)
            try:
                return run_in_place(
                    _match_structure(inputs, model), operation_fn=lambda layer: layer, call_fn=self.call
                )
            except TypeError:
                for key in set(self.outputs) - recorded:  # forget a half-run inner graph
                    del self.outputs[key]
        if nested:
            return model(inputs)
        if is_functional(model):
            clone = keras.models.clone_model(
                model,
                input_tensors=_match_structure(inputs, model),
                clone_function=lambda layer: layer,
                call_function=self.call,
            )
            return clone.output
        return model(inputs)  # a subclassed model: opaque, seen as one layer

    def _run_sequential(self, model, inputs):
        outputs = inputs
        for layer in model.layers:
            outputs = self.call(layer, outputs)
        return outputs

    def call(self, layer, *args, **kwargs):
        # kwargs: Keras passes mask=None; transfer learning calls base(x, training=False),
        # which changes nothing here since activations are always computed with training=False
        plain_call = len(args) == 1 and all(
            value is None or (name == "training" and value is False) for name, value in kwargs.items()
        )

        def compute():
            if is_traceable_model(layer) and plain_call:
                return self.run(layer, args[0], nested=True)
            return layer(*args, **kwargs)

        if id(layer) not in self.inbound:  # shared layers: first call wins
            self.inbound[id(layer)] = self._producers_of((args, kwargs))
        outputs = compute() if self.rewrite is None else self.rewrite(layer, args, compute)
        self.outputs.setdefault(id(layer), outputs)
        for tensor in _tensors(outputs):  # a nested model's output: its consumers see the model's row
            self.producers[id(tensor)] = layer
        return outputs

    def feeding_rows(self, layer, names: dict[int, str]) -> tuple[str, ...]:
        """The rows that feed ``layer``: through operations that are no rows (``x + y``
        in a functional graph, a nested model's inner InputLayer) to the rows behind them."""
        found: dict[str, None] = {}
        pending, seen = list(self.inbound.get(id(layer), ())), set()
        while pending:
            source = pending.pop(0)
            if id(source) in names:
                found.setdefault(names[id(source)])
            elif id(source) not in seen:
                seen.add(id(source))
                pending.extend(self.inbound.get(id(source), ()))
        return tuple(found)

    def _producers_of(self, structure) -> list:
        found: dict[int, object] = {}
        for tensor in _tensors(structure):
            layer = self.producers.get(id(tensor))
            if layer is not None:
                found.setdefault(id(layer), layer)
        return list(found.values())


def _tensors(structure) -> list:
    """The Keras tensors in nested lists, tuples and dicts (a plain walk: keras.tree is slower)."""
    if isinstance(structure, (list, tuple)):
        return [tensor for item in structure for tensor in _tensors(item)]
    if isinstance(structure, dict):
        return [tensor for item in structure.values() for tensor in _tensors(item)]
    from keras import KerasTensor

    return [structure] if isinstance(structure, KerasTensor) else []


def is_functional(model) -> bool:
    import keras

    # Functional models are keras.Function graphs; Sequential and subclassed ones are not.
    return isinstance(model, keras.Model) and isinstance(model, keras.Function)


def is_traceable_model(layer) -> bool:
    import keras

    return isinstance(layer, keras.Sequential) or is_functional(layer)


def _match_structure(inputs, model):
    """Fit our tensors to the structure of ``model.input`` (tensor, list or dict)."""
    import keras

    expected = model.input
    flat = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    if isinstance(expected, dict):  # model.inputs is in Keras' flattened (sorted-key) order
        return keras.tree.pack_sequence_as(expected, list(flat))
    if isinstance(expected, (list, tuple)):
        return type(expected)(flat)
    return flat[0]
