"""``actviz export MODEL --patterns LAYER...``, in-process: one grid PNG per layer, with
``--with-data`` the patterns exactly as ``Model.patterns`` gives them (and as fed to
the model) plus the sidecar; a Dense unit and a named class as targets; every bad
request is one ``actviz: error:`` line, exit 1, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from actviz_tui import cli
from actviz_tui.commands.export import build_parser, figure_requests
from actviz_tui.core.export import FigureRequest
from actviz_tui.core.export.kind_patterns import ALL, DEFAULT_STEPS
from actviz_tui.core.figures.patterns import figure_size
from tests.cli_runs import in_process_cli
from tests.conftest import needs_onednn

REPO = Path(__file__).resolve().parents[2]
GREY = REPO / "actviz_tui" / "samples" / "grayscale_cnn.keras"  # 64x64x1: conv2d_1 32 maps, dense 32 units
NESTED = REPO / "actviz_tui" / "samples" / "residual_nested.keras"  # row 0 is its InputLayer "image"
STEPS = 8


@pytest.fixture(scope="module")
def patched_cli():
    """cli.main without its process-wide steps (the backend's environment, fd 2 to a log)."""
    with in_process_cli():
        yield


@pytest.fixture(scope="module")
def models(tmp_path_factory, patched_cli) -> dict[str, Path]:
    """Small models of the shapes the errors and the class target need."""
    from models_factory import dense_mlp

    import keras

    folder = tmp_path_factory.mktemp("pattern-models")
    keras.utils.set_random_seed(3)
    image = keras.Input((12, 12, 1), name="image")
    maps = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(image)
    pooled = keras.layers.GlobalAveragePooling2D(name="gap")(maps)
    classes = keras.layers.Dense(3, activation="softmax", name="mood")(pooled)
    keras.Model(image, classes, name="moods").save(folder / "moods.keras")
    rows = keras.layers.Reshape((100, 4), name="rows")(maps)  # (N, 100, 4): neither maps nor units
    keras.Model(image, keras.layers.Dense(2, name="head")(keras.layers.Flatten(name="rows_flat")(rows))).save(folder / "rows.keras")
    dense_mlp().save(folder / "mlp.keras")
    (folder / "moods.txt").write_text("happy\nsad\nangry\n")
    return {"moods": folder / "moods.keras", "rows": folder / "rows.keras", "mlp": folder / "mlp.keras",
            "labels": folder / "moods.txt"}


def actviz(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(["export", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def grey_model(patched_cli):
    from actviz_tui.core.model.engine import Model

    return Model.open(GREY)


# --------------------------------------------------------------------------
# the options (no model)


def parse(*args):
    return build_parser().parse_args(["model.keras", *args])


class FakeSession:
    def find_layer(self, text):
        return {"conv_a": 1, "conv_b": 3}[text]


def test_channels_bind_to_the_patterns_before_them_and_the_settings_apply_to_all():
    args = parse("--patterns", "conv_a", "dense", "--channel", "4", "2", "--layer", "conv_b", "--channel", "1",
                 "--patterns", "head", "--all-channels", "--patterns", "conv_b", "--steps", "16", "--seed", "3",
                 "--size", "32x48")
    settings = (("seed", 3), ("size", (32, 48)), ("steps", 16))
    assert figure_requests(FakeSession(), args) == [
        FigureRequest("channel", layer=3, channel=1),
        FigureRequest("patterns", layer="conv_a", options=(("channels", (4, 2)), *settings)),
        FigureRequest("patterns", layer="dense", options=(("channels", (4, 2)), *settings)),
        FigureRequest("patterns", layer="head", options=(("channels", ALL), *settings)),
        FigureRequest("patterns", layer="conv_b", options=(("channels", None), *settings)),
    ]
    defaults = figure_requests(FakeSession(), parse("--patterns", "conv_a"))
    assert defaults == [FigureRequest("patterns", layer="conv_a",
                                      options=(("channels", None), ("seed", 0), ("size", None),
                                               ("steps", DEFAULT_STEPS)))]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--patterns", "a", "--steps", "0"), "argument --steps: expected a number >= 1, got 0"),
        (("--patterns", "a", "--seed", "-1"), "argument --seed: expected a number >= 0, got -1"),
        (("--layer", "a", "--steps", "8"), "--steps needs --patterns"),
        (("--channel", "1", "--patterns", "a"), "--channel and --all-channels go after the --layer or --patterns"),
        (("--patterns", "a", "--channel", "1", "--all-channels"), "one --patterns cannot take both"),
    ],
)
def test_usage_errors_exit_2(capsys, args, words):
    with pytest.raises(SystemExit) as raised:
        parse(*args)
    assert raised.value.code == 2
    assert words in capsys.readouterr().err


# --------------------------------------------------------------------------
# real exports


@pytest.fixture(scope="module")
def exported(tmp_path_factory, patched_cli) -> tuple[int, Path, list[Path]]:
    out = tmp_path_factory.mktemp("patterns") / "out"
    code = cli.main(["export", str(GREY), "--patterns", "conv2d_1", "--channel", "9", "2", "--patterns", "dense",
                     "--channel", "5", "--steps", str(STEPS), "--seed", "2", "--out", str(out), "--with-data"])
    return code, out, sorted(out.iterdir())


def test_one_grid_png_per_layer_with_its_data(exported):
    code, out, files = exported
    assert code == 0
    assert [path.name for path in files] == [
        f"grayscale_cnn__{layer}__patterns.{ext}" for layer in ("conv2d_1", "dense") for ext in ("json", "npy", "png")
    ]
    width, height = figure_size(2, 64, 64)
    png = Image.open(out / "grayscale_cnn__conv2d_1__patterns.png")
    assert png.size == (int(width * 150), int(height * 150))  # Agg truncates the size in pixels


def test_the_npy_is_exactly_what_model_patterns_gives_in_channel_order(exported, grey_model):
    _, out, _ = exported
    saved = np.load(out / "grayscale_cnn__conv2d_1__patterns.npy")
    fresh = grey_model.patterns("conv2d_1", [2, 9], steps=STEPS, seed=2, use_cache=False)
    assert saved.shape == (2, 64, 64, 1) and saved.dtype == np.float32
    np.testing.assert_allclose(saved, fresh.inputs, rtol=1e-5, atol=1e-6)
    record = json.loads((out / "grayscale_cnn__conv2d_1__patterns.json").read_text())
    np.testing.assert_allclose(record["scores"], fresh.scores, rtol=1e-4, atol=1e-5)


def test_the_sidecar_records_the_settings_channels_scores_and_model(exported):
    from actviz_tui.core.file_hash import file_sha256

    _, out, _ = exported
    record = json.loads((out / "grayscale_cnn__conv2d_1__patterns.json").read_text())
    assert (record["kind"], record["layer"], record["pattern_kind"], record["channels"]) == (
        "patterns", "conv2d_1", "maps", [2, 9])
    assert (record["steps"], record["seed"], record["size"], record["learning_rate"]) == (STEPS, 2, None, 0.05)
    assert (record["input_size"], record["layout"], record["shape"]) == ([64, 64], "NHWC", [2, 64, 64, 1])
    assert record["model"] == str(GREY) and record["model_sha256"] == file_sha256(GREY)
    assert record["image"] is None and record["preprocessing"] == "rescale" and "note" not in record
    assert len(record["scores"]) == 2 and "class_names" not in record


def test_feeding_the_npy_to_the_model_gives_the_recorded_scores(exported, grey_model):
    import keras

    from actviz_tui.core.patterns import pattern_target

    _, out, _ = exported
    for layer, count in (("conv2d_1", 32), ("dense", 32)):
        record = json.loads((out / f"grayscale_cnn__{layer}__patterns.json").read_text())
        target = pattern_target(grey_model, layer)
        onehot = np.eye(count, dtype=np.float32)[record["channels"]]
        outputs = target.keras_model([np.load(out / f"grayscale_cnn__{layer}__patterns.npy")], training=False)
        scores = keras.ops.convert_to_numpy(target.values(outputs, keras.ops.convert_to_tensor(onehot)))
        np.testing.assert_allclose(scores, record["scores"], rtol=1e-4, atol=1e-4)
        assert list(np.argsort(scores)) == list(np.argsort(record["scores"]))


def test_a_dense_unit_is_a_target(exported):
    _, out, _ = exported
    record = json.loads((out / "grayscale_cnn__dense__patterns.json").read_text())
    assert (record["pattern_kind"], record["channels"], record["shape"]) == ("units", [5], [1, 64, 64, 1])


def test_an_output_class_is_a_target_titled_by_its_name(capsys, models, tmp_path):
    code, out, err = actviz(capsys, models["moods"], "--patterns", "mood", "--channel", "2", "0", "--labels",
                            models["labels"], "--steps", STEPS, "--out", tmp_path, "--with-data")
    assert code == 0, err
    record = json.loads((tmp_path / "moods__mood__patterns.json").read_text())
    assert (record["pattern_kind"], record["channels"], record["class_names"]) == ("classes", [0, 2],
                                                                                  ["happy", "angry"])
    assert np.load(tmp_path / "moods__mood__patterns.npy").shape == (2, 12, 12, 1)
    assert out.splitlines() == [str(tmp_path / f"moods__mood__patterns.{ext}") for ext in ("png", "npy", "json")]


def test_without_channels_the_first_64_and_a_note(grey_model, patched_cli, monkeypatch):
    from actviz_tui.core.export import kind_patterns
    from actviz_tui.core.export.run import plan_jobs
    from actviz_tui.core.session.model_session import ModelSession

    monkeypatch.setattr(kind_patterns, "DEFAULT_CHANNELS", 4)
    session = ModelSession(grey_model).no_image
    settings = (("seed", 0), ("size", None), ("steps", STEPS))
    (capped,) = plan_jobs(session, [FigureRequest("patterns", layer="conv2d_1", options=settings)])
    assert dict(capped.options)["channels"] == (0, 1, 2, 3)
    assert capped.note == "the first 4 of 32 channels (--channel N... or --all-channels for others)"
    (every,) = plan_jobs(session, [FigureRequest("patterns", layer="conv2d",
                                                 options=(("channels", ALL), *settings))])
    assert dict(every.options)["channels"] == tuple(range(16)) and every.note == ""


# --------------------------------------------------------------------------
# bad requests: one line, exit 1, nothing written


@pytest.mark.parametrize(
    ("model", "args", "line"),
    [
        ("grey", ("--patterns", "conv2d", "--channel", "3", "16"),
         "channel 16 is out of range: layer conv2d has 16 channels (0-15)"),
        ("grey", ("--patterns", "conv2d", "nope"), "no layer named 'nope' in model grayscale_cnn"),
        ("nested", ("--patterns", "image"), "layer image is the input: it has no channels of its own to maximise"),
        ("rows", ("--patterns", "rows"), "layer rows has output shape (None, 100, 4): patterns need 2-D maps per "
                                         "channel (a convolution) or units (a Dense layer)"),
        ("mlp", ("--patterns", "hidden"), "model mlp takes no image: patterns are images to optimise"),
    ],
)
def test_a_bad_request_is_one_line_and_writes_nothing(capsys, models, tmp_path, model, args, line):
    path = {"grey": GREY, "nested": NESTED}.get(model) or models[model]
    out = tmp_path / "out"
    code, printed, err = actviz(capsys, path, *args, "--steps", STEPS, "--out", out, "--with-data")
    assert (code, printed, err) == (1, "", f"actviz: error: {line}\n")
    assert not out.exists()


@needs_onednn  # run with oneDNN on by tests/unit/test_channels_first_process.py
def test_channels_first_patterns_are_saved_in_the_models_layout(capsys, channels_first_keras, patched_cli, tmp_path):
    from actviz_tui.core.model.engine import Model

    code, _, err = actviz(capsys, channels_first_keras, "--patterns", "conv_a", "--channel", "1", "3", "--steps",
                          STEPS, "--out", tmp_path, "--with-data")
    assert code == 0, err
    record = json.loads((tmp_path / "channels_first__conv_a__patterns.json").read_text())
    assert (record["layout"], record["shape"], record["input_size"]) == ("NCHW", [2, 3, 16, 16], [16, 16])
    fresh = Model.open(channels_first_keras).patterns("conv_a", [1, 3], steps=STEPS, use_cache=False)
    saved = np.load(tmp_path / "channels_first__conv_a__patterns.npy")
    np.testing.assert_allclose(saved, fresh.inputs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(saved, np.transpose(fresh.pixels, (0, 3, 1, 2)), rtol=1e-5, atol=1e-6)  # /255 only
