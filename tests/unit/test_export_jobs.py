"""core.export: requests -> PNG (+ .npy/.json) files, checked before anything is written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from actviz_tui.core.errors import ActvizError, ExportError, LayerLookupError
from actviz_tui.core.export import (
    FIGURE_KINDS,
    MAX_ACROSS_PANELS,
    ExportCancelled,
    ExportSettings,
    FigureRequest,
    export_figures,
    spatial_layer_rows,
)
from actviz_tui.core.export import files as export_files
from actviz_tui.core.export.run import plan_jobs

REPO = Path(__file__).resolve().parents[2]
# rows: image, conv_a (6 ch), pool_a, conv_b (12 ch), flat, dense_a (10 units), score (1 unit)
TINY = REPO / "tests" / "data" / "ui_tiny_cnn.keras"
RINGS = REPO / "tests" / "data" / "ui_rings.png"
IMAGE, CONV_A, POOL_A, CONV_B, FLAT, DENSE_A, SCORE = range(7)
DPI = 50  # small files, fast tests


@pytest.fixture(scope="module")
def session():
    from actviz_tui.core.session.model_session import ModelSession

    return ModelSession.open(TINY).image(RINGS)


@pytest.fixture(scope="module")
def nested(sample_nested_keras):
    from actviz_tui.core.session.model_session import ModelSession

    return ModelSession.open(sample_nested_keras).image(RINGS)


def settings(folder: Path, **changes) -> ExportSettings:
    return ExportSettings(folder=folder, dpi=changes.pop("dpi", DPI), **changes)


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


def assert_good_png(path: Path, dpi: int = DPI) -> np.ndarray:
    """Opens with Pillow, is not blank; returns its RGB pixels."""
    with Image.open(path) as image:
        image.load()
        assert image.format == "PNG"
        pixels = np.asarray(image.convert("RGB"))
    assert pixels.std() > 5, f"{path.name} looks blank"
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 16, f"{path.name} has almost no colours"
    return pixels


def first_run(flags: np.ndarray) -> tuple[int, int]:
    """[start, stop) of the first run of True values."""
    start = int(np.argmax(flags))
    stop = start + int(np.argmin(flags[start:])) if not flags[start:].all() else len(flags)
    return start, stop


# --------------------------------------------------------------------------
# every kind


@pytest.mark.parametrize(
    ("request_", "names"),
    [
        (FigureRequest("channel", layer=CONV_A, channel=3), ["ui_tiny_cnn__ui_rings__conv_a__ch003__channel.png"]),
        (FigureRequest("channel", layer="conv_b", channel=11), ["ui_tiny_cnn__ui_rings__conv_b__ch011__channel.png"]),
        (FigureRequest("grid", layer=CONV_B), ["ui_tiny_cnn__ui_rings__conv_b__grid.png"]),
        (FigureRequest("across", channel=2), ["ui_tiny_cnn__ui_rings__ch002__across-layers.png"]),
        (
            FigureRequest("all-layers"),
            ["001__ui_tiny_cnn__ui_rings__conv_a__grid.png", "002__ui_tiny_cnn__ui_rings__pool_a__grid.png",
             "003__ui_tiny_cnn__ui_rings__conv_b__grid.png"],  # numbered: ls sorts them in table order
        ),
        (FigureRequest("input"), ["ui_tiny_cnn__ui_rings__input.png"]),
        (FigureRequest("cam"), ["ui_tiny_cnn__ui_rings__conv_b__hirescam-class1.png"]),
        (FigureRequest("grid", layer=DENSE_A), ["ui_tiny_cnn__ui_rings__dense_a__grid.png"]),
        (FigureRequest("channel", layer=DENSE_A, channel=4), ["ui_tiny_cnn__ui_rings__dense_a__ch004__channel.png"]),
        (FigureRequest("grid", layer=SCORE), ["ui_tiny_cnn__ui_rings__score__grid.png"]),
    ],
    ids=lambda value: getattr(value, "kind", None) and f"{value.kind}-{value.layer}-{value.channel}",
)
def test_every_kind_writes_a_good_png(session, tmp_path, request_, names):
    paths = export_figures(session, [request_], settings(tmp_path))
    assert sorted(p.name for p in paths) == names
    assert listing(tmp_path) == names  # nothing else: no temporary files, no data files
    for path in paths:
        assert path.parent == tmp_path
        pixels = assert_good_png(path)
        assert pixels.shape[0] >= 2 * DPI and pixels.shape[1] >= 4 * DPI  # a few inches at DPI


def test_png_size_is_figure_size_times_dpi(session, tmp_path):
    from actviz_tui.core.figures import layer_grid_figure

    maps = session.activation(CONV_B)
    expected_w, expected_h = layer_grid_figure(maps, title="x").get_size_inches()
    for dpi in (40, 100):
        (path,) = export_figures(session, [FigureRequest("grid", layer=CONV_B)], settings(tmp_path / str(dpi), dpi=dpi))
        with Image.open(path) as image:
            width, height = image.size
        # Agg truncates a fractional pixel
        assert abs(width - expected_w * dpi) < 1 and abs(height - expected_h * dpi) < 1


def test_all_layers_is_every_layer_with_maps_in_table_order(session, tmp_path):
    paths = export_figures(session, [FigureRequest("all-layers")], settings(tmp_path))
    assert [p.name for p in paths] == [
        "001__ui_tiny_cnn__ui_rings__conv_a__grid.png",
        "002__ui_tiny_cnn__ui_rings__pool_a__grid.png",
        "003__ui_tiny_cnn__ui_rings__conv_b__grid.png",
    ]
    first = export_figures(session, [FigureRequest("all-layers", max_layers=2)], settings(tmp_path / "two"))
    assert [p.name for p in first] == [p.name for p in paths[:2]]
    # conv_b's grid asked for twice: one file, numbered like the rest of --all-layers
    both = export_figures(session, [FigureRequest("grid", layer=CONV_B), FigureRequest("all-layers")],
                          settings(tmp_path / "both"))
    assert [p.name for p in both] == [paths[2].name, paths[0].name, paths[1].name]


def test_input_layer_and_nested_model_rows_are_not_layers_of_all_layers(nested):
    names = [nested.layers[row].name for row in spatial_layer_rows(nested)]
    assert "image" not in names and "backbone" not in names  # the input; a nested model's repeated output
    assert names[0] == "backbone/bb_conv16" and names[-1] == "res_relu"


def test_across_layers_uses_layers_that_have_the_channel(session, tmp_path):
    # conv_a and pool_a have 6 channels, conv_b 12: channel 8 is only in conv_b
    path = export_figures(session, [FigureRequest("across", channel=8)], settings(tmp_path / "a", with_data=True))[0]
    sidecar = json.loads(path.with_suffix(".json").read_text())
    assert sidecar["layers"] == ["conv_b"]
    path = export_figures(session, [FigureRequest("across", channel=1)], settings(tmp_path / "b", with_data=True))[0]
    sidecar = json.loads(path.with_suffix(".json").read_text())
    assert sidecar["layers"] == ["conv_a", "pool_a", "conv_b"]
    assert sidecar["map_sizes"] == [[22, 22], [11, 11], [9, 9]]
    data = np.load(path.with_suffix(".npy"))
    assert data.shape == (3, 22, 22)
    for index, row in enumerate((CONV_A, POOL_A, CONV_B)):
        size = sidecar["map_sizes"][index][0]
        np.testing.assert_array_equal(data[index, :size, :size], session.activation(row)[:, :, 1])
        assert np.isnan(data[index, size:, :]).all() and np.isnan(data[index, :, size:]).all()


def test_across_layers_caps_its_panels_on_a_deep_model(deep_session, tmp_path):
    # channel 40 is in the 64+-channel layers of conv3_*, conv4_*, conv5_*, conv2d_12 (not conv2_*, not the bottlenecks)
    channel = 40
    spatial = spatial_layer_rows(deep_session)
    having = [row for row in spatial if deep_session.layers[row].channels > channel]
    assert MAX_ACROSS_PANELS < len(having) < len(spatial)
    (job,) = plan_jobs(deep_session, [FigureRequest("across", channel=channel)])
    assert job.rows == tuple(having[:MAX_ACROSS_PANELS])
    assert job.note == f"layers 1-{MAX_ACROSS_PANELS} of {len(having)} with channel {channel}"

    paths = export_figures(deep_session, [FigureRequest("across", channel=channel)], settings(tmp_path, with_data=True))
    assert [p.name for p in paths] == [f"deep_resnet__ui_rings__ch{channel:03d}__across-layers{suffix}" for suffix in (".png", ".npy", ".json")]
    assert listing(tmp_path) == sorted(p.name for p in paths)
    assert_good_png(paths[0])
    sidecar = json.loads(paths[2].read_text())
    names = [deep_session.layers[row].name for row in having[:MAX_ACROSS_PANELS]]
    assert sidecar["layers"] == names and len(names) == MAX_ACROSS_PANELS
    assert names[0] == "conv3_block1_0_conv" and all(name.startswith(("conv3_", "conv4_")) for name in names)
    assert sidecar["note"] == job.note
    assert len(sidecar["panel_ranges"]) == MAX_ACROSS_PANELS
    data = np.load(paths[1])
    assert data.shape == (MAX_ACROSS_PANELS, 8, 8)  # conv3's 8x8 maps; conv4's 4x4 ones NaN-padded
    np.testing.assert_array_equal(data[-1, :4, :4], deep_session.activation(having[MAX_ACROSS_PANELS - 1])[:, :, channel])


# --------------------------------------------------------------------------
# never overwriting


def test_second_export_gets_new_names_and_leaves_the_first_alone(session, tmp_path):
    request = [FigureRequest("channel", layer=CONV_A, channel=0)]
    (first,) = export_figures(session, request, settings(tmp_path))
    before = first.read_bytes()
    os.utime(first, (1_000_000, 1_000_000))
    (second,) = export_figures(session, request, settings(tmp_path))
    assert second.name == "ui_tiny_cnn__ui_rings__conv_a__ch000__channel-2.png"
    assert first.read_bytes() == before and first.stat().st_mtime == 1_000_000
    (third,) = export_figures(session, request, settings(tmp_path, overwrite=True))
    assert third == first
    assert first.stat().st_mtime != 1_000_000  # replaced
    assert listing(tmp_path) == sorted([first.name, second.name])


def test_overwrite_replaces_a_different_file(session, tmp_path):
    target = tmp_path / "ui_tiny_cnn__ui_rings__input.png"
    target.write_bytes(b"not a png")
    (path,) = export_figures(session, [FigureRequest("input")], settings(tmp_path, overwrite=True))
    assert path == target
    assert_good_png(target)


def test_with_data_numbers_png_npy_and_json_together(session, tmp_path):
    request = [FigureRequest("grid", layer=CONV_A)]
    export_figures(session, request, settings(tmp_path, with_data=True))
    # a stray .json under the next name: all three files must move on to -3
    (tmp_path / "ui_tiny_cnn__ui_rings__conv_a__grid-2.json").write_text("{}")
    paths = export_figures(session, request, settings(tmp_path, with_data=True))
    assert [p.name for p in paths] == [
        "ui_tiny_cnn__ui_rings__conv_a__grid-3.png",
        "ui_tiny_cnn__ui_rings__conv_a__grid-3.npy",
        "ui_tiny_cnn__ui_rings__conv_a__grid-3.json",
    ]


# --------------------------------------------------------------------------
# validation: nothing written for a bad batch


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (FigureRequest("channel", layer=CONV_A, channel=40), "layer conv_a has 6 channels (0-5); no channel 40"),
        (FigureRequest("channel", layer=CONV_B, channel=12), "layer conv_b has 12 channels (0-11); no channel 12"),
        (FigureRequest("channel", layer=DENSE_A, channel=10), "layer dense_a has 10 units (0-9); no unit 10"),
        (FigureRequest("channel", layer=SCORE, channel=1), "layer score has 1 unit (only 0); no unit 1"),
        (FigureRequest("channel", layer=CONV_A, channel=-1), "no channel -1"),
        (FigureRequest("channel", layer=CONV_A), "needs a channel"),
        (FigureRequest("channel", channel=1), "needs a layer"),
        (FigureRequest("grid"), "needs a layer"),
        (FigureRequest("grid", layer=7), "no layer #7: model ui_tiny_cnn has 7 layers (0-6)"),
        (FigureRequest("grid", layer="nope"), "no layer named 'nope'"),
        (FigureRequest("across"), "needs a channel"),
        (FigureRequest("across", channel=12), "no layer of model ui_tiny_cnn has a channel 12"),
        (FigureRequest("all-layers", max_layers=0), "at least one layer"),
    ],
)
def test_bad_request_is_one_clear_line_and_writes_nothing(session, tmp_path, request_, message):
    with pytest.raises(LayerLookupError) as raised:
        plan_jobs(session, [request_])
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    folder = tmp_path / "out"
    good = FigureRequest("grid", layer=CONV_A)
    with pytest.raises(LayerLookupError):
        export_figures(session, [good, good, request_], settings(folder))
    assert not folder.exists()  # not even the folder


def test_grid_of_a_dense_layer_is_valid(session):
    assert len(plan_jobs(session, [FigureRequest("grid", layer=DENSE_A), FigureRequest("grid", layer=FLAT)])) == 2


def test_unknown_kind_and_bad_settings_are_value_errors(session, tmp_path):
    with pytest.raises(ValueError, match="unknown figure kind"):
        plan_jobs(session, [FigureRequest("movie")])
    for bad in ({"scale": "global"}, {"cmap": "no-such-map"}, {"dpi": 0}):
        with pytest.raises(ValueError):
            export_figures(session, [FigureRequest("input")], settings(tmp_path / "x", **bad))
    assert not (tmp_path / "x").exists()
    assert set(FIGURE_KINDS) == {"channel", "grid", "across", "all-layers", "input", "filters", "cam", "top",
                                 "patterns", "compare"}


def test_unwritable_folder_is_an_export_error(session, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="is a file, not a folder"):
        export_figures(session, [FigureRequest("input")], settings(blocker / "out"))


def test_session_without_an_image_is_refused(tmp_path):
    from actviz_tui.core.session.model_session import ModelSession

    bare = ModelSession.open(TINY).no_image
    with pytest.raises(ExportError, match="no input image was given, and the input figure needs one"):
        export_figures(bare, [FigureRequest("input")], settings(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------
# data files


SIDECAR_KEYS = {
    "kind", "figure", "model", "model_sha256", "image", "preprocessing", "layer", "layers", "channel",
    "scale", "cmap", "dpi", "shape", "dtype", "vmin", "vmax", "data_range", "actviz_version", "created",
}


def test_channel_data_is_the_channel_drawn(session, tmp_path):
    paths = export_figures(
        session, [FigureRequest("channel", layer=CONV_B, channel=5)], settings(tmp_path, with_data=True, cmap="magma")
    )
    png, npy, sidecar_path = paths
    assert (png.suffix, npy.suffix, sidecar_path.suffix) == (".png", ".npy", ".json")
    assert png.stem == npy.stem == sidecar_path.stem
    channel = session.activation(CONV_B)[:, :, 5]
    np.testing.assert_array_equal(np.load(npy), channel)
    sidecar = json.loads(sidecar_path.read_text())
    assert SIDECAR_KEYS <= set(sidecar)
    assert sidecar["model"] == str(TINY.resolve())
    assert sidecar["model_sha256"] == export_files.file_sha256(TINY)
    assert sidecar["image"] == str(RINGS.resolve())
    assert sidecar["preprocessing"] == "rescale"
    assert (sidecar["kind"], sidecar["layer"], sidecar["channel"]) == ("channel", "conv_b", 5)
    assert sidecar["layers"] == ["conv_b"]
    assert (sidecar["cmap"], sidecar["scale"], sidecar["dpi"]) == ("magma", "channel", DPI)
    assert sidecar["shape"] == [9, 9] and sidecar["dtype"] == "float32"
    assert sidecar["figure"] == png.name
    # The colour range is the channel's own min..max: the darkest colour is its
    # smallest activation, the brightest its largest.
    assert channel.max() > channel.min()
    assert sidecar["vmin"] == pytest.approx(float(channel.min()))
    assert sidecar["vmax"] == pytest.approx(float(channel.max()))
    assert sidecar["data_range"] == pytest.approx([float(channel.min()), float(channel.max())])


def test_layer_scale_colours_a_channel_on_the_layer_range(session, tmp_path):
    paths = export_figures(
        session, [FigureRequest("channel", layer=CONV_B, channel=5)], settings(tmp_path, with_data=True, scale="layer")
    )
    sidecar = json.loads(paths[2].read_text())
    layer = session.activation(CONV_B)
    assert sidecar["vmin"] == pytest.approx(float(layer.min()))
    assert sidecar["vmax"] == pytest.approx(float(layer.max()))


def test_channel_png_colours_follow_the_activation(session, tmp_path):
    """The drawn map's colours rank its pixels like the activation does."""
    import matplotlib

    act = session.activation(CONV_A)
    channel = int(np.argmax(act.reshape(-1, act.shape[-1]).std(axis=0)))
    values = act[:, :, channel]
    request = FigureRequest("channel", layer=CONV_A, channel=channel)
    (png,) = export_figures(session, [request], settings(tmp_path, dpi=100))
    pixels = np.asarray(Image.open(png).convert("RGB")).astype(np.int64)
    # Exactly the bytes matplotlib paints for each of the colormap's 256 levels.
    lut = matplotlib.colormaps["viridis"](np.arange(256), bytes=True)[:, :3].astype(np.int64)
    codes = pixels @ np.array([1 << 16, 1 << 8, 1])
    lut_codes = lut @ np.array([1 << 16, 1 << 8, 1])
    order = np.argsort(lut_codes)
    found = np.clip(np.searchsorted(lut_codes[order], codes), 0, 255)
    on_map = lut_codes[order][found] == codes  # the map (and colorbar) pixels
    level = order[found]
    rows = np.flatnonzero(on_map.sum(axis=1) > pixels.shape[1] * 0.3)
    left, right = first_run(on_map[rows].mean(axis=0) > 0.9)  # the colorbar is a later run
    top, bottom = first_run(on_map[:, left:right].mean(axis=1) > 0.9)
    height, width = values.shape
    ys = (top + (np.arange(height) + 0.5) * (bottom - top) / height).astype(int)
    xs = (left + (np.arange(width) + 0.5) * (right - left) / width).astype(int)
    drawn = level[np.ix_(ys, xs)]
    expected = np.round((values - values.min()) / (values.max() - values.min()) * 255)
    assert np.corrcoef(drawn.ravel(), expected.ravel())[0, 1] > 0.99
    assert np.unravel_index(np.argmax(drawn), drawn.shape) == np.unravel_index(np.argmax(values), values.shape)


