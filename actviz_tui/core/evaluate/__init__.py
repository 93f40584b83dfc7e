"""Which heatmap to trust: faithfulness metrics over batches of masked inputs (issue 17, in progress)."""
