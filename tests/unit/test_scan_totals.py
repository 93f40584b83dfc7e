"""Scan totals: exact top-k against brute force, merges in any order, the store's round trip."""

import numpy as np
import pytest

from actviz_tui.core.model.runners import ChannelReductions
from actviz_tui.core.scan import store
from actviz_tui.core.scan.job import ScanJob
from actviz_tui.core.scan.report import ScanResult
from actviz_tui.core.scan.settings import ScanError, ScanSettings, parse_shard, shard_indices
from actviz_tui.core.scan.totals import LayerTotals, ScanTotals

IMAGES, CHANNELS, K = 60, 5, 4


@pytest.fixture
def batch_values():
    rng = np.random.default_rng(7)
    maximum = rng.integers(0, 6, (IMAGES, CHANNELS)).astype(np.float32)  # many ties on purpose
    maximum[3, 2] = np.nan
    position = rng.integers(0, 5, (IMAGES, CHANNELS, 2))
    mean = rng.normal(size=(IMAGES, CHANNELS)).astype(np.float32)
    positive = (rng.random((IMAGES, CHANNELS)) > 0.3) * rng.random((IMAGES, CHANNELS))
    positive[:, 4] = 0.0  # channel 4 is dead on the whole dataset
    return maximum, position, mean, positive


def _scan(values, parts, batch=7, by="max") -> ScanTotals:
    total = ScanTotals.empty([("conv", CHANNELS, True)], K, IMAGES)
    for indices in parts:
        part = ScanTotals.empty([("conv", CHANNELS, True)], K, IMAGES)
        for start in range(0, len(indices), batch):
            chosen = indices[start:start + batch]
            part.add_batch(chosen, [ChannelReductions(*(array[chosen] for array in values))], by)
        total.merge(part)
    return total


@pytest.mark.parametrize("by", ["max", "mean"])
def test_top_k_equals_brute_force(batch_values, by):
    totals = _scan(batch_values, [np.arange(IMAGES)], by=by).layers[0]
    scores = batch_values[0] if by == "max" else batch_values[2]
    for channel in range(CHANNELS):
        ranked = sorted(range(IMAGES), key=lambda i: (-np.nan_to_num(scores[i, channel], nan=-np.inf), i))[:K]
        assert totals.top_image[channel].tolist() == ranked
        assert totals.top_y[channel].tolist() == batch_values[1][ranked, channel, 0].tolist()
    assert totals.active.tolist() == (batch_values[3] > 0).sum(axis=0).tolist()
    assert totals.active[4] == 0
    np.testing.assert_allclose(totals.mean_sum, batch_values[2].astype(np.float64).sum(axis=0), rtol=1e-12)
    np.testing.assert_array_equal(totals.maximum, np.nanmax(batch_values[0], axis=0))


def test_shards_in_any_order_equal_one_run(batch_values):
    one = _scan(batch_values, [np.arange(IMAGES)]).layers[0]
    shards = [shard_indices(IMAGES, (part, 3)) for part in (3, 1, 2)]
    merged = _scan(batch_values, shards, batch=5).layers[0]
    for key in ("top_score", "top_image", "top_y", "top_x", "maximum", "active"):
        np.testing.assert_array_equal(getattr(merged, key), getattr(one, key))
    np.testing.assert_allclose(merged.mean_sum, one.mean_sum, rtol=1e-12)


def test_overlapping_parts_are_refused(batch_values):
    part = _scan(batch_values, [np.arange(10)])
    with pytest.raises(ValueError, match="overlap"):
        part.merge(_scan(batch_values, [np.arange(5, 15)]))


def test_fewer_images_than_k_leave_empty_slots():
    totals = LayerTotals.empty("dense", 2, 3, has_maps=False)
    reduced = ChannelReductions(np.ones((1, 2), np.float32), np.zeros((1, 2, 2), int),
                                np.ones((1, 2), np.float32), np.ones((1, 2)))
    totals.add_batch(np.array([5]), reduced.maximum, reduced.position, reduced.mean, reduced.positive, "max")
    assert totals.top_image.tolist() == [[5, -1, -1], [5, -1, -1]]


