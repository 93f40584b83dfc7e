"""A view saved without its figure (the explorer's W, ``core.export.view_save``) draws the
figure the export draws for the same request and settings, byte for byte."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from actviz_tui.core.errors import ExportError
from actviz_tui.core.export import ExportSettings, FigureRequest, export_figures
from actviz_tui.core.export.view_render import render_view
from actviz_tui.core.export.view_save import write_view_file
from actviz_tui.core.saved_view import SavedView

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "ui_tiny_cnn.keras"
RINGS = REPO / "tests" / "data" / "ui_rings.png"


@pytest.fixture(scope="module")
def session():
    from actviz_tui.core.session.model_session import ModelSession

    return ModelSession.open(TINY).image(RINGS)


@pytest.mark.parametrize("request_", [FigureRequest("channel", layer=3, channel=5), FigureRequest("grid", layer=1),
                                      FigureRequest("across", layer=1, channel=2)])
def test_a_saved_view_draws_what_the_export_draws(session, tmp_path, request_):
    settings = ExportSettings(folder=tmp_path / "exported", cmap="gray", scale="layer", dpi=40)
    (png,) = export_figures(session, [request_], settings)
    path = write_view_file(session, request_, replace(settings, folder=tmp_path / "views"))
    assert path.name == png.stem + ".view.json" and [p.name for p in (tmp_path / "views").iterdir()] == [path.name]
    view = SavedView.from_sidecar(path)
    assert view.figure is None and view.layer == session.layers[request_.layer].name  # by name
    (again,) = render_view(session, view, view.settings(tmp_path / "rendered"))
    assert again.name == png.name and again.read_bytes() == png.read_bytes()


def test_a_nested_layer_of_the_sample_saves_and_draws_as_exported(tmp_path):
    from actviz_tui.core.session.model_session import ModelSession

    nested = ModelSession.open(REPO / "actviz_tui" / "samples" / "residual_nested.keras").image(
        REPO / "actviz_tui" / "samples" / "images" / "shapes.jpg")
    request = FigureRequest("channel", layer="backbone/bb_relu32", channel=9)
    settings = ExportSettings(folder=tmp_path / "exported", dpi=40)
    (png,) = export_figures(nested, [request], settings)
    path = write_view_file(nested, request, replace(settings, folder=tmp_path / "views"))
    assert path.name == "residual_nested__shapes__backbone.bb_relu32__ch009__channel.view.json"
    view = SavedView.from_sidecar(path)
    (again,) = render_view(nested, view, view.settings(tmp_path / "rendered"))
    assert again.read_bytes() == png.read_bytes()


def test_a_second_save_is_numbered_and_a_figure_that_needs_an_image_is_refused(session, tmp_path):
    request = FigureRequest("channel", layer="conv_a", channel=1)
    first = write_view_file(session, request, ExportSettings(folder=tmp_path))
    second = write_view_file(session, request, ExportSettings(folder=tmp_path))
    assert second.name == first.name.replace(".view.json", "-2.view.json")
    assert json.loads(first.read_text())["view"] == json.loads(second.read_text())["view"]
    with pytest.raises(ExportError, match="no input image was given, and the channel figure needs one"):
        write_view_file(_bare(), request, ExportSettings(folder=tmp_path / "none"))
    assert not (tmp_path / "none").exists()


def _bare():
    from actviz_tui.core.session.model_session import ModelSession

    return ModelSession.open(TINY).no_image