def test_grid_data_is_the_layer_and_lists_each_channel_range(session, tmp_path):
    png, npy, sidecar_path = export_figures(
        session, [FigureRequest("grid", layer=CONV_A)], settings(tmp_path, with_data=True)
    )
    layer = session.activation(CONV_A)
    np.testing.assert_array_equal(np.load(npy), layer)
    sidecar = json.loads(sidecar_path.read_text())
    assert sidecar["vmin"] is None and sidecar["vmax"] is None  # no single scale
    assert len(sidecar["panel_ranges"]) == 6
    assert sidecar["panel_ranges"][2] == pytest.approx([float(layer[..., 2].min()), float(layer[..., 2].max())])
    assert sidecar["shape"] == [22, 22, 6]
    dead = [c for c in range(6) if not np.any(layer[..., c])]  # a ReLU layer: dead = all exactly 0 here
    assert sidecar["dead_channels"] == dead


def test_dense_layer_data(session, tmp_path):
    paths = export_figures(
        session,
        [FigureRequest("channel", layer=DENSE_A, channel=4), FigureRequest("grid", layer=SCORE)],
        settings(tmp_path, with_data=True),
    )
    assert len(paths) == 6
    np.testing.assert_array_equal(np.load(paths[1]), session.activation(DENSE_A))
    sidecar = json.loads(paths[2].read_text())
    assert sidecar["value"] == pytest.approx(float(session.activation(DENSE_A)[4]))
    assert sidecar["shape"] == [10]
    np.testing.assert_array_equal(np.load(paths[4]), session.activation(SCORE))


