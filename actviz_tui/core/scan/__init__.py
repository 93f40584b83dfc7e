"""Dataset scans: per (layer, channel), the k images that drive it hardest, and its dataset statistics.

``totals`` holds the numbers and their associative merge, ``settings`` what a scan
was asked for, ``store`` the scan folder on disk, ``job`` a scan in progress
(resume, checkpoints), ``report`` what ``scan show`` and the explorer read.
The runners that feed a job (the local one, Ray's) live beside them.
"""
