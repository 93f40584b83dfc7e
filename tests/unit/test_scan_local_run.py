"""The local runner on its own: batches in order with progress, a stop between batches that
leaves a checkpoint to resume from, the batch size from memory, stale temporaries removed."""

from __future__ import annotations

import json
import os

import pytest

from actviz_tui.core.model.engine import Model
from actviz_tui.core.scan import store
from actviz_tui.core.scan.dataset import dataset_images, layer_shapes
from actviz_tui.core.scan.job import ScanJob
from actviz_tui.core.scan.local_run import BATCH_CAP, auto_batch_size, image_bytes, run_local
from actviz_tui.core.scan.report import ScanResult
from actviz_tui.core.scan.settings import ScanSettings

import scan_data


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("local_run")
    scan_data.write_dataset(root / "data", count=40)
    model_path = scan_data.scan_model(root / "model.keras")
    model = Model.open(model_path)
    rows = model.rows(["conv_a", "head"])
    settings = ScanSettings(str(model_path), "0" * 64, tuple(model.layers[row].name for row in rows), top_k=3)
    images = dataset_images([root / "data"])
    return root, model, rows, settings, images


def _job(setup, name):
    root, model, rows, settings, images = setup
    return ScanJob.start(root / name, settings, images, layer_shapes(model, rows), [str(root / "data")])


def test_progress_counts_every_file_and_the_job_finishes(setup):
    job = _job(setup, "whole")
    seen = []
    run_local(job, setup[1], 8, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 45) and seen[-1] == (45, 45)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert job.complete and ScanResult.open(job.folder).scanned == 42


def test_a_stop_between_batches_checkpoints_and_a_new_job_resumes(setup):
    job = _job(setup, "stopped")
    run_local(job, setup[1], 8, should_stop=lambda: True)
    manifest = json.loads((job.folder / "manifest.json").read_text())
    assert manifest["status"] == "running" and 0 < manifest["scanned"] <= 8
    again = _job(setup, "stopped")
    assert again.resumed_from == 8 and len(again.pending()) == 45 - 8
    run_local(again, setup[1], 8)
    whole = _job(setup, "same_batches")
    run_local(whole, setup[1], 8)
    assert ScanResult.open(again.folder).as_json() == ScanResult.open(whole.folder).as_json()


def test_the_batch_size_follows_the_memory_available(setup):
    _, model, rows, _, _ = setup
    per_image = image_bytes(model, rows)
    # conv_a's output (16*16*4) is the largest: input + 3 of those, float32
    assert per_image == 4 * (16 * 16 * 1 + 3 * 16 * 16 * 4)
    assert auto_batch_size(model, rows, available=4 * per_image * 10) == 10
    assert auto_batch_size(model, rows, available=1) == 1
    assert auto_batch_size(model, rows, available=1 << 40) == BATCH_CAP


def test_temporaries_of_a_dead_writer_are_removed_a_live_ones_kept(tmp_path):
    dead = tmp_path / ".results.h5.999999999.tmp"
    live = tmp_path / f".manifest.json.{os.getpid()}.tmp"
    for path in (dead, live):
        path.write_bytes(b"half")
    store.remove_stale_temporaries(tmp_path)
    assert not dead.exists() and live.exists()
    assert [path.name for path in tmp_path.iterdir()] == [live.name]
