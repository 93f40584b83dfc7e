"""``actviz scan``, ``scan merge``, ``scan show`` in-process: exact top-k against plain Keras over
~200 generated files (nested folders, an RGB picture for a grey model, bad files), shards merged
in any order = the single run, refusals (one line, exit 1, nothing written or overwritten)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from actviz_tui import cli
from actviz_tui.commands import scan as scan_command

import scan_data
from cli_runs import in_process_cli

LAYERS = ["conv_a", "conv_b", "head"]


@pytest.fixture(scope="module")
def patched_cli():
    """cli.main without its process-wide steps (the backend's environment, fd 2 to a log)."""
    with in_process_cli():
        yield


@pytest.fixture(scope="module")
def world(tmp_path_factory, patched_cli):
    root = tmp_path_factory.mktemp("scan")
    files = scan_data.write_dataset(root / "data")
    model = scan_data.scan_model(root / "model.keras")
    return {"root": root, "data": root / "data", "model": model, **files}


def actviz(capsys, *args) -> tuple[int, str, str]:
    code = cli.main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    return code, out, err


def show_json(capsys, folder: Path, *extra) -> dict:
    code, out, err = actviz(capsys, "scan", "show", folder, "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def scan(capsys, world, out: Path, *extra) -> tuple[int, str, str]:
    return actviz(capsys, "scan", world["model"], world["data"], "--layers", *LAYERS, "--out", out, *extra)


@pytest.fixture(scope="module")
def single(world):
    """The single run's ``show --json`` (default batch size, by max, k=9)."""
    capture = _Capture()
    out = world["root"] / "single"
    code = cli.main(["scan", str(world["model"]), str(world["data"]), "--layers", *LAYERS, "--out", str(out)])
    assert code == 0
    with capture:
        assert cli.main(["scan", "show", str(out), "--json"]) == 0
    return out, json.loads(capture.text)


class _Capture:
    """stdout captured without capsys (module-scoped fixtures cannot take it)."""

    def __enter__(self):
        import contextlib
        import io

        self.buffer = io.StringIO()
        self.redirect = contextlib.redirect_stdout(self.buffer)
        self.redirect.__enter__()

    def __exit__(self, *exc):
        self.redirect.__exit__(*exc)
        self.text = self.buffer.getvalue()


def _reference(world, k=9, by="max") -> dict:
    images = sorted(str(path) for path in world["good"] + world["bad"])
    images = [str(world["data"] / Path(p).relative_to(world["data"])) for p in images]
    return scan_data.brute_force(world["model"], images, LAYERS, k, by)


def _check_against(shown: dict, reference: dict, world) -> None:
    assert shown["images"] == reference["images"] == len(world["good"])
    assert [entry["image"] for entry in shown["skipped"]] == sorted(map(str, world["bad"]))
    assert all(entry["reason"] for entry in shown["skipped"])
    for mine, theirs in zip(shown["layers"], reference["layers"], strict=True):
        assert mine["name"] == theirs["name"]
        scan_data.assert_same(mine["channels"], theirs["channels"], rel=1e-5, path=mine["name"])


def test_top_k_by_max_equals_plain_keras(single, world):
    folder, shown = single
    assert sorted(path.name for path in folder.iterdir()) == ["images.json", "manifest.json", "results.h5"]
    listed = json.loads((folder / "images.json").read_text())
    assert str(world["ignored"][0]) not in listed and len(listed) == len(world["good"]) + len(world["bad"])
    assert shown["model"] == str(world["model"]) and len(shown["model_sha256"]) == 64
    assert (shown["top_k"], shown["by"], shown["complete"]) == (9, "max", True)
    _check_against(shown, _reference(world), world)
    conv_b = shown["layers"][1]["channels"]
    assert conv_b[5]["active"] == 0.0 and conv_b[0]["active"] > 0  # dead on the dataset
    assert shown["layers"][2]["channels"][0]["top"][0]["y"] is None  # Dense: no position


def test_by_mean_odd_batches_equals_plain_keras(capsys, world):
    out = world["root"] / "by_mean"
    good = len(world["good"])
    # The last batch: the last picture (alone, so it runs eagerly) and text.png (skipped).
    batch = next(size for size in range(5, 40) if (good + 3) % size == 2)
    code, _, err = scan(capsys, world, out, "--by", "mean", "--top-k", "4", "--batch-size", batch)
    assert code == 0, err
    shown = show_json(capsys, out)
    assert (shown["top_k"], shown["by"]) == (4, "mean")
    _check_against(shown, _reference(world, k=4, by="mean"), world)


@pytest.mark.parametrize("order", [(3, 1, 2), (2, 3, 1)])
def test_shards_merged_in_any_order_equal_the_single_run(capsys, world, single, order):
    shards = {}
    for part in (1, 2, 3):
        shards[part] = world["root"] / f"shard{part}"
        if not shards[part].exists():
            code, _, err = scan(capsys, world, shards[part], "--shard", f"{part}/3")
            assert code == 0, err
    merged = world["root"] / f"merged_{''.join(map(str, order))}"
    code, out, err = actviz(capsys, "scan", "merge", *(shards[part] for part in order), "--out", merged)
    assert code == 0, err
    assert "3 parts merged" in out and "(complete)" in out
    scan_data.assert_same(show_json(capsys, merged), single[1], rel=1e-9)
    manifest = json.loads((merged / "manifest.json").read_text())
    assert [part["shard"] for part in manifest["parts"]] == [f"{part}/3" for part in order]
    assert manifest["status"] == "complete" and manifest["settings"]["shard"] is None


def test_merge_refuses_a_shard_twice_overlap_and_other_settings(capsys, world, single):
    one = world["root"] / "again1"
    code, _, err = scan(capsys, world, one, "--shard", "1/3")
    assert code == 0, err
    other = world["root"] / "k4"
    assert scan(capsys, world, other, "--shard", "2/3", "--top-k", "4")[0] == 0
    cases = {
        "twice": ([one, one], "shard 1/3 is given twice"),
        "overlap": ([single[0], one], "overlap"),
        "settings": ([one, other], "top_k is 4 there, 9 here"),
    }
    for name, (parts, message) in cases.items():
        target = world["root"] / f"refused_{name}"
        code, out, err = actviz(capsys, "scan", "merge", *parts, "--out", target)
        assert code == 1 and err.startswith("actviz: error: ") and err.count("\n") == 1, err
        assert message in err
        assert not target.exists() or not any(target.iterdir())


def test_a_second_run_is_already_complete_and_rewrites_nothing(capsys, world, single):
    before = {path.name: path.read_bytes() for path in single[0].iterdir()}
    code, _, err = scan(capsys, world, single[0])
    assert code == 0 and "already complete" in err
    assert {path.name: path.read_bytes() for path in single[0].iterdir()} == before


def test_another_model_file_is_refused_and_nothing_is_overwritten(capsys, world, single, tmp_path):
    other = scan_data.scan_model(tmp_path / "other.keras", pause=False)
    other.write_bytes(other.read_bytes() + b"\0")  # same layers, another file
    before = {path.name: path.read_bytes() for path in single[0].iterdir()}
    code, _, err = actviz(capsys, "scan", other, world["data"], "--layers", *LAYERS, "--out", single[0])
    assert code == 1 and err.count("\n") == 1
    assert "another model file" in err and "refusing" in err
    assert {path.name: path.read_bytes() for path in single[0].iterdir()} == before


@pytest.mark.parametrize("change, message", [
    (["--layers", "conv_z"], "no layer named 'conv_z'"),
    (["--layers", "99"], "no layer #99"),
    (["--shard", "4/3"], "--shard 4/3: K must be between 1 and N"),
    (["--shard", "half"], "--shard takes K/N"),
    (["--data", "missing"], "data folder not found"),
])
def test_bad_input_is_one_line_exit_1_and_creates_nothing(capsys, world, tmp_path, change, message):
    out = tmp_path / "never"
    data = world["data"] if change[0] != "--data" else tmp_path / change[1]
    layers = change[1:] if change[0] == "--layers" else LAYERS
    extra = change if change[0] == "--shard" else []
    code, _, err = actviz(capsys, "scan", world["model"], data, "--layers", *layers, "--out", out, *extra)
    assert code == 1 and err.startswith("actviz: error: ") and err.count("\n") == 1, err
    assert message in err
    assert not out.exists()


def test_a_free_size_model_asks_for_size(capsys, world, tmp_path):
    import models_factory

    path = tmp_path / "free.keras"
    models_factory.free_size_cnn().save(path)
    code, _, err = actviz(capsys, "scan", path, world["data"], "--layers", "conv", "--out", tmp_path / "out")
    assert code == 1 and "give --size HxW" in err and not (tmp_path / "out").exists()


def test_ray_missing_is_one_line(capsys, world, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a))
    code, _, err = scan(capsys, world, tmp_path / "out", "--engine", "ray")
    assert code == 1 and err == f"actviz: error: {scan_command.RAY_MISSING}\n"
    assert not (tmp_path / "out").exists()


def test_show_tables_one_channel_and_its_errors(capsys, world, single):
    code, out, _ = actviz(capsys, "scan", "show", single[0], "--layer", "conv_b")
    assert code == 0 and "conv_b" in out and "conv_a" not in out
    assert "top images: score (y, x) image" in out and "0%" in out
    assert "dead on the dataset (never > 0)" in out  # conv_b channel 5: no images listed
    one = show_json(capsys, single[0], "--layer", "conv_a", "--channel", "2")
    assert [channel["channel"] for channel in one["layers"][0]["channels"]] == [2]
    assert one["layers"][0]["channels"][0] == single[1]["layers"][0]["channels"][2]
    for args, message in ((["--channel", "1"], "--channel needs --layer"),
                          (["--layer", "conv_a", "--channel", "4"], "no channel 4"),
                          (["--layer", "nope"], "has no layer 'nope'")):
        code, _, err = actviz(capsys, "scan", "show", single[0], *args)
        assert code == 1 and message in err and err.count("\n") == 1
    code, _, err = actviz(capsys, "scan", "show", world["data"])
    assert code == 1 and "is not a scan folder" in err


def test_merge_and_show_are_read_from_the_first_word():
    parser = scan_command.build_parser()
    merged = parser.parse_args(["merge", "a", "b", "--out", "c"])
    assert merged.scan_action.__module__ == "actviz_tui.commands.scan_merge"
    assert [str(part) for part in merged.parts] == ["a", "b"] and merged.model is None
    plain = parser.parse_args(["./merge", "data", "--layers", "0", "--out", "o"])
    assert str(plain.model) == "merge" and not hasattr(plain, "scan_action")


def test_a_merge_missing_a_shard_is_finished_by_the_plain_scan(capsys, world, single):
    parts = []
    for part in (1, 3):
        folder = world["root"] / f"partial{part}"
        assert scan(capsys, world, folder, "--shard", f"{part}/3")[0] == 0
        parts.append(folder)
    merged = world["root"] / "merged_partial"
    code, out, _ = actviz(capsys, "scan", "merge", *parts, "--out", merged)
    assert code == 0 and "incomplete" in out and not show_json(capsys, merged)["complete"]
    code, _, err = scan(capsys, world, merged)
    thirds = len(range(0, len(world["good"]) + 3, 3)) + len(range(2, len(world["good"]) + 3, 3))
    assert code == 0 and f"resuming: {thirds} of {len(world['good']) + 3} images already done" in err
    scan_data.assert_same(show_json(capsys, merged), single[1], rel=1e-9)


def test_many_bad_files_are_summed_up_after_twenty_lines(capsys, world, tmp_path):
    import shutil

    data = tmp_path / "mostly_bad"
    data.mkdir()
    for number in range(25):
        (data / f"bad_{number:02d}.png").write_text("not a picture")
    shutil.copy(world["good"][0], data / Path(world["good"][0]).name)
    code, out, err = actviz(capsys, "scan", world["model"], data, "--layers", *LAYERS, "--out", tmp_path / "scan")
    assert code == 0
    lines = err.strip().splitlines()
    assert sum(line.startswith("actviz: skipped:") for line in lines) == 20
    assert lines[-1].startswith("actviz: ... and 5 more skipped (all listed in")
    assert out.strip().endswith("1 image scanned, 25 skipped (complete)")


def test_a_free_size_model_scans_images_at_size_and_skips_arrays(capsys, tmp_path):
    import models_factory
    from PIL import Image

    model = tmp_path / "free.keras"
    models_factory.free_size_cnn().save(model)
    data = tmp_path / "data"
    data.mkdir()
    for number, side in enumerate((12, 20, 31)):
        Image.fromarray(np.full((side, side + 3, 3), 40 * number, np.uint8)).save(data / f"p{number}.png")
    np.save(data / "array.npy", np.zeros((9, 9, 3), np.float32))
    code, _, err = actviz(capsys, "scan", model, data, "--layers", "conv", "--out", tmp_path / "no_size")
    assert code == 1 and "--size" in err and not (tmp_path / "no_size").exists()
    code, out, err = actviz(capsys, "scan", model, data, "--layers", "conv", "--out", tmp_path / "scan",
                            "--size", "16x16", "--batch-size", "2")
    assert code == 0, err
    shown = show_json(capsys, tmp_path / "scan")
    assert shown["images"] == 3
    assert [entry["image"] for entry in shown["skipped"]] == [str(data / "array.npy")]
    assert "arrays are not resized" in shown["skipped"][0]["reason"]
