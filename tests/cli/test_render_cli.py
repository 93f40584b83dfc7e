"""``actviz render``: an export's sidecar drawn again is the same PNG, pixel for pixel; a
changed model is one warning line; a missing one one error line; ``--watch`` draws one PNG
per version of the model file (a thread saving checkpoints over it, a half-written one)."""

from __future__ import annotations

import _thread
import json
import os
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cli_runs import in_process_cli
from models_factory import compare_chain

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "ui_tiny_cnn.keras"
RINGS = REPO / "tests" / "data" / "ui_rings.png"
NESTED = REPO / "actviz_tui" / "samples" / "residual_nested.keras"
SHAPES = REPO / "actviz_tui" / "samples" / "images" / "shapes.jpg"


@pytest.fixture(scope="module")
def cli():
    with in_process_cli() as main:
        yield main


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    """Two checkpoints of one chain (c3 scaled in the second), and a small image."""
    folder = tmp_path_factory.mktemp("checkpoints")
    first = compare_chain()
    first.save(folder / "first.keras")
    second = compare_chain()
    second.set_weights(first.get_weights())
    kernel, bias = second.get_layer("c3").get_weights()
    second.get_layer("c3").set_weights([kernel * -1.5, bias])
    second.save(folder / "second.keras")
    rng = np.random.default_rng(3)
    Image.fromarray(rng.integers(0, 255, (16, 16, 3), dtype=np.uint8)).save(folder / "x.png")
    return folder


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA"))