def test_input_data_is_the_model_input(session, tmp_path):
    _png, npy, sidecar_path = export_figures(session, [FigureRequest("input")], settings(tmp_path, with_data=True))
    np.testing.assert_array_equal(np.load(npy), session.model_input)
    sidecar = json.loads(sidecar_path.read_text())
    assert sidecar["kind"] == "input" and sidecar["layers"] == [] and sidecar["shape"] == [24, 24, 3]


def test_model_hash_is_computed_once_per_export(session, tmp_path, monkeypatch):
    calls = []
    real = export_files.file_sha256
    monkeypatch.setattr(export_files, "file_sha256", lambda path: calls.append(path) or real(path))
    export_figures(session, [FigureRequest("all-layers")], settings(tmp_path, with_data=True))
    assert len(calls) == 1


# --------------------------------------------------------------------------
# progress


def test_progress_is_called_once_per_file(session, tmp_path):
    seen = []
    paths = export_figures(
        session,
        [FigureRequest("all-layers"), FigureRequest("input")],
        settings(tmp_path, with_data=True),
        progress=lambda done, total, path: seen.append((done, total, path)),
    )
    assert len(paths) == 12
    assert seen == [(index + 1, 12, path) for index, path in enumerate(paths)]
    assert all(path.exists() for path in paths)


