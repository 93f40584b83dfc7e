"""The expensive methods (Score-CAM, occlusion): Faster Score-CAM by default
(64 channels of largest spread, all on request), progress from before the
first batch, cancel within one batch, batches sized to about 2 s of work,
freed memory handed back, and the registry saying which methods are expensive."""

from __future__ import annotations

import numpy as np
import pytest

import cam_models
from actviz_tui.core.errors import ActvizError
from actviz_tui.core.explain import METHODS, CamCancelled, Method, cheap_methods, explain, register
from actviz_tui.core.explain import method_input
from actviz_tui.core.explain.batch_sizes import (
    FIRST_BATCH, MAX_BATCH, TARGET_SECONDS, BatchSizes, activation_bytes, batch_cap,
)
from actviz_tui.core.explain.methods.scorecam import DEFAULT_MAX_CHANNELS
from actviz_tui.core.model.engine import Model
from actviz_tui.core.model.native_memory import release_freed_memory

WIDE = 80  # channels of wide_gap's layer: more than the default cap


@pytest.fixture(scope="module")
def wide():
    model = Model(cam_models.wide_gap(channels=WIDE))
    x = np.random.default_rng(11).uniform(0, 1, (2, 12, 12, 3)).astype(np.float32)
    return model, x


@pytest.fixture
def built(monkeypatch):
    """The sizes of the batches of perturbed pictures the runs build, in order."""
    sizes: list[int] = []
    original = method_input.PerturbedRuns._model_inputs

    def counting(self, pictures, chunk):
        sizes.append(len(pictures))
        return original(self, pictures, chunk)

    monkeypatch.setattr(method_input.PerturbedRuns, "_model_inputs", counting)
    return sizes


def test_the_registry_says_which_methods_are_expensive():
    assert {name: method.expensive for name, method in METHODS.items()} == {
        "gradcam": False, "gradcam++": False, "hirescam": False, "scorecam": True, "occlusion": True,
        "saliency": False, "integrated_gradients": True, "smoothgrad": True,
        "layercam": False, "xgradcam": False, "eigencam": False, "rise": True,
    }
    assert cheap_methods() == ("gradcam", "gradcam++", "hirescam", "saliency", "layercam", "xgradcam", "eigencam")
    assert METHODS["scorecam"].options["max_channels"] == DEFAULT_MAX_CHANNELS == 64


def test_a_new_expensive_method_leaves_the_cheap_list(monkeypatch):
    monkeypatch.setitem(METHODS, "lime", Method("lime", "LIME", lambda data: data.maps[..., 0], expensive=True))
    monkeypatch.setitem(METHODS, "plain", Method("plain", "plain", lambda data: data.maps[..., 0]))
    assert cheap_methods() == (
        "gradcam", "gradcam++", "hirescam", "saliency", "layercam", "xgradcam", "eigencam", "plain")


def test_score_cam_masks_with_64_channels_by_default_and_all_on_request(wide):
    model, x = wide
    for options, per_image, detail in [
        ({}, DEFAULT_MAX_CHANNELS, f"64 of {WIDE} channels"),
        ({"max_channels": None}, WIDE, f"all {WIDE} channels"),
        ({"max_channels": 0}, WIDE, f"all {WIDE} channels"),
        ({"max_channels": 5}, 5, f"5 of {WIDE} channels"),
    ]:
        steps = []
        result = explain(model, x, "scorecam", progress=lambda done, total: steps.append((done, total)), **options)
        assert steps[-1] == (2 * per_image, 2 * per_image)
        assert result.detail == detail
        assert result.item(1).title.startswith(f"Score-CAM ({detail}) \u2014 wide \u2014 class ")
    assert model.explain(x, method="scorecam").detail == f"64 of {WIDE} channels"  # the Python API's default


