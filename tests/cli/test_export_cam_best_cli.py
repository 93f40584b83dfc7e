"""``actviz export --cam --cam-method best`` (each image's own best, said in the title and the
sidecar) and ``--cam-option NAME=VALUE`` (any method option; an unknown one: one error line)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from actviz_tui.core.evaluate.best import best_method
from actviz_tui.core.model.engine import Model
from cli_runs import in_process_cli


@pytest.fixture(scope="module")
def patched_cli():
    with in_process_cli() as main:
        yield main


def export(cli, model, image, folder, *options) -> int:
    return cli(["export", str(model), str(image), "--cam", "--with-data", "--dpi", "30", "--out", str(folder),
                *options])


def sidecar(folder):
    (path,) = folder.glob("*.json")
    return json.loads(path.read_text()), np.load(path.with_suffix(".npy"))


def test_best_writes_the_method_best_method_chooses_on_each_image(
        patched_cli, sample_grayscale_keras, xray_opacity_png, shapes_jpg, tmp_path, capsys):
    model = Model.open(sample_grayscale_keras)
    for number, image in enumerate((xray_opacity_png, shapes_jpg)):
        folder = tmp_path / f"best{number}"
        assert export(patched_cli, sample_grayscale_keras, image, folder, "--cam-method", "best") == 0, \
            capsys.readouterr().err
        meta, heatmap = sidecar(folder)
        choice = best_method(model, model.prepare(image))
        assert (meta["method"], meta["method_choice"], meta["method_reason"]) == (choice.method, "best", choice.reason)
        assert choice.reason.startswith("best of ") and choice.reason.endswith(f"on 1 image: {choice.deletion:.3f}")
        plain = model.explain(model.prepare(image), method=choice.method).heatmaps[0]
        np.testing.assert_allclose(heatmap, plain, atol=1e-6)
        assert f"__{choice.method}-class{meta['class']}" in meta["figure"]


def test_cam_option_steps_reaches_integrated_gradients(patched_cli, sample_grayscale_keras, xray_opacity_png,
                                                       tmp_path, capsys):
    few, default = tmp_path / "steps3", tmp_path / "steps32"
    assert export(patched_cli, sample_grayscale_keras, xray_opacity_png, few, "--cam-method",
                  "integrated_gradients", "--cam-option", "steps=3") == 0, capsys.readouterr().err
    assert export(patched_cli, sample_grayscale_keras, xray_opacity_png, default, "--cam-method",
                  "integrated_gradients") == 0, capsys.readouterr().err
    (meta_few, heatmap_few), (meta_default, heatmap_default) = sidecar(few), sidecar(default)
    assert (meta_few["method_detail"], meta_default["method_detail"]) == ("3 steps", "32 steps")
    assert np.abs(heatmap_few - heatmap_default).max() > 1e-3
    smooth = tmp_path / "smooth"
    assert export(patched_cli, sample_grayscale_keras, xray_opacity_png, smooth, "--cam-method", "smoothgrad",
                  "--cam-option", "samples=2", "--cam-option", "noise=0.1") == 0, capsys.readouterr().err
    assert sidecar(smooth)[0]["method_detail"] == "2 samples, noise 0.1"


@pytest.mark.parametrize("options, message", [
    (["--cam-method", "integrated_gradients", "--cam-option", "stepz=3"],
     "Integrated Gradients has no option stepz (its options: steps, baseline)"),
    (["--cam-method", "gradcam", "--cam-option", "steps"], "--cam-option: a method option is NAME=VALUE"),
    (["--cam-method", "best", "--cam-option", "noise=0.1"],
     "no method scored has an option noise"),
    (["--cam-option", "steps=3"], "HiResCAM has no option steps"),  # the default method for this head
])
def test_a_bad_option_is_one_error_line_and_nothing_is_written(patched_cli, sample_grayscale_keras, xray_opacity_png,
                                                               tmp_path, capsys, options, message):
    folder = tmp_path / "out"
    assert export(patched_cli, sample_grayscale_keras, xray_opacity_png, folder, *options) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("actviz: error: ") and message in err[0], err
    assert not folder.exists()


def test_option_values_are_read_as_numbers_none_bools_or_text():
    from actviz_tui.core.export.cam_options import parse_cam_options

    assert parse_cam_options(["steps=64", "noise=0.1", "patch=None", "flag=true", "name=abc", "steps=8"]) == {
        "steps": 8, "noise": 0.1, "patch": None, "flag": True, "name": "abc"}


def test_a_model_without_maps_gets_heatmaps_from_the_methods_on_its_input(patched_cli, tmp_path, capsys):
    import keras

    inputs = keras.Input((8, 8, 1), name="flat_in")
    outputs = keras.layers.Dense(2, activation="softmax", name="flat_head")(keras.layers.Flatten(name="flat")(inputs))
    keras.Model(inputs, outputs, name="no_maps").save(tmp_path / "no_maps.keras")
    np.save(tmp_path / "x.npy", np.random.default_rng(0).random((8, 8, 1)).astype(np.float32))
    for method in ("saliency", "best"):
        folder = tmp_path / method
        assert export(patched_cli, tmp_path / "no_maps.keras", tmp_path / "x.npy", folder, "--cam-method",
                      method) == 0, capsys.readouterr().err
        meta, heatmap = sidecar(folder)
        assert meta["method"] == "saliency" and meta["layer"] == "input" and heatmap.shape == (8, 8)
    assert export(patched_cli, tmp_path / "no_maps.keras", tmp_path / "x.npy", tmp_path / "gc", "--cam-method",
                  "gradcam") == 1
    assert "no layer with spatial maps" in capsys.readouterr().err and not (tmp_path / "gc").exists()