def test_shard_parsing():
    assert parse_shard("2/4") == (2, 4)
    assert shard_indices(10, (2, 4)).tolist() == [1, 5, 9]
    for bad in ("0/4", "5/4", "x", "1/2/3"):
        with pytest.raises(ScanError):
            parse_shard(bad)


def test_job_resumes_and_refuses_another_model(tmp_path, batch_values):
    settings = ScanSettings("m.keras", "a" * 64, ("conv",), top_k=K)
    images = [f"data/{i:03d}.png" for i in range(IMAGES)]
    shapes = [("conv", CHANNELS, True)]
    job = ScanJob.start(tmp_path / "scan", settings, images, shapes, ["data"])
    first = np.arange(20)
    job.add_batch(first, [ChannelReductions(*(array[first] for array in batch_values))])
    job.add_skipped(20, "not an image")
    job.checkpoint(force=True)

    resumed = ScanJob.start(tmp_path / "scan", settings, images, shapes, ["data"])
    assert resumed.resumed_from == 21
    rest = resumed.pending()
    assert rest.tolist() == list(range(21, IMAGES))
    resumed.add_batch(rest, [ChannelReductions(*(array[rest] for array in batch_values))])
    resumed.finish()

    result = ScanResult.open(tmp_path / "scan")
    assert result.complete and result.scanned == IMAGES - 1
    assert result.dead_channels("conv").tolist() == [4]
    shown = result.as_json(channel=0)
    assert shown["skipped"] == [{"image": "data/020.png", "reason": "not an image"}]
    assert len(shown["layers"][0]["channels"][0]["top"]) == K

    before = (tmp_path / "scan" / store.RESULTS).read_bytes()
    other = ScanSettings("m.keras", "b" * 64, ("conv",), top_k=K)
    with pytest.raises(ScanError, match="another model file"):
        ScanJob.start(tmp_path / "scan", other, images, shapes, ["data"])
    assert (tmp_path / "scan" / store.RESULTS).read_bytes() == before


def test_a_start_cut_short_before_its_manifest_begins_again(tmp_path):
    folder = tmp_path / "scan"
    folder.mkdir()
    (folder / store.IMAGES).write_text("[]")  # killed after the image list, before the manifest
    (folder / ".results.h5.123.tmp").write_bytes(b"half")
    settings = ScanSettings("m.keras", "a" * 64, ("conv",), top_k=K)
    job = ScanJob.start(folder, settings, ["a.png", "b.png"], [("conv", CHANNELS, True)], ["data"])
    assert job.pending().tolist() == [0, 1] and store.is_scan_dir(folder)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(ScanError, match="holds other files"):
        ScanJob.start(tmp_path / "other", settings, ["a.png"], [("conv", CHANNELS, True)], ["data"])


def test_relative_image_paths_start_from_the_folder_the_scan_ran_in(tmp_path, monkeypatch):
    from actviz_tui.core.scan.top_images import image_path

    (tmp_path / "run" / "data").mkdir(parents=True)
    (tmp_path / "run" / "data" / "a.png").write_bytes(b"")
    monkeypatch.chdir(tmp_path / "run")
    settings = ScanSettings("m.keras", "a" * 64, ("conv",), top_k=K)
    ScanJob.start(tmp_path / "run" / "scans" / "s1", settings, ["data/a.png"], [("conv", CHANNELS, True)], ["data"])
    monkeypatch.chdir(tmp_path)  # browsed from elsewhere
    result = ScanResult.open(tmp_path / "run" / "scans" / "s1")
    assert image_path(result, "data/a.png") == tmp_path / "run" / "data" / "a.png"


def test_a_batch_of_one_takes_the_compiled_path_too():
    from actviz_tui.core.scan.dataset import batch_reductions

    calls = []

    class Recording:
        def reductions(self, x, rows):
            calls.append(len(x))
            values = np.arange(len(x) * 3, dtype=np.float32).reshape(len(x), 3)
            return {"conv": ChannelReductions(values, np.zeros((len(x), 3, 2), int), values, values)}

    one = batch_reductions(Recording(), np.zeros((1, 4, 4, 1), np.float32), [1])
    assert calls == [2] and one["conv"].maximum.shape == (1, 3) and one["conv"].position.shape == (1, 3, 2)
    batch_reductions(Recording(), np.zeros((3, 4, 4, 1), np.float32), [1])
    assert calls == [2, 3]
