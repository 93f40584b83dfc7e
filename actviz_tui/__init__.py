"""actviz: a terminal UI for looking inside convolutional networks."""

__version__ = "0.1.0"