def test_score_cam_refuses_a_negative_cap(wide):
    model, x = wide
    with pytest.raises(ActvizError, match="max_channels is a channel count, or None/0 for all: not -3"):
        explain(model, x, "scorecam", max_channels=-3)


def test_occlusion_says_its_patch(wide):
    model, x = wide
    assert explain(model, x[:1], "occlusion", patch=4, stride=2).detail == "patch 4, stride 2"
    assert explain(model, x[:1], "occlusion").item(0).title.startswith("occlusion (patch 2, stride 1) \u2014 input")


def test_progress_starts_at_zero_before_the_first_batch_runs(wide, built):
    model, x = wide
    events = []
    explain(model, x, "scorecam", max_channels=20,
            progress=lambda done, total: events.append(("progress", done, total, len(built))))
    assert events[0] == ("progress", 0, 40, 0)  # reported before any masked input was built
    assert events[1] == ("progress", FIRST_BATCH, 40, 1)  # the first batch is short
    assert built[0] == FIRST_BATCH and sum(built) == 40


def test_cancel_stops_within_one_batch(wide, built):
    """should_stop flips after the first batch: no second batch is built."""
    model, x = wide
    steps = []
    with pytest.raises(CamCancelled, match=f"after {FIRST_BATCH} of {2 * WIDE} perturbed inputs"):
        explain(model, x, "scorecam", max_channels=None, progress=lambda done, total: steps.append(done),
                should_stop=lambda: len(steps) > 1)
    assert built == [FIRST_BATCH] and steps == [0, FIRST_BATCH]


def test_occlusion_cancel_stops_within_one_batch(wide, built):
    model, x = wide
    steps = []
    with pytest.raises(CamCancelled):
        explain(model, x, "occlusion", progress=lambda done, total: steps.append(done),
                should_stop=lambda: len(steps) > 1)
    assert built == [FIRST_BATCH]


def test_freed_memory_is_handed_back_after_a_run_and_a_cancel(wide, monkeypatch):
    model, x = wide
    calls = []
    monkeypatch.setattr(method_input, "release_freed_memory", lambda: calls.append(1) or True)
    explain(model, x, "scorecam", max_channels=4)
    assert calls == [1]
    with pytest.raises(CamCancelled):
        explain(model, x, "scorecam", should_stop=lambda: True)
    assert calls == [1, 1]
    assert release_freed_memory() is True  # glibc (Linux): malloc_trim was called


def test_batches_follow_the_measured_pace():
    slow = BatchSizes(cap=MAX_BATCH)
    assert slow.next() == FIRST_BATCH
    slow.ran(2, 0.8)  # 0.4 s a picture (DenseNet121 at 224x224 on 2 CPU cores)
    assert slow.next() == int(TARGET_SECONDS / 0.4) == 5
    slow.ran(5, 1.0)
    assert slow.next() == 10
    slow.ran(10, 30.0)  # the machine got busy: back to one picture
    assert slow.next() == 1
    fast = BatchSizes(cap=MAX_BATCH)
    sizes = []
    for _ in range(4):
        fast.ran(fast.next(), 0.001)  # a GPU: grows 4x a batch up to the cap
        sizes.append(fast.next())
    assert sizes == [8, 32, 64, 64]


def test_the_cap_holds_64_mib_of_pictures_and_1_5_gib_of_layer_outputs():
    assert batch_cap(np.zeros((224, 224, 3), np.float32)) == 64
    assert batch_cap(np.zeros((1024, 1024, 3), np.float32)) == 5
    assert batch_cap(np.zeros((224, 224, 3), np.float32), activation_bytes=190 * 2**20) == 8  # DenseNet121
    assert BatchSizes(cap=1).next() == 1


def test_layer_outputs_are_summed_from_the_layer_table(wide):
    model, _ = wide
    # image 12x12x3, wide 12x12x80, gap 80, classes 3: float32
    assert activation_bytes(model.layers) == 4 * (12 * 12 * 3 + 12 * 12 * 80 + 80 + 3)
