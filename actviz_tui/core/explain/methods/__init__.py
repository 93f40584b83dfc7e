"""The explain methods, one module each; importing this package registers them
(in this order: the explorer's method key cycles through them so)."""

from actviz_tui.core.explain.methods import gradcam, gradcam_plus_plus, hirescam, scorecam, occlusion  # noqa: F401
from actviz_tui.core.explain.methods import saliency, integrated_gradients, smoothgrad  # noqa: F401
from actviz_tui.core.explain.methods import layercam, xgradcam, eigencam  # noqa: F401
from actviz_tui.core.explain.methods import rise  # noqa: F401
