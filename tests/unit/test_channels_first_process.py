"""channels_first models, run as actviz runs them: with oneDNN on (see tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FILES = (
    "tests/unit/test_channels_first.py",
    "tests/functional/test_field_models_pilot.py",
    "tests/functional/test_probe_pilot.py",  # the probe's field on a channels_first map
    "tests/unit/test_zoo_trace.py",  # its channels_first zoo model
    "tests/unit/test_class_heatmaps_layouts.py",
    "tests/unit/test_zoo_explain.py",  # class heatmaps of the channels_first zoo model
    "tests/unit/test_zoo_scan.py",  # a scan of the channels_first zoo model
    "tests/unit/test_patterns_core.py",  # filter patterns fed channels first
    "tests/unit/test_zoo_patterns.py",  # patterns of the channels_first zoo model
    "tests/cli/test_export_patterns_cli.py",  # its filter patterns, saved in its layout
    "tests/unit/test_zoo_evaluate.py",  # deletion, insertion and the sanity check of the channels_first zoo model
    "tests/unit/test_channel_ranking.py",  # channels ranked by their part in the decision
)


@pytest.mark.slow
def test_channels_first_tests_pass_with_onednn_on():
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="1", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "channels_first or chw", *FILES],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert " skipped" not in done.stdout.splitlines()[-1]  # every channels_first test ran
