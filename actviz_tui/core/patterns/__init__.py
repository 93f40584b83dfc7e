"""Filter patterns: the input each channel responds to most, found by gradient ascent
(Lucid's recipe: Fourier parameterisation, decorrelated colour, transformation
robustness, Adam), one image per channel, in batches, on every Keras backend."""

from actviz_tui.core.patterns.optimise import PatternsCancelled
from actviz_tui.core.patterns.patterns import Patterns, collect, layer_patterns
from actviz_tui.core.patterns.settings import PatternSettings
from actviz_tui.core.patterns.target import PatternError, PatternTarget, pattern_target

__all__ = ["Patterns", "PatternSettings", "PatternError", "PatternTarget", "PatternsCancelled",
           "collect", "layer_patterns", "pattern_target"]
