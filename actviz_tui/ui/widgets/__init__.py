"""Widgets: the layer table and filter, the half-block renderer, heatmaps, legend, text lines."""
