"""What the model's arrays say: statistics, predictions, filters, layer windows."""
