"""``actviz compare``: two checkpoints or two images, told apart by the files; the JSON the
issue asks for, the table, the PNG; bad input is one error line."""

from __future__ import annotations

import json

import pytest

from cli_runs import in_process_cli
from models_factory import compare_chain as chain


@pytest.fixture(scope="module")
def patched_cli():
    with in_process_cli() as main:
        yield main


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    import numpy as np
    from PIL import Image

    folder = tmp_path_factory.mktemp("compare")
    original = chain()
    original.save(folder / "a.keras")
    tuned = chain()
    tuned.set_weights(original.get_weights())
    kernel, bias = tuned.get_layer("c3").get_weights()
    tuned.get_layer("c3").set_weights([kernel * 1.5, bias])
    tuned.save(folder / "b.h5")
    rng = np.random.default_rng(0)
    for name in ("x.png", "y.png"):
        Image.fromarray(rng.integers(0, 255, (16, 16, 3), dtype=np.uint8)).save(folder / name)
    return folder


def test_two_checkpoints_first_differ_at_c3(patched_cli, files, tmp_path, capsys):
    out = tmp_path / "out"
    code = patched_cli(["compare", str(files / "a.keras"), str(files / "b.h5"), str(files / "x.png"), "--json",
                        "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    report = json.loads(captured.out)
    assert report["first_divergent"] == "c3"
    assert [layer["name"] for layer in report["layers"]] == ["c1", "c2", "c3", "gap", "head"]
    assert set(report["layers"][0]) == {"name", "relative_l2", "cosine", "cka", "top_channels"}
    assert (out / "divergence.png").read_bytes()[:4] == b"\x89PNG"


def test_a_model_and_two_images_and_the_table(patched_cli, files, capsys):
    assert patched_cli(["compare", str(files / "a.keras"), str(files / "x.png"), str(files / "y.png")]) == 0
    table = capsys.readouterr().out
    assert "first divergent layer c1" in table and "x.png vs y.png through a.keras" in table


def test_three_images_is_one_error_line(patched_cli, files, capsys):
    assert patched_cli(["compare", str(files / "x.png"), str(files / "y.png"), str(files / "x.png")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("actviz: error: compare takes two models and an image") and len(err.splitlines()) == 1
