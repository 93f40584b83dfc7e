"""The ``top`` export kind: a channel's top images of a scan in one PNG, with its sidecar;
``actviz export --top-images N --scan SCAN_DIR`` and ``actviz MODEL --scan`` on the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from actviz_tui.core.export import ExportSettings, FigureRequest, export_figures
from actviz_tui.core.figures.top_images import figure_size
from tests.cli_runs import CliRuns, user_environment
from tests.scan_helpers import make_scan, write_pictures

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "ui_tiny_cnn.keras"
TIMEOUT = 240


@pytest.fixture(scope="module")
def scan_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("top")
    write_pictures(root / "pictures", count=5)
    make_scan(TINY, root / "pictures", root / "scan", ("conv_a", "conv_b"), top_k=3)
    return root / "scan"


@pytest.fixture(scope="module")
def runs(scan_dir, tmp_path_factory) -> CliRuns:
    out = tmp_path_factory.mktemp("top-out")
    runs = CliRuns("export", user_environment(), TIMEOUT)
    runs.start("written", TINY, "--top-images", "2", "5", "--scan", scan_dir, "--scan-layer", "conv_b",
               "--out", out, "--with-data")
    runs.start("no-scan", TINY, "--top-images", "2", "--out", out)
    runs.start("not-a-scan", TINY, "--top-images", "2", "--scan", out, "--scan-layer", "conv_b", "--out", out)
    return runs


@pytest.fixture(scope="module")
def session():
    from actviz_tui.core.session.model_session import ModelSession

    return ModelSession.open(TINY)


def test_a_top_images_figure_is_one_png_of_the_figure_size_with_its_sidecar(session, scan_dir, tmp_path):
    from actviz_tui.core.scan.report import ScanResult

    request = FigureRequest("top", layer="conv_b", channel=4, options=(("scan", str(scan_dir)),))
    png, npy, sidecar = export_figures(session.no_image, [request], ExportSettings(folder=tmp_path, with_data=True))
    assert png.name == "ui_tiny_cnn__conv_b__ch004__top-images.png"
    width, height = figure_size(3)
    assert Image.open(png).size == (round(width * 150), round(height * 150))
    tops = ScanResult.open(scan_dir).top("conv_b", 4)
    record = json.loads(sidecar.read_text())
    assert (record["kind"], record["layer"], record["channel"], record["image"]) == ("top", "conv_b", 4, None)
    assert record["scan"] == str(scan_dir.resolve()) and record["by"] == "max" and record["scanned"] == 5
    assert [(t["image"], t["score"], t["y"], t["x"]) for t in record["top"]] == [tuple(top[:1]) + tuple(top[2:])
                                                                                for top in tops]
    assert all(len(t["box"]) == 4 and t["error"] is None for t in record["top"])
    np.testing.assert_allclose(np.load(npy), [top.score for top in tops], rtol=1e-6)


@pytest.mark.parametrize(
    ("layer", "channel", "words"),
    [
        (None, 0, "has layers conv_a, conv_b: say which with --scan-layer"),
        ("dense_a", 0, "has no layer dense_a (it has conv_a, conv_b)"),
        ("conv_b", 12, "has 12 channels (0-11); no channel 12"),
        ("nope", 0, "nope"),
    ],
)
def test_a_request_the_scan_cannot_answer_is_one_line(session, scan_dir, tmp_path, layer, channel, words):
    from actviz_tui.core.errors import ActvizError

    request = FigureRequest("top", layer=layer, channel=channel, options=(("scan", str(scan_dir)),))
    with pytest.raises(ActvizError, match=words.replace("(", r"\(").replace(")", r"\)")):
        export_figures(session.no_image, [request], ExportSettings(folder=tmp_path))
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_the_command_writes_one_figure_per_channel(runs):
    done = runs["written"]
    assert done.returncode == 0, done.stderr
    names = [Path(line).name for line in done.stdout.splitlines()]
    stems = [f"ui_tiny_cnn__conv_b__ch00{channel}__top-images" for channel in (2, 5)]
    assert names == [f"{stem}.{ext}" for stem in stems for ext in ("png", "npy", "json")]


@pytest.mark.slow
@pytest.mark.parametrize(("key", "words"), [("no-scan", "--top-images needs --scan SCAN_DIR"),
                                             ("not-a-scan", "is not a scan folder (no manifest.json)")])
def test_a_missing_or_wrong_scan_is_one_error_line(runs, key, words):
    done = runs[key]
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.startswith("actviz")]
    assert len(lines) == 1 and words in lines[0], done.stderr


@pytest.mark.slow
def test_the_explorer_refuses_a_scan_folder_that_is_not_one(tmp_path):
    command = [sys.executable, "-m", "actviz_tui", str(TINY), "--scan", str(tmp_path)]
    done = subprocess.run(command, cwd=REPO, env=user_environment(), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip() == f"actviz: error: --scan {tmp_path} is not a scan folder (no manifest.json; " \
                                  "'actviz scan' writes one)"


def test_a_scan_of_another_model_file_is_refused(session, scan_dir, tmp_path):
    import shutil

    from actviz_tui.core.errors import ActvizError

    other = tmp_path / "other_scan"
    shutil.copytree(scan_dir, other)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["settings"]["model_sha256"] = "0" * 64
    (other / "manifest.json").write_text(json.dumps(manifest))
    out = tmp_path / "out"
    out.mkdir()
    request = FigureRequest("top", layer="conv_b", channel=0, options=(("scan", str(other)),))
    with pytest.raises(ActvizError, match="made with another model file"):
        export_figures(session.no_image, [request], ExportSettings(folder=out))
    assert not list(out.iterdir())