# --------------------------------------------------------------------------
# cancellation and where the arrays come from


@pytest.mark.parametrize(("with_data", "first_files"), [(False, 1), (True, 3)])
def test_should_stop_after_the_first_figure_cancels_cleanly(session, tmp_path, with_data, first_files):
    asked = []

    def should_stop() -> bool:
        asked.append(len(listing(tmp_path)))
        return len(asked) > 1  # yes from the second figure on

    with pytest.raises(ExportCancelled) as raised:
        export_figures(
            session, [FigureRequest("all-layers")], settings(tmp_path, with_data=with_data), should_stop=should_stop
        )
    assert isinstance(raised.value, ActvizError)
    assert asked == [0, first_files]  # asked before each figure, never mid-figure
    assert len(raised.value.paths) == first_files
    assert raised.value.paths[0].name == "001__ui_tiny_cnn__ui_rings__conv_a__grid.png"
    assert listing(tmp_path) == sorted(p.name for p in raised.value.paths)  # no temporary file left


def test_should_stop_that_never_says_yes_changes_nothing(session, tmp_path):
    paths = export_figures(session, [FigureRequest("input")], settings(tmp_path), should_stop=lambda: False)
    assert [p.name for p in paths] == ["ui_tiny_cnn__ui_rings__input.png"]


