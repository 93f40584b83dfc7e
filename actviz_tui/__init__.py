"""actviz: a terminal UI for looking inside convolutional networks, and its Python API.

``import actviz_tui as av`` stays light: numpy and Keras load on first use of
``av.load``, ``av.Model`` or ``av.ActvizError`` (PEP 562), so the explorer's first
paint does not wait for them.
"""

__version__ = "0.1.0"

_LAZY = {
    "load": ("actviz_tui.api", "load"),
    "Model": ("actviz_tui.core.model.engine", "Model"),
    "Prediction": ("actviz_tui.core.model.engine", "Prediction"),
    "ChannelReductions": ("actviz_tui.core.model.runners", "ChannelReductions"),
    "ActvizError": ("actviz_tui.core.errors", "ActvizError"),
    "evaluate": ("actviz_tui.core.evaluate.evaluation", "evaluate_methods"),
    "sanity_check": ("actviz_tui.core.evaluate.sanity", "sanity_check"),
    "compare_checkpoints": ("actviz_tui.core.compare.comparison", "compare_checkpoints"),
    "compare_images": ("actviz_tui.core.compare.comparison", "compare_images"),
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'actviz_tui' has no attribute {name!r}")
    import importlib

    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
