"""``actviz export``: argument checks in-process, then a few real runs in subprocesses.

TensorFlow takes seconds to import, so the module fixture starts every
command at once and each test reads its own finished run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from tests.cli_runs import CliRuns, user_environment

from actviz_tui.commands.export import build_parser

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "ui_tiny_cnn.keras"
RINGS = REPO / "tests" / "data" / "ui_rings.png"
SAMPLE = REPO / "actviz_tui" / "samples" / "chest_xray_cnn.h5"
SAMPLE_IMAGE = REPO / "actviz_tui" / "samples" / "images" / "xray_opacity.png"
TF_NOISE = ("oneDNN", "cuda", "absl::InitializeLog", "cuInit", "I0000 ", "W0000 ", "E0000 ")
TIMEOUT = 240


# --------------------------------------------------------------------------
# the parser (no TensorFlow)


def parse(*args):
    return build_parser().parse_args(["model.keras", "image.png", *args])


def usage_error(capsys, *args) -> str:
    with pytest.raises(SystemExit) as raised:
        parse(*args)
    assert raised.value.code == 2
    return capsys.readouterr().err


def test_defaults():
    args = parse("--all-layers")
    assert (args.out, args.cmap, args.scale, args.dpi) == (Path("actviz-export"), "viridis", "channel", 150)
    assert not (args.with_data or args.overwrite or args.input_image or args.all_channels)
    assert args.preprocess == "rescale"  # the shared model options are there


def test_repeated_and_multi_value_options_add_up():
    args = parse(
        "--layer", "conv_a", "3", "--layer", "conv_b", "--channel", "1", "2", "--across-layers", "4", "--across-layers", "5"
    )
    assert args.layers == ["conv_a", "3", "conv_b"]
    assert args.channels == [1, 2]
    assert args.across_layers == [4, 5]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), "nothing to draw"),
        (("--out", "x"), "nothing to draw"),
        (("--channel", "3"), "need --layer"),
        (("--all-channels", "--input-image"), "need --layer"),
        (("--layer", "a", "--channel", "1", "--all-channels"), "cannot take both"),
        (("--channel", "1", "--layer", "a"), "go after the --layer"),
        (("--input-image", "--first", "3"), "--first needs --all-layers"),
        (("--input-image", "--around", "conv_a"), "--around needs --across-layers"),
        (("--all-layers", "--count", "3"), "--count needs --across-layers"),
        (("--across-layers", "3", "--count", "0"), "expected a number >= 1"),
        (("--layer", "a", "--channel", "-1"), "expected a number >= 0"),
        (("--all-layers", "--first", "0"), "expected a number >= 1"),
        (("--input-image", "--dpi", "5"), "10-1200"),
        (("--input-image", "--cmap", "jet"), "invalid choice"),
        (("--input-image", "--scale", "global"), "invalid choice"),
    ],
)
def test_usage_errors_exit_2(capsys, args, words):
    assert words in usage_error(capsys, *args)


def test_cmap_choices_are_the_app_colormaps():
    from actviz_tui.core.pictures.colormap import COLORMAP_NAMES

    parser = build_parser()
    (cmap,) = [action for action in parser._actions if action.dest == "cmap"]
    assert tuple(cmap.choices) == COLORMAP_NAMES


class FakeSession:
    names = {"conv_a": 1, "conv_b": 3}

    def find_layer(self, text):
        return int(text) if str(text).isdigit() else self.names[text]


def test_options_become_requests_in_order_without_repeats():
    from actviz_tui.commands.export import figure_requests
    from actviz_tui.core.export import FigureRequest

    args = parse("--layer", "conv_a", "1", "--channel", "0", "5", "--across-layers", "2",
                 "--all-layers", "--first", "8", "--input-image")
    assert figure_requests(FakeSession(), args) == [  # in FIGURE_KINDS order
        FigureRequest("channel", layer=1, channel=0),
        FigureRequest("channel", layer=1, channel=5),  # "conv_a" and "1" are the same layer
        FigureRequest("across", channel=2),
        FigureRequest("all-layers", max_layers=8),
        FigureRequest("input"),
    ]
    grids = figure_requests(FakeSession(), parse("--layer", "conv_a", "conv_b", "--all-channels"))
    assert grids == [FigureRequest("grid", layer=1), FigureRequest("grid", layer=3)]


def test_across_layers_takes_several_channels_around_a_layer():
    from actviz_tui.commands.export import figure_requests
    from actviz_tui.core.export import FigureRequest

    args = parse("--across-layers", "4", "29", "--around", "conv_b", "--count", "6")
    assert figure_requests(FakeSession(), args) == [
        FigureRequest("across", layer="conv_b", channel=4, max_layers=6),
        FigureRequest("across", layer="conv_b", channel=29, max_layers=6),
    ]


def test_channels_belong_to_the_layer_option_before_them():
    from actviz_tui.commands.export import figure_requests
    from actviz_tui.core.export import FigureRequest

    args = parse("--layer", "conv_a", "--channel", "4", "29", "--layer", "conv_b", "--all-channels", "--layer", "2")
    assert figure_requests(FakeSession(), args) == [
        FigureRequest("channel", layer=1, channel=4),
        FigureRequest("channel", layer=1, channel=29),
        FigureRequest("grid", layer=3),
        FigureRequest("grid", layer=2),
    ]


def test_filters_option_takes_layers_and_no_image():
    from actviz_tui.commands.export import figure_requests
    from actviz_tui.core.export import FigureRequest

    args = build_parser().parse_args(["model.keras", "--filters", "conv_b", "1"])
    assert args.images == []
    assert figure_requests(FakeSession(), args) == [
        FigureRequest("filters", layer=3), FigureRequest("filters", layer=1),
    ]


def test_several_images_and_folders_are_taken_and_the_help_says_what_a_skip_does():
    args = build_parser().parse_args(["model.keras", "a.png", "scans/", "b.npy", "--input-image"])
    assert args.images == [Path("a.png"), Path("scans"), Path("b.npy")]
    text = " ".join(build_parser().format_help().split())
    assert "folders of them" in text and "subfolders too, in sorted order" in text
    assert "cannot be read among several is skipped with one message on stderr" in text
    assert "the exit code is then 1" in text
    assert "file names start with the layer's table row" in text  # --all-layers
    assert "an index or a name from --labels" in text  # --cam


def test_progress_reporter_is_silent_without_a_terminal(capsys):
    from actviz_tui.commands.export import progress_reporter

    with progress_reporter(False) as report:
        report.status("loading")
        report(1, 2, Path("a.png"))
    assert capsys.readouterr() == ("", "")


# --------------------------------------------------------------------------
# real runs


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export_cli")
    (folder / "file.txt").write_text("a file, not a folder")
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    scans = folder / "scans"
    (scans / "sub").mkdir(parents=True)
    (scans / "a.png").write_bytes(RINGS.read_bytes())
    (scans / "sub" / "b.png").write_bytes((REPO / "tests" / "data" / "ui_rings_inverted.png").read_bytes())
    (scans / "broken.jpg").write_bytes(b"not a jpeg")
    (scans / "notes.txt").write_text("not an input")
    (folder / "labels.txt").write_text("rings\n")
    import numpy as np
    from PIL import Image

    with Image.open(RINGS) as image:
        np.save(folder / "rings.npy", np.asarray(image.convert("RGB").resize((24, 24)), dtype=np.float32) / 255)
    return folder


@pytest.fixture(scope="module")
def runs(folder):
    env = user_environment()
    env["XDG_CACHE_HOME"] = str(folder / "cache")  # the diverted TensorFlow log goes here
    runs = CliRuns("export", env, TIMEOUT)
    runs.start(
        "ok", TINY, RINGS, "--layer", "conv_a", "--channel", "1", "5", "--layer", "dense_a", "--across-layers", "2",
        "--all-layers", "--input-image", "--with-data", "--dpi", "60", "--out", folder / "out",
    )
    runs.start("unknown_layer", TINY, RINGS, "--layer", "conv_z", "--out", folder / "bad1")
    runs.start("channel_range", TINY, RINGS, "--layer", "conv_b", "--channel", "3", "12", "--out", folder / "bad2")
    runs.start("bad_image", TINY, folder / "broken.png", "--input-image", "--out", folder / "bad3")
    runs.start("bad_folder", TINY, RINGS, "--all-layers", "--out", folder / "file.txt" / "out")
    runs.start("nothing", TINY, RINGS)  # a usage error: no TensorFlow import
    runs.start("filters", TINY, "--filters", "conv_a", "dense_a", "--with-data", "--dpi", "40", "--out", folder / "filters")
    runs.start("filters_pool", TINY, "--filters", "pool_a", "--out", folder / "bad4")
    runs.start("layer_no_image", TINY, "--layer", "conv_a", "--out", folder / "bad5")
    # the README's example asks for conv_b's grid twice: --layer conv_b and --all-layers
    runs.start("twice", TINY, RINGS, "--layer", "conv_b", "--all-channels", "--all-layers", "--out", folder / "twice")
    runs.start("missing_parent", TINY, RINGS, "--all-layers", "--out", "/proc/nope/out")
    runs.start("cam", SAMPLE, SAMPLE_IMAGE, "--cam", "--with-data", "--dpi", "40", "--out", folder / "cam")
    runs.start("cam_method", TINY, RINGS, "--cam", "0", "--cam-layer", "conv_a", "--cam-method", "occlusion",
               "--cam-cmap", "turbo", "--dpi", "40", "--out", folder / "cam2")
    runs.start("cam_class", TINY, RINGS, "--cam", "40", "--out", folder / "bad4")
    runs.start("cam_layer", TINY, RINGS, "--cam", "--cam-layer", "dense_a", "--out", folder / "bad5")
    runs.start("many", TINY, folder / "scans", RINGS, folder / "missing.png", "--layer", "conv_b", "--channel", "1",
               "--all-layers", "--filters", "conv_a", "--dpi", "30", "--out", folder / "many")
    runs.start("cam_name", TINY, RINGS, "--cam", "not rings", "--labels", folder / "labels.txt", "--with-data",
               "--dpi", "30", "--out", folder / "cam_name")
    runs.start("cam_unknown", TINY, RINGS, "--cam", "ring", "--labels", folder / "labels.txt", "--out", folder / "bad6")
    runs.start("npy", TINY, folder / "rings.npy", "--input-image", "--with-data", "--dpi", "30", "--out", folder / "npy")
    yield runs
    runs.close()


def assert_one_error_line(done, *words):
    assert done.returncode == 1, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("actviz: error: ")
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in done.stderr
    for noise in TF_NOISE:
        assert noise not in done.stderr
    assert done.stdout == ""


@pytest.mark.slow
def test_export_prints_one_written_path_per_line(runs, folder):
    done = runs["ok"]
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no progress bar when stderr is not a terminal, no TensorFlow noise
    paths = [Path(line) for line in done.stdout.splitlines()]
    stem = "ui_tiny_cnn__ui_rings__"  # the model's name, the image's
    pngs = [p.name for p in paths if p.suffix == ".png"]
    assert pngs == [  # in FIGURE_KINDS order
        f"{stem}conv_a__ch001__channel.png",
        f"{stem}conv_a__ch005__channel.png",
        f"{stem}dense_a__grid.png",  # --channel binds to the --layer before it only
        f"{stem}ch002__across-layers.png",
        f"001__{stem}conv_a__grid.png",  # --all-layers: the table row first
        f"002__{stem}pool_a__grid.png",
        f"003__{stem}conv_b__grid.png",
        f"{stem}input.png",
    ]
    assert len(paths) == 3 * len(pngs)  # --with-data: .npy and .json after each PNG
    for path in paths:
        assert path.is_file() and path.parent == folder / "out"
    assert sorted(os.listdir(folder / "out")) == sorted(p.name for p in paths)
    sidecar = json.loads((folder / "out" / f"{stem}conv_a__ch005__channel.json").read_text())
    assert (sidecar["layer"], sidecar["channel"], sidecar["dpi"]) == ("conv_a", 5, 60)


@pytest.mark.slow
def test_unknown_layer(runs, folder):
    assert_one_error_line(runs["unknown_layer"], "no layer named 'conv_z'")
    assert not (folder / "bad1").exists()


@pytest.mark.slow
def test_channel_out_of_range_writes_nothing(runs, folder):
    assert_one_error_line(runs["channel_range"], "layer conv_b has 12 channels (0-11); no channel 12")
    assert not (folder / "bad2").exists()  # channel 3 was fine, but nothing is written


@pytest.mark.slow
def test_unreadable_image(runs, folder):
    assert_one_error_line(runs["bad_image"], "broken.png")


@pytest.mark.slow
def test_unwritable_folder(runs, folder):
    assert_one_error_line(runs["bad_folder"], "file.txt", "not a folder")


@pytest.mark.slow
def test_no_figure_option_is_a_usage_error(runs):
    done = runs["nothing"]
    assert done.returncode == 2
    assert "nothing to draw" in done.stderr and done.stderr.startswith("usage: actviz export")
    assert "Traceback" not in done.stderr and done.stdout == ""


@pytest.mark.slow
def test_filters_need_no_image_and_save_the_kernel_as_stored(runs, folder):
    import numpy as np

    done = runs["filters"]
    assert done.returncode == 0, done.stderr
    names = [Path(line).name for line in done.stdout.splitlines()]
    assert names[0::3] == ["ui_tiny_cnn__conv_a__filters.png", "ui_tiny_cnn__dense_a__filters.png"]
    kernel = np.load(folder / "filters" / "ui_tiny_cnn__conv_a__filters.npy")
    assert kernel.shape == (3, 3, 3, 6)  # conv_a's kernel: 3x3 over RGB, 6 filters
    assert_one_error_line(runs["filters_pool"], "layer pool_a (MaxPooling2D) has no weights")
    assert_one_error_line(runs["layer_no_image"], "no input image was given, and the grid figure needs one")


@pytest.mark.slow
def test_one_run_writes_each_figure_once(runs, folder):
    done = runs["twice"]
    assert done.returncode == 0, done.stderr
    names = [Path(line).name for line in done.stdout.splitlines()]
    assert names == ["003__ui_tiny_cnn__ui_rings__conv_b__grid.png", "001__ui_tiny_cnn__ui_rings__conv_a__grid.png",
                     "002__ui_tiny_cnn__ui_rings__pool_a__grid.png"]  # conv_b's once, numbered like the others
    assert sorted(os.listdir(folder / "twice")) == sorted(names)


@pytest.mark.slow
def test_a_folder_that_cannot_be_created_names_the_missing_part(runs):
    assert_one_error_line(runs["missing_parent"], "cannot create folder /proc/nope/out: /proc/nope does not exist")


@pytest.mark.slow
def test_cam_writes_the_overlay_and_the_heatmap_at_input_resolution(runs, folder):
    done = runs["cam"]
    assert done.returncode == 0, done.stderr
    names = [Path(line).name for line in done.stdout.splitlines()]
    stem = "chest_xray_cnn__xray_opacity__max_pooling2d_3__hirescam-class1"  # Flatten + Dense head: HiResCAM
    assert names == [f"{stem}.png", f"{stem}.npy", f"{stem}.json"]
    heatmap = np.load(folder / "cam" / f"{stem}.npy")
    assert heatmap.shape == (150, 150) and heatmap.dtype == np.float32
    assert heatmap.min() >= 0 and heatmap.max() == pytest.approx(1.0)
    sidecar = json.loads((folder / "cam" / f"{stem}.json").read_text())
    assert (sidecar["class"], sidecar["label"], sidecar["layer"], sidecar["method"]) == (
        1, "positive", "max_pooling2d_3", "hirescam")  # one sigmoid unit: class 1 is the positive one
    assert sidecar["score"] > 0 and sidecar["probability"] > 0.99


@pytest.mark.slow
def test_cam_method_and_class_can_be_chosen(runs, folder):
    done = runs["cam_method"]
    assert done.returncode == 0, done.stderr
    assert [Path(line).name for line in done.stdout.splitlines()] == ["ui_tiny_cnn__ui_rings__occlusion-class0.png"]


@pytest.mark.slow
def test_cam_class_out_of_range(runs, folder):
    assert_one_error_line(runs["cam_class"], "no class 40")
    assert not (folder / "bad4").exists()


@pytest.mark.slow
def test_cam_layer_without_spatial_maps(runs, folder):
    assert_one_error_line(runs["cam_layer"], "layer dense_a", "has no spatial maps")
    assert not (folder / "bad5").exists()


@pytest.mark.slow
def test_several_images_and_a_folder_in_one_run_skip_the_unreadable_and_exit_1(runs, folder):
    done = runs["many"]
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [  # one line per unreadable input, nothing else
        f"actviz: skipped: not an image Pillow can read: {folder / 'scans' / 'broken.jpg'}",
        f"actviz: skipped: image not found: {folder / 'missing.png'}",
    ]
    names = [Path(line).name for line in done.stdout.splitlines()]
    per_image = [
        [f"ui_tiny_cnn__{image}__conv_b__ch001__channel.png"]
        + [f"{row:03d}__ui_tiny_cnn__{image}__{layer}__grid.png" for row, layer in ((1, "conv_a"), (2, "pool_a"), (3, "conv_b"))]
        for image in ("a", "b", "ui_rings")  # scans/a.png, scans/sub/b.png (sorted), then ui_rings.png
    ]
    assert names == [*per_image[0], *per_image[1], *per_image[2], "ui_tiny_cnn__conv_a__filters.png"]
    assert sorted(os.listdir(folder / "many")) == sorted(names)
    assert sorted(names)[:3] == [f"001__ui_tiny_cnn__{image}__conv_a__grid.png" for image in ("a", "b", "ui_rings")]


@pytest.mark.slow
def test_cam_takes_a_class_name_and_a_sigmoid_has_its_negative_class(runs, folder):
    done = runs["cam_name"]
    assert done.returncode == 0, done.stderr
    stem = "ui_tiny_cnn__ui_rings__conv_b__hirescam-class0"
    assert [Path(line).name for line in done.stdout.splitlines()] == [f"{stem}.png", f"{stem}.npy", f"{stem}.json"]
    sidecar = json.loads((folder / "cam_name" / f"{stem}.json").read_text())
    assert (sidecar["class"], sidecar["label"]) == (0, "not rings")
    assert sidecar["probability"] == pytest.approx(1 - 0.50829, abs=1e-4)  # the model gives the rings p = 0.508
    assert_one_error_line(runs["cam_unknown"], "no class named 'ring'; close: rings, not rings")
    assert not (folder / "bad6").exists()


@pytest.mark.slow
def test_an_array_input_is_labelled_not_preprocessed(runs, folder):
    done = runs["npy"]
    assert done.returncode == 0, done.stderr
    sidecar = json.loads((folder / "npy" / "ui_tiny_cnn__rings__input.json").read_text())
    assert sidecar["preprocessing"] == "none (array)" and sidecar["image"] == str(folder / "rings.npy")