class CountingSession:
    """The real session, recording how export asks for arrays."""

    def __init__(self, session):
        self._session = session
        self.calls: list[tuple] = []

    def __getattr__(self, name):
        return getattr(self._session, name)

    def activation(self, row):
        self.calls.append(("activation", row))
        return self._session.activation(row)

    def activations(self, rows):
        self.calls.append(("activations", list(rows)))
        return self._session.activations(rows)


def test_rows_an_export_needs_come_from_one_activations_call(session, tmp_path):
    counting = CountingSession(session)
    requests = [FigureRequest("all-layers"), FigureRequest("across", channel=1), FigureRequest("grid", layer=DENSE_A)]
    export_figures(counting, requests, settings(tmp_path))
    assert counting.calls == [("activations", [CONV_A, POOL_A, CONV_B, DENSE_A])]
    single = CountingSession(session)
    export_figures(single, [FigureRequest("grid", layer=CONV_B)], settings(tmp_path / "one"))
    assert single.calls == [("activation", CONV_B)]


def test_cam_data_is_the_heatmap_at_input_resolution_with_its_sidecar(session, tmp_path):
    request_ = FigureRequest("cam", options=(("class", 0), ("cmap", "inferno"), ("method", "gradcam++")))
    paths = export_figures(session, [request_], settings(tmp_path, with_data=True))
    assert [p.suffix for p in paths] == [".png", ".npy", ".json"]
    data = np.load(paths[1])
    expected = session.class_heatmap(method="gradcam++", class_index=0)
    assert data.shape == session.model_input.shape[:2] and data.dtype == np.float32
    np.testing.assert_array_equal(data, expected.heatmap)
    sidecar = json.loads(paths[2].read_text())
    assert (sidecar["kind"], sidecar["class"], sidecar["method"], sidecar["layer"]) == (
        "cam", 0, "gradcam++", expected.layer_name)
    assert sidecar["score"] == pytest.approx(expected.score) and sidecar["cam_cmap"] == "inferno"
    assert "label" in sidecar


