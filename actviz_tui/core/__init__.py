"""The engine: model loading, activations, images, colours, figures.

Nothing in this package may import textual or rich_pixels.
"""
