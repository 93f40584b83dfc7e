"""Export kind ``compare``: a PNG of A | B | B − A, its data [A, B, B - A], a sidecar naming the
other file and the divergence; from ``actviz export --compare OTHER --layer L --channel N`` too;
a request without OTHER is refused before anything is drawn."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.export import ExportSettings, FigureRequest, export_figures
from actviz_tui.core.session.model_session import ModelSession
from cli_runs import in_process_cli
from tests.functional.conftest import RINGS, RINGS_INVERTED, TINY_MODEL


@pytest.fixture(scope="module")
def tuned(tmp_path_factory) -> Path:
    import keras

    model = keras.saving.load_model(TINY_MODEL, compile=False)
    kernel, bias = model.get_layer("conv_b").get_weights()
    model.get_layer("conv_b").set_weights([kernel * 1.5, bias])
    path = tmp_path_factory.mktemp("tuned") / "tuned.keras"
    model.save(path)
    return path


def compare_request(session, other: Path, layer: str = "conv_b", channel: int = 2) -> FigureRequest:
    return FigureRequest("compare", layer=session.find_layer(layer), channel=channel, options=(("other", str(other)),))


def test_a_checkpoint_compared_writes_three_panels_and_their_data(tuned, tmp_path):
    session = ModelSession.open(TINY_MODEL)
    results = session.image(RINGS)
    paths = export_figures(results, [compare_request(session, tuned)],
                           ExportSettings(folder=tmp_path, with_data=True, cmap="magma"))
    png, npy, sidecar = paths
    assert png.suffix == ".png" and png.stat().st_size > 0 and "compare" in png.name
    data = np.load(npy)
    a = results.activation(session.find_layer("conv_b"))[..., 2]
    assert data.shape == (3, 9, 9)
    np.testing.assert_allclose(data[0], a, rtol=1e-6)
    np.testing.assert_allclose(data[2], data[1] - data[0], rtol=1e-6, atol=1e-7)
    meta = json.loads(sidecar.read_text())
    assert meta["other"] == str(tuned) and meta["compared"] == "checkpoint"
    assert meta["difference_cmap"] == "coolwarm"
    low, high = meta["difference_range"]
    assert low == -high  # centred on 0
    relative = np.linalg.norm(data[2]) / np.linalg.norm(data[0])
    assert meta["channel_relative_l2"] == pytest.approx(relative, rel=1e-5)
    assert meta["divergence"]["name"] == "conv_b" and meta["divergence"]["relative_l2"] > 0


def test_an_image_compared_and_a_request_without_other_refused(tmp_path):
    session = ModelSession.open(TINY_MODEL)
    results = session.image(RINGS)
    paths = export_figures(results, [compare_request(session, RINGS_INVERTED, "conv_a", 0)],
                           ExportSettings(folder=tmp_path, with_data=True))
    data = np.load(paths[1])
    assert data.shape == (3, 22, 22) and json.loads(paths[2].read_text())["compared"] == "image"
    with pytest.raises(ActvizError, match="needs the other checkpoint or image"):
        export_figures(results, [FigureRequest("compare", layer=1, channel=0)], ExportSettings(folder=tmp_path))


def test_actviz_export_compare_option(tuned, tmp_path, capsys):
    with in_process_cli() as main:
        code = main(["export", str(TINY_MODEL), str(RINGS), "--layer", "conv_b", "--channel", "1",
                     "--compare", str(tuned), "--out", str(tmp_path)])
        assert code == 0
        written = capsys.readouterr().out.split()
        assert [Path(path).name.split("__")[-1] for path in written] == ["channel.png", "compare.png"]
        assert main(["export", str(TINY_MODEL), str(RINGS), "--layer", "conv_b", "--compare", str(tuned)]) == 1
        assert "--compare draws channels: give --layer NAME --channel N" in capsys.readouterr().err