@pytest.mark.parametrize(
    "options, layer, message",
    [
        ((("class", 9),), None, "no class 9"),
        ((), "dense_a", "has no spatial maps"),
        ((("method", "magic"),), None, "unknown class heatmap method"),
    ],
)
def test_bad_cam_request_is_one_line_and_writes_nothing(session, tmp_path, options, layer, message):
    from actviz_tui.core.errors import ActvizError

    with pytest.raises(ActvizError, match=message):
        export_figures(session, [FigureRequest("cam", layer=layer, options=options)], settings(tmp_path))
    assert listing(tmp_path) == []


def test_cam_class_by_name_and_the_negative_class_of_a_sigmoid(tmp_path):
    from actviz_tui.core.errors import ClassIndexError
    from actviz_tui.core.model.options import ModelOptions
    from actviz_tui.core.session.model_session import ModelSession

    labels = tmp_path / "labels.txt"
    labels.write_text("rings\n")  # one name: the sigmoid's class 1; class 0 is "not rings"
    results = ModelSession.open(TINY, ModelOptions(labels=str(labels))).image(RINGS)
    p = float(results.model.outputs(results.batch)[0][0, 0])
    paths = export_figures(results, [FigureRequest("cam", options=(("class", "not rings"),))],
                           settings(tmp_path / "out", with_data=True))
    assert [path.name for path in paths][0] == "ui_tiny_cnn__ui_rings__conv_b__hirescam-class0.png"
    sidecar = json.loads(paths[2].read_text())
    assert (sidecar["class"], sidecar["label"]) == (0, "not rings")
    assert sidecar["probability"] == pytest.approx(1 - p, abs=1e-5)  # 1 - sigmoid for the negative class
    positive = results.class_heatmap(class_index=1)
    assert positive.label == "rings" and positive.probability == pytest.approx(p, abs=1e-5)
    assert positive.score == pytest.approx(-sidecar["score"])  # the negative class scores -logit
    assert not np.allclose(np.load(paths[1]), positive.heatmap)
    with pytest.raises(ClassIndexError, match="no class named 'ring'; close: rings, not rings"):
        export_figures(results, [FigureRequest("cam", options=(("class", "ring"),))], settings(tmp_path / "bad"))
    assert listing(tmp_path / "bad") == []