def run(cli, capsys, *args) -> tuple[int, list[str], list[str]]:
    code = cli([str(arg) for arg in args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


def export(cli, capsys, out: Path, *args) -> list[Path]:
    code, lines, err = run(cli, capsys, "export", *args, "--with-data", "--dpi", "50", "--out", out)
    assert code == 0, err
    return [Path(line) for line in lines]


@pytest.mark.parametrize("model, image, figure, chosen", [
    (TINY, RINGS, ["--layer", "conv_b", "--channel", "5", "--cmap", "magma", "--scale", "layer"], 0),
    (TINY, RINGS, ["--layer", "conv_a"], 0),
    (TINY, RINGS, ["--cam", "--cam-layer", "conv_a", "--cam-cmap", "turbo"], 0),
    (TINY, RINGS, ["--across-layers", "2", "--count", "2"], 0),
    (TINY, RINGS, ["--all-layers"], 1),  # the second layer's grid of three: the sidecar is of that one
    (NESTED, SHAPES, ["--layer", "backbone/bb_conv32", "--channel", "7", "--preprocess", "none"], 0),
], ids=["channel", "grid", "cam", "across", "all-layers", "nested"])
def test_a_sidecar_renders_to_an_identical_png(cli, capsys, tmp_path, model, image, figure, chosen):
    written = export(cli, capsys, tmp_path / "exported", model, image, *figure)
    png, sidecar = written[3 * chosen], written[3 * chosen + 2]
    code, lines, err = run(cli, capsys, "render", sidecar, "--out", tmp_path / "rendered")
    assert code == 0 and err == [], err
    (again,) = [Path(line) for line in lines]
    assert again == tmp_path / "rendered" / png.name  # the export's own name
    np.testing.assert_array_equal(pixels(again), pixels(png))
    assert again.read_bytes() == png.read_bytes()  # the same bytes too: nothing in the PNG varies


def test_the_default_folder_keeps_the_original_and_with_data_is_a_saved_view_again(cli, capsys, tmp_path):
    png, _, sidecar = export(cli, capsys, tmp_path, TINY, RINGS, "--layer", "pool_a", "--channel", "1")
    original = png.read_bytes()
    code, lines, _ = run(cli, capsys, "render", sidecar, "--with-data")
    assert code == 0
    assert [Path(line).name for line in lines] == [f"{png.stem}-2{suffix}" for suffix in (".png", ".npy", ".json")]
    assert png.read_bytes() == original
    record = json.loads(Path(lines[2]).read_text())
    assert record["view"] == json.loads(sidecar.read_text())["view"]
    code, again, _ = run(cli, capsys, "render", lines[2], "--out", tmp_path / "twice")
    assert code == 0 and Path(again[0]).read_bytes() == original


def test_a_changed_model_is_one_warning_line_and_still_drawn(cli, capsys, tmp_path, checkpoints):
    model = tmp_path / "model.keras"
    shutil.copy(checkpoints / "first.keras", model)
    png, _, sidecar = export(cli, capsys, tmp_path / "exported", model, checkpoints / "x.png", "--layer", "c3",
                             "--channel", "1")
    shutil.copy(checkpoints / "second.keras", model)
    code, lines, err = run(cli, capsys, "render", sidecar, "--out", tmp_path / "rendered")
    assert code == 0
    (warning,) = err
    assert warning.startswith("actviz: warning: model.keras is not the model file the view was saved from")
    assert "drawing it as it is now" in warning
    assert not np.array_equal(pixels(Path(lines[0])), pixels(png))  # c3 changed


def test_a_missing_model_is_one_error_line_and_model_names_where_it_went(cli, capsys, tmp_path, checkpoints):
    model = tmp_path / "model.keras"
    shutil.copy(checkpoints / "first.keras", model)
    png, _, sidecar = export(cli, capsys, tmp_path / "exported", model, checkpoints / "x.png", "--layer", "c1",
                             "--channel", "0")
    moved = model.rename(tmp_path / "moved.keras")
    code, lines, err = run(cli, capsys, "render", sidecar, "--out", tmp_path / "rendered")
    assert (code, lines) == (1, [])
    (error,) = err
    assert error == (f"actviz: error: the saved view's model {model} is not there (moved? --model PATH names "
                     "where it is now)")
    code, lines, err = run(cli, capsys, "render", sidecar, "--model", moved, "--out", tmp_path / "rendered")
    assert code == 0 and err == []  # the same bytes under another name: no warning
    # The title names the model file: moved.keras draws "moved", the pixels of the maps the same.
    assert Path(lines[0]).name == png.name.replace("model__", "moved__")


def test_a_file_that_is_no_saved_view_is_one_error_line(cli, capsys, tmp_path):
    path = tmp_path / "notes.json"
    path.write_text('{"kind": "channel"}')
    code, _, err = run(cli, capsys, "render", path)
    assert code == 1 and len(err) == 1 and "is not a saved view: it has no 'view' object" in err[0]


def watch_names(folder: Path, stem: str, shas: list[str]) -> list[str]:
    return [f"{stem}__v{index:03d}_{sha[:8]}.png" for index, sha in enumerate(shas, 1)]


def test_watch_draws_one_png_per_checkpoint_a_thread_saves(cli, capsys, tmp_path, checkpoints):
    from actviz_tui.core.file_hash import file_sha256

    model = tmp_path / "model.keras"
    shutil.copy(checkpoints / "first.keras", model)
    png, _, sidecar = export(cli, capsys, tmp_path / "exported", model, checkpoints / "x.png", "--layer", "c3",
                             "--channel", "2")
    out = tmp_path / "watched"
    failures: list[str] = []

    def training_run() -> None:
        deadline = time.monotonic() + 300
        while not list(out.glob("*.png")):  # the first version drawn
            if time.monotonic() > deadline:
                failures.append("the first version was never drawn")
                _thread.interrupt_main()
                return
            time.sleep(0.05)
        shutil.copy(checkpoints / "second.keras", tmp_path / "saving.keras")
        os.replace(tmp_path / "saving.keras", model)  # as a training run saves a checkpoint

    saver = threading.Thread(target=training_run)
    saver.start()
    code, lines, err = run(cli, capsys, "render", sidecar, "--watch", "--interval", "0.05", "--versions", "2",
                           "--out", out)
    saver.join()
    assert failures == [] and code == 0, err
    shas = [file_sha256(checkpoints / "first.keras"), file_sha256(checkpoints / "second.keras")]
    assert [Path(line).name for line in lines] == watch_names(out, png.stem, shas)
    first, second = (Path(line) for line in lines)
    np.testing.assert_array_equal(pixels(first), pixels(png))  # the checkpoint the view was saved from
    assert not np.array_equal(pixels(second), pixels(png))
    assert err[0].startswith(f"actviz: watching {model}") and err[-1] == "actviz: 2 figures drawn; done"


def test_watch_waits_out_a_half_written_checkpoint_and_says_so_once(cli, capsys, tmp_path, checkpoints, monkeypatch):
    from actviz_tui.commands import render_watch
    from actviz_tui.core.file_hash import file_sha256

    model = tmp_path / "model.keras"
    shutil.copy(checkpoints / "first.keras", model)
    png, _, sidecar = export(cli, capsys, tmp_path / "exported", model, checkpoints / "x.png", "--layer", "c2",
                             "--channel", "0")
    whole = (checkpoints / "second.keras").read_bytes()
    steps = [lambda: model.write_bytes(whole[: len(whole) // 2]),  # the run is writing it
             lambda: None,  # still half: tried again, not said again
             lambda: model.write_bytes(whole)]  # written
    monkeypatch.setattr(render_watch, "sleep", lambda seconds: steps.pop(0)() if steps else None)
    code, lines, err = run(cli, capsys, "render", sidecar, "--watch", "--versions", "2", "--out", tmp_path / "w")
    assert code == 0 and steps == []
    shas = [file_sha256(checkpoints / "first.keras"), file_sha256(checkpoints / "second.keras")]
    assert [Path(line).name for line in lines] == watch_names(tmp_path / "w", png.stem, shas)
    (said,) = [line for line in err if "cannot be loaded yet" in line]
    assert said.startswith("actviz: model.keras cannot be loaded yet (still being written?): model file is corrupt")


def test_watch_ends_on_ctrl_c_with_exit_0(cli, capsys, tmp_path, checkpoints, monkeypatch):
    from actviz_tui.commands import render_watch

    png, _, sidecar = export(cli, capsys, tmp_path / "exported", checkpoints / "first.keras", checkpoints / "x.png",
                             "--layer", "c1", "--channel", "0")

    def interrupted(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(render_watch, "sleep", interrupted)
    code, lines, err = run(cli, capsys, "render", sidecar, "--watch", "--out", tmp_path / "w")
    assert code == 0 and len(lines) == 1
    assert err[-1] == "actviz: stopped watching first.keras: 1 figure drawn"


def test_interval_and_versions_go_with_watch(cli, capsys, tmp_path):
    code, _, err = run(cli, capsys, "render", tmp_path / "v.json", "--versions", "2")
    assert code == 1 and err == ["actviz: error: no saved view " + str(tmp_path / "v.json") + ": no such file"]
    with pytest.raises(SystemExit):
        cli(["render", str(tmp_path / "v.json"), "--watch", "--interval", "0"])


@pytest.mark.slow
def test_a_channels_first_view_renders_as_the_program_runs_it(tmp_path, channels_first_keras):
    """In subprocesses, as a user runs them: render reads the view's model while parsing,
    so a channels_first model gets oneDNN on (its convolutions need it on TensorFlow's CPU)."""
    import subprocess
    import sys

    from cli_runs import user_environment

    def actviz(*args):
        return subprocess.run([sys.executable, "-m", "actviz_tui", *map(str, args)], cwd=REPO,
                              env=user_environment(), capture_output=True, text=True, timeout=300)

    exported = actviz("export", channels_first_keras, RINGS, "--layer", "conv_b", "--channel", "3", "--with-data",
                      "--dpi", "40", "--out", tmp_path / "exported")
    assert exported.returncode == 0, exported.stderr
    png, _, sidecar = (Path(line) for line in exported.stdout.splitlines())
    rendered = actviz("render", sidecar, "--out", tmp_path / "rendered")
    assert rendered.returncode == 0, rendered.stderr
    assert Path(rendered.stdout.strip()).read_bytes() == png.read_bytes()


def test_view_file_errors_are_one_line_before_the_explorer_starts(cli, capsys, tmp_path, checkpoints):
    code, out, err = run(cli, capsys, "--view-file", tmp_path / "gone.json")
    assert (code, out) == (1, []) and err == [f"actviz: error: no saved view {tmp_path / 'gone.json'}: no such file"]
    model = tmp_path / "model.keras"
    shutil.copy(checkpoints / "first.keras", model)
    _, _, sidecar = export(cli, capsys, tmp_path / "exported", model, checkpoints / "x.png", "--layer", "c1")
    model.unlink()
    code, out, err = run(cli, capsys, "--view-file", sidecar)
    assert (code, out) == (1, [])
    assert err == [f"actviz: error: the saved view's model {model} is not there (moved? give MODEL IMAGE on the "
                   "command line)"]


def test_view_file_gives_the_explorer_its_model_image_and_options(tmp_path, checkpoints):
    from actviz_tui.commands.explore import build_parser
    from actviz_tui.commands.session_args import session_options
    from actviz_tui.core.export import ExportSettings, FigureRequest
    from actviz_tui.core.model.options import ModelOptions
    from actviz_tui.core.saved_view import view_object

    options = ModelOptions(preprocessing="symmetric", size=(20, 24))
    record = {"model": str(checkpoints / "first.keras"), "image": str(checkpoints / "x.png"), "layers": ["c2"],
              "view": view_object(FigureRequest("across", layer="c2", channel=1), "c2", ExportSettings(), options)}
    path = tmp_path / "v.json"
    path.write_text(json.dumps(record))
    args = build_parser().parse_args(["--view-file", str(path)])
    assert (args.model, args.images) == (checkpoints / "first.keras", [checkpoints / "x.png"])
    assert (session_options(args).preprocessing, session_options(args).size) == ("symmetric", (20, 24))
    given = build_parser().parse_args([str(checkpoints / "second.keras"), "--view-file", str(path), "--preprocess",
                                       "none"])
    assert (given.model, given.images, given.preprocess) == (checkpoints / "second.keras", [checkpoints / "x.png"],
                                                              "none")
