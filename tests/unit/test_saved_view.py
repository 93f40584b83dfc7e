"""The saved-view format (core/saved_view.py): a sidecar's ``view`` object round-trips the
request, the settings and the model options; bad files are one clear ActvizError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.export import ExportSettings, FigureRequest
from actviz_tui.core.model.options import ModelOptions
from actviz_tui.core.saved_view import FORMAT, VERSION, SavedView, view_object

PATTERNS = FigureRequest("patterns", layer="conv_b", options=(("channels", (0, 3, 5)), ("seed", 2),
                                                               ("size", (32, 48)), ("steps", 7)))
CAM = FigureRequest("cam", layer="conv_a", options=(("class", 1), ("cmap", "turbo"), ("method", "scorecam"),
                                                    ("max_channels", 0)))


def sidecar(tmp_path: Path, request: FigureRequest, options: ModelOptions = ModelOptions(), **fields) -> Path:
    settings = ExportSettings(cmap="magma", scale="layer", dpi=72)
    record = {"kind": request.kind, "model": "/models/m.keras", "model_sha256": "ab" * 32, "image": "/img/x.png",
              "layers": ["conv_b"], "figure": "m__x__conv_b__patterns.png",
              "view": view_object(request, request.layer, settings, options), **fields}
    path = tmp_path / "view.json"
    path.write_text(json.dumps(record, sort_keys=True, indent=2))  # as files.write_data writes it
    return path


@pytest.mark.parametrize("request_", [PATTERNS, CAM, FigureRequest("across", layer="conv_a", channel=4, max_layers=3),
                                      FigureRequest("all-layers", max_layers=2), FigureRequest("input")])
def test_the_request_comes_back_equal_tuples_and_all(tmp_path, request_):
    view = SavedView.from_sidecar(sidecar(tmp_path, request_))
    assert view.to_request() == FigureRequest(request_.kind, request_.layer, request_.channel, request_.max_layers,
                                              tuple(sorted(request_.options)))


def test_settings_model_options_and_files_come_back(tmp_path):
    options = ModelOptions(preprocessing="caffe", image_input=1, size=(40, 30), labels=str(tmp_path / "labels.txt"),
                           custom_objects=(str(tmp_path / "layers.py"),))
    view = SavedView.from_sidecar(sidecar(tmp_path, PATTERNS, options))
    assert view.settings(tmp_path / "out", with_data=True) == ExportSettings(
        folder=tmp_path / "out", cmap="magma", scale="layer", dpi=72, with_data=True)
    assert view.model_options() == options
    assert (view.model, view.model_sha256, view.image) == (Path("/models/m.keras"), "ab" * 32, Path("/img/x.png"))
    assert (view.layers, view.figure, view.figure_layer) == (("conv_b",), "m__x__conv_b__patterns.png", "conv_b")
    assert view.option("channels") == (0, 3, 5) and view.option("size") == (32, 48)


def test_relative_files_are_saved_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    options = ModelOptions(labels="labels.txt", custom_objects=("layers.py",))
    top = FigureRequest("top", layer="conv_b", channel=2, options=(("scan", "scans/run1"),))
    view_json = view_object(top, "conv_b", ExportSettings(), options)
    assert view_json["model_options"]["labels"] == str(tmp_path / "labels.txt")
    assert view_json["model_options"]["custom_objects"] == [str(tmp_path / "layers.py")]
    assert view_json["request"]["options"] == {"scan": str(tmp_path / "scans" / "run1")}
    assert (view_json["format"], view_json["version"]) == (FORMAT, VERSION)


@pytest.mark.parametrize("content, message", [
    (None, "no saved view .*: no such file"),
    ("{not json", "is not a saved view: not JSON"),
    (json.dumps({"kind": "channel", "layer": "c1"}), "has no 'view' object"),
    (json.dumps({"view": {"format": FORMAT, "version": 99}}), "of version 99; this actviz reads version 1"),
    (json.dumps({"view": {"format": FORMAT, "version": VERSION, "request": {}}}), "is a damaged saved view"),
    (json.dumps({"view": {"format": FORMAT, "version": VERSION, "request": {"kind": "channel", "channel": 1.5},
                          "settings": {"cmap": "gray", "scale": "channel", "dpi": 9}, "model_options": {}}}),
     "damaged saved view .*whole number"),
])
def test_a_bad_file_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ActvizError, match=message) as raised:
        SavedView.from_sidecar(path)
    assert "\n" not in str(raised.value)


def test_a_folder_is_no_saved_view(tmp_path):
    with pytest.raises(ActvizError, match="is a folder, not a saved view"):
        SavedView.from_sidecar(tmp_path)
