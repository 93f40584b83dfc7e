"""The model: loading a file, tracing its layers, running batches through any rows."""
