"""Exceptions the engine raises for bad user input.

Each carries a one-line message naming the file and the cause, fit to show a
user as it is (the CLI prints it after ``actviz: error:``).
"""


class ActvizError(Exception):
    """A problem with the user's input that we can explain in one line."""


class ModelLoadError(ActvizError):
    """The model file is missing, not a model, corrupt, or refused by Keras."""


class ImageLoadError(ActvizError):
    """The image is missing, unreadable, truncated or empty."""


class NotAnImageModelError(ActvizError):
    """The model's input is not an image (an MLP or a sequence model)."""


class LayerLookupError(ActvizError):
    """A layer name or index, or a channel, that the model does not have."""


class ExportError(ActvizError):
    """A figure could not be written (unwritable folder, full disk)."""


def one_line(error: BaseException, limit: int = 300) -> str:
    """The first line of an exception's message (TensorFlow's run to pages)."""
    text = str(error).strip() or type(error).__name__
    first = text.splitlines()[0].strip()
    return first if len(first) <= limit else first[: limit - 3] + "..."


class ClassIndexError(ActvizError):
    """A class index the model output does not have."""


class CamLayerError(ActvizError):
    """A class-heatmap layer without spatial maps (height x width x channels)."""


class GradientError(ActvizError):
    """The class score's gradient is undefined (not connected) or NaN at a layer."""
