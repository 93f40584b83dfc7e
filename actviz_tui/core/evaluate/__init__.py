"""Which heatmap to trust: faithfulness metrics over batches of masked inputs, and the sanity check."""
