"""Images, arrays and preprocessing: files become the batches a model takes."""
