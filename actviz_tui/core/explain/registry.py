"""The explain methods: one ``Method`` entry per method, registered by its module.

A method is one module under ``methods/`` that calls ``register(Method(...))``.
The engine (``explainer.explain``) knows nothing of any method by name: it
reads the entry's ``target`` and ``gradients`` to decide what to compute,
then hands a ``MethodInput`` to ``compute``.

- ``target="layer"``: the method works on a layer's maps (the CAM layer, a
  row of ``cam_layers``); ``"input"``: on the image input's pixels, and its
  maps are at the input's resolution (occlusion, and gradient methods such as
  saliency or integrated gradients).
- ``gradients=True``: the engine runs one forward and one backward pass over
  the batch first; ``MethodInput.gradients`` holds the class scores'
  gradients at the target (the layer's maps, or the input).
- ``options``: name -> default; ``explain(..., **options)`` may override them
  and anything else is refused.
- ``compute(data, **options) -> (N, h, w)``: one map per image, any scale
  (the engine normalises them), at the target's resolution.
- ``expensive=True``: one run scores many perturbed copies of each image
  (Score-CAM, occlusion): minutes on a CPU for a large model. The explorer's
  method key (k) skips such methods; the user asks for them by name (K).
- ``detail(settings, data) -> str``: how the method ran, for the title
  ("64 of 1024 channels"); "" or None: nothing to say.
- ``check(settings)``: raises ``ActvizError`` for a bad option value (steps=0),
  so the API, the CLI and the explorer refuse it before any work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

from actviz_tui.core.errors import ActvizError

TARGETS = ("layer", "input")


@dataclass(frozen=True)
class Method:
    name: str  # what users type: "gradcam"
    title: str  # what titles show: "Grad-CAM"
    compute: Callable  # (MethodInput, **options) -> (N, h, w) float array
    gradients: bool = False
    target: str = "layer"
    options: Mapping = field(default_factory=lambda: MappingProxyType({}))
    expensive: bool = False
    detail: Callable | None = None  # (settings, MethodInput) -> str
    check: Callable | None = None  # (settings) -> None; ActvizError for a bad value

    def __post_init__(self):
        if self.target not in TARGETS:
            raise ValueError(f"method {self.name}: target {self.target!r} is not one of {TARGETS}")
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))

    def settings(self, given: Mapping) -> dict:
        """The options with the given ones in place of the defaults; unknown ones are refused."""
        unknown = sorted(set(given) - set(self.options))
        if unknown:
            known = ", ".join(self.options) or "none"
            raise ActvizError(f"{self.title} has no option {', '.join(unknown)} (its options: {known})")
        settings = {**self.options, **given}
        if self.check is not None:
            self.check(settings)
        return settings


METHODS: dict[str, Method] = {}  # name -> entry, in registration order (the view cycles them in it)


def register(method: Method) -> Method:
    if method.name in METHODS:
        raise ValueError(f"explain method {method.name!r} is registered twice")
    METHODS[method.name] = method
    return method


def cheap_methods() -> tuple[str, ...]:
    """The methods that are not ``expensive``, in registration order."""
    return tuple(name for name, method in METHODS.items() if not method.expensive)


def method_entry(name: str) -> Method:
    try:
        return METHODS[name]
    except KeyError:
        raise ActvizError(f"unknown class heatmap method {name!r}; one of {', '.join(METHODS)}") from None
