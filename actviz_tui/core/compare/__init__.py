"""Compare two runs layer by layer: two images through one model, or one image through two
checkpoints (issue 18)."""
