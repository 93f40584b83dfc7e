"""`actviz evaluate`: the JSON the issue asks for, the table, the curves and the CSV; bad input."""

from __future__ import annotations

import csv
import json

import pytest

from cli_runs import in_process_cli


@pytest.fixture(scope="module")
def patched_cli():
    with in_process_cli() as main:
        yield main


def test_json_ranks_methods_with_intervals_and_a_random_floor(patched_cli, sample_h5, sample_dir, tmp_path, capsys):
    out = tmp_path / "eval"
    code = patched_cli(["evaluate", str(sample_h5), str(sample_dir / "images" / "xray_opacity.png"),
                        str(sample_dir / "images" / "xray_clear.png"), "--methods", "hirescam", "gradcam",
                        "--steps", "8", "--json", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    assert (report["images"], report["steps"], report["baseline"]) == (2, 8, "zero")
    names = [entry["method"] for entry in report["methods"]]
    assert set(names) == {"hirescam", "gradcam", "random"}
    deletions = [entry["deletion"] for entry in report["methods"]]
    assert deletions == sorted(deletions)  # best (lowest deletion) first
    for entry in report["methods"]:
        assert set(entry) >= {"method", "deletion", "insertion", "deletion_ci", "insertion_ci", "n"}
        assert entry["n"] == 2 and entry["deletion_ci"][0] <= entry["deletion"] <= entry["deletion_ci"][1]
    assert [row["file"].rsplit("/", 1)[-1] for row in report["per_image"]] == ["xray_opacity.png", "xray_clear.png"]
    assert (out / "curves.png").read_bytes()[:4] == b"\x89PNG"
    rows = list(csv.DictReader(open(out / "per_image.csv")))
    assert len(rows) == 2 and float(rows[0]["hirescam_deletion"]) == pytest.approx(
        report["per_image"][0]["hirescam"]["deletion"], abs=1e-6)


def test_the_table_and_an_unknown_method(patched_cli, sample_h5, sample_dir, capsys):
    image = str(sample_dir / "images" / "xray_opacity.png")
    assert patched_cli(["evaluate", str(sample_h5), image, "--methods", "hirescam", "--steps", "4"]) == 0
    table = capsys.readouterr().out
    assert "hirescam" in table and "random" in table and "deletion" in table
    assert patched_cli(["evaluate", str(sample_h5), image, "--methods", "nosuch"]) == 1
    assert capsys.readouterr().err.startswith("actviz: error:")


def test_sanity_check_and_method_options_reach_the_json(patched_cli, sample_h5, sample_dir, capsys):
    image = str(sample_dir / "images" / "xray_opacity.png")
    code = patched_cli(["evaluate", str(sample_h5), image, "--methods", "hirescam", "integrated_gradients",
                        "--cam-option", "steps=3", "--steps", "4", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    assert report["sanity"]["randomised"] == ["dense", "dense_1"] and report["sanity"]["pass_below"] == 0.5
    by_name = {entry["method"]: entry for entry in report["methods"]}
    assert by_name["random"]["sanity"] == {"correlation": pytest.approx(1.0), "passed": False}
    assert by_name["hirescam"]["sanity"]["passed"] is (by_name["hirescam"]["sanity"]["correlation"] < 0.5)
    assert by_name["hirescam"]["deletion_ci"] is None and by_name["hirescam"]["n"] == 1  # one image: no interval


def test_a_method_option_no_method_has_is_one_error_line_and_writes_nothing(patched_cli, sample_h5, sample_dir,
                                                                           tmp_path, capsys):
    image = str(sample_dir / "images" / "xray_opacity.png")
    out = tmp_path / "never"
    for option in ("stepz=3", "steps", "steps=0"):
        assert patched_cli(["evaluate", str(sample_h5), image, "--methods", "gradcam", "integrated_gradients",
                            "--cam-option", option, "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("actviz: error:") and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_the_table_shows_the_sanity_column_unless_skipped(patched_cli, sample_h5, sample_dir, capsys):
    image = str(sample_dir / "images" / "xray_opacity.png")
    assert patched_cli(["evaluate", str(sample_h5), image, "--methods", "hirescam", "--steps", "2"]) == 0
    table = capsys.readouterr().out
    assert "sanity ρ" in table and "randomising dense, dense_1" in table and "none: 1 image" in table
    assert patched_cli(["evaluate", str(sample_h5), image, "--methods", "hirescam", "--steps", "2",
                        "--no-sanity"]) == 0
    assert "sanity" not in capsys.readouterr().out


def test_by_default_the_quick_methods_are_scored(patched_cli, sample_h5, sample_dir, capsys):
    from actviz_tui.core.explain import cheap_methods

    image = str(sample_dir / "images" / "xray_opacity.png")
    assert patched_cli(["evaluate", str(sample_h5), image, "--steps", "2", "--no-sanity", "--json"]) == 0
    methods = {entry["method"] for entry in json.loads(capsys.readouterr().out)["methods"]}
    assert methods == {*cheap_methods(), "random"} and "occlusion" not in methods


def test_a_class_by_name_and_bad_targets_before_any_folder(patched_cli, sample_h5, sample_dir, tmp_path, capsys):
    image = str(sample_dir / "images" / "xray_clear.png")
    base = ["evaluate", str(sample_h5), image, "--methods", "gradcam", "--steps", "2", "--no-sanity"]
    assert patched_cli([*base, "--class", "positive", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["per_image"][0]["class"] == 1
    out = tmp_path / "never"
    for bad, words in ((["--class", "99"], "no class 99"), (["--class", "nosuch"], "no class named 'nosuch'"),
                       (["--layer", "nosuch"], "no layer named 'nosuch'")):
        assert patched_cli([*base, *bad, "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert err.startswith("actviz: error:") and words in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
    (tmp_path / "file").write_text("")
    assert patched_cli([*base, "--out", str(tmp_path / "file" / "out")]) == 1
    assert "is a file, not a folder" in capsys.readouterr().err


def test_a_model_without_maps_scores_the_methods_on_its_input(patched_cli, tmp_path, capsys):
    import keras
    import numpy as np

    inputs = keras.Input((8, 8, 1), name="flat_in")
    outputs = keras.layers.Dense(2, activation="softmax", name="flat_head")(keras.layers.Flatten(name="flat")(inputs))
    keras.Model(inputs, outputs, name="no_maps").save(tmp_path / "no_maps.keras")
    np.save(tmp_path / "x.npy", np.random.default_rng(0).random((8, 8, 1)).astype(np.float32))
    assert patched_cli(["evaluate", str(tmp_path / "no_maps.keras"), str(tmp_path / "x.npy"), "--steps", "2",
                        "--no-sanity", "--json"]) == 0, capsys.readouterr().err
    methods = {entry["method"] for entry in json.loads(capsys.readouterr().out)["methods"]}
    assert methods == {"saliency", "random"}
