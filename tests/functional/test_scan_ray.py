"""``--engine ray``: a small scan through a local Ray cluster of its own (2 CPUs, loopback only)
gives the local engine's result: the same top-k images and peaks, maxima, active counts and skips."""

from __future__ import annotations

import numpy as np
import pytest

ray = pytest.importorskip("ray")
pytest.importorskip("ray.data")

from models_factory import sequential_no_input  # noqa: E402

from actviz_tui.core.export.files import file_sha256  # noqa: E402
from actviz_tui.core.model.engine import Model  # noqa: E402
from actviz_tui.core.model.options import ModelOptions  # noqa: E402
from actviz_tui.core.scan.dataset import dataset_images, layer_shapes, read_batch  # noqa: E402
from actviz_tui.core.scan.job import ScanJob  # noqa: E402
from actviz_tui.core.scan.ray_run import WorkerPlan, plan_workers, run_ray  # noqa: E402
from actviz_tui.core.scan.settings import ScanError, ScanSettings  # noqa: E402
from actviz_tui.core.scan.totals import ScanTotals  # noqa: E402

LAYERS = ("conv_a", "conv_b", "dense_a")
BATCH, K = 8, 4


@pytest.fixture(scope="module")
def local_cluster():
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR",
             _node_ip_address="127.0.0.1")
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def scan_inputs(tmp_path_factory):
    """The tiny model saved as .keras, and 40 pictures in nested folders: sizes vary, one is grey,
    one .npy array, one empty file; a .txt that is never read."""
    from PIL import Image

    root = tmp_path_factory.mktemp("ray_scan")
    model_path = root / "tiny.keras"
    sequential_no_input(16).save(model_path)
    rng = np.random.default_rng(3)
    data = root / "data"
    for index in range(38):
        folder = data / f"part{index % 3}" / ("deep" if index % 5 == 0 else "")
        folder.mkdir(parents=True, exist_ok=True)
        side = int(rng.integers(12, 30))
        pixels = rng.integers(0, 256, (side, side, 3), dtype=np.uint8)
        Image.fromarray(pixels[..., 0] if index == 7 else pixels).save(folder / f"img{index:02d}.png")
    np.save(data / "array.npy", rng.random((16, 16, 3), dtype=np.float32))
    (data / "part1" / "broken.png").write_bytes(b"")
    (data / "notes.txt").write_text("not an image")
    return model_path, data


def _start(tmp_path, model_path, data) -> ScanJob:
    model = Model.open(model_path)
    settings = ScanSettings(str(model_path), file_sha256(model_path), LAYERS, top_k=K)
    images = dataset_images([data])
    rows = [model.find_layer(name) for name in LAYERS]
    return ScanJob.start(tmp_path / "scan", settings, images, layer_shapes(model, rows), [str(data)], "ray")


def _reference(model_path, images: list[str]) -> ScanTotals:
    """What the local engine does: batches in order through model.reductions into ScanTotals."""
    model = Model.open(model_path)
    totals = ScanTotals.empty(layer_shapes(model, [model.find_layer(name) for name in LAYERS]), K, len(images))
    for start in range(0, len(images), BATCH):
        indices = np.arange(start, min(start + BATCH, len(images)))
        read = read_batch(model, indices, [images[i] for i in indices])
        if read.x is not None:
            reduced = model.reductions(read.x, list(LAYERS))
            totals.add_batch(read.indices, [reduced[name] for name in LAYERS], "max")
        for index, reason in read.skipped.items():
            totals.add_skipped(index, reason)
    return totals


def _assert_same(ours: ScanTotals, reference: ScanTotals) -> None:
    assert ours.done.all() and reference.done.all()
    assert ours.skipped == reference.skipped
    for mine, theirs in zip(ours.layers, reference.layers, strict=True):
        assert mine.name == theirs.name
        for key in ("top_score", "top_image", "top_y", "top_x", "maximum", "active"):
            np.testing.assert_array_equal(getattr(mine, key), getattr(theirs, key), err_msg=f"{mine.name}.{key}")
        np.testing.assert_allclose(mine.mean_sum, theirs.mean_sum, rtol=1e-9)


def test_ray_scan_equals_the_local_engine(local_cluster, scan_inputs, tmp_path):
    model_path, data = scan_inputs
    job = _start(tmp_path, model_path, data)
    seen: list[tuple[int, int]] = []
    run_ray(job, ModelOptions(), BATCH, 2, lambda done, total: seen.append((done, total)))
    assert job.complete
    assert len(job.images) == 40 and job.totals.scanned == 39
    assert list(job.totals.skipped) == [job.images.index(str(data / "part1" / "broken.png"))]
    _assert_same(job.totals, _reference(model_path, job.images))
    assert seen[0] == (0, 40) and seen[-1] == (40, 40)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_ray_scan_resumes_with_the_images_left(local_cluster, scan_inputs, tmp_path):
    model_path, data = scan_inputs
    job = _start(tmp_path, model_path, data)
    first = _reference(model_path, job.images[:16])  # as if an earlier run had done 16 images
    job.totals.add_part(first.layers, np.arange(16), first.skipped)
    job.checkpoint(force=True)
    resumed = _start(tmp_path, model_path, data)
    assert resumed.resumed_from == 16
    seen: list[tuple[int, int]] = []
    run_ray(resumed, ModelOptions(), BATCH, 1, lambda done, total: seen.append((done, total)))
    assert seen[0] == (16, 40) and seen[-1] == (40, 40)
    _assert_same(resumed.totals, _reference(model_path, resumed.images))


def test_a_node_without_the_model_file_fails_in_one_line(local_cluster, scan_inputs, tmp_path):
    model_path, data = scan_inputs
    job = _start(tmp_path, model_path, data)
    moved = tmp_path / "elsewhere.keras"
    model_path.rename(moved)
    try:
        with pytest.raises(ScanError) as raised:
            run_ray(job, ModelOptions(), BATCH, 1)
    finally:
        moved.rename(model_path)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("the Ray scan failed: model ") and "every node needs it at the same path" in message


def test_worker_plan_takes_one_gpu_each_else_shares_the_cores():
    assert plan_workers({"CPU": 16.0, "GPU": 4.0}, None) == WorkerPlan(4, num_cpus=1.0, num_gpus=1.0)
    assert plan_workers({"CPU": 16.0, "GPU": 2.0}, 4) == WorkerPlan(4, num_cpus=1.0, num_gpus=0.5)
    assert plan_workers({"CPU": 8.0}, None) == WorkerPlan(4, num_cpus=2.0, num_gpus=0.0)
    assert plan_workers({"CPU": 2.0}, 4) == WorkerPlan(4, num_cpus=0.5, num_gpus=0.0)
    with pytest.raises(ScanError, match="--workers must be at least 1"):
        plan_workers({"CPU": 2.0}, 0)


def test_a_ray_address_where_nothing_answers_fails_in_one_line(scan_inputs, tmp_path, monkeypatch):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("RAY_ADDRESS", f"127.0.0.1:{port}")
    model_path, data = scan_inputs
    job = _start(tmp_path, model_path, data)
    monkeypatch.setattr(ray, "is_initialized", lambda: False)  # as in a fresh process; the fixture's stays up
    with pytest.raises(ScanError, match=rf"^no Ray cluster answers at 127.0.0.1:{port} \(\$RAY_ADDRESS\)$"):
        run_ray(job, ModelOptions(), BATCH, 1)