def test_an_array_input_says_it_was_not_preprocessed(session, tmp_path):
    from actviz_tui.core.session.model_session import ModelSession

    array = tmp_path / "rings.npy"
    np.save(array, session.batch[0] * 7.0)  # any values: they go in as they are
    results = ModelSession.open(TINY).image(array)
    paths = export_figures(results, [FigureRequest("input")], settings(tmp_path / "out", with_data=True))
    assert [path.name for path in paths] == [f"ui_tiny_cnn__rings__input{suffix}" for suffix in (".png", ".npy", ".json")]
    assert json.loads(paths[2].read_text())["preprocessing"] == "none (array)"
    assert results.preprocessing == "none (array)" and session.preprocessing == "rescale"


@pytest.mark.parametrize("channels, detail", [(0, "all 12 channels"), (4, "4 of 12 channels")])
def test_cam_score_cam_channels_reach_the_heatmap_and_the_sidecar(session, tmp_path, channels, detail):
    options = (("class", 0), ("max_channels", channels), ("method", "scorecam"))
    paths = export_figures(session, [FigureRequest("cam", options=options)], settings(tmp_path, with_data=True))
    sidecar = json.loads(paths[2].read_text())
    expected = session.class_heatmap(method="scorecam", class_index=0, max_channels=channels)
    assert sidecar["method"] == "scorecam" and sidecar["method_detail"] == detail == expected.detail
    np.testing.assert_array_equal(np.load(paths[1]), expected.heatmap)


def test_cam_channels_are_score_cams_only(session, tmp_path):
    for options in [(("max_channels", 0), ("method", "gradcam")), (("max_channels", 0),)]:  # default: HiResCAM
        with pytest.raises(ActvizError, match="--cam-channels is Score-CAM's option .--cam-method scorecam., not"):
            export_figures(session, [FigureRequest("cam", options=options)], settings(tmp_path))
    assert listing(tmp_path) == []
