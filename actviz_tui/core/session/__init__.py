"""The explorer's current image and its cached results, on top of the model."""
