"""`actviz scan` on every zoo architecture: the top image and score of each channel match the model run image by image."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from actviz_tui import cli
from zoo_models import ZOO_NAMES

ONEDNN_OFF = os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0"  # channels_first convolutions: see test_channels_first_process
IMAGES = 6


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """Random RGB pictures of several sizes, half of them in a subfolder."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("zoo_scan_data")
    (folder / "sub").mkdir()
    rng = np.random.default_rng(11)
    for index in range(IMAGES):
        side = 40 + 9 * index  # each is resized to the model's input
        pixels = rng.integers(0, 256, (side, side + 5, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(folder / ("sub" if index % 2 else "") / f"{index}.png")
    return folder


@pytest.mark.parametrize("zoo_model", ZOO_NAMES, indirect=True)
def test_scan_tops_match_the_model_image_by_image(zoo_model, pictures, tmp_path, capsys):
    from actviz_tui.core.model.engine import Model
    from actviz_tui.core.model.options import ModelOptions
    from actviz_tui.core.scan.dataset import dataset_images

    model = Model.open(zoo_model, ModelOptions(size=(32, 32)))
    maps = [info.index for info in model.layers if info.has_maps and info.type != "InputLayer"]
    rows = [maps[len(maps) // 2], maps[-1], len(model.layers) - 1]
    if any(model.layers[row].channels_first for row in rows) and ONEDNN_OFF:
        pytest.skip("channels_first convolutions need oneDNN on: tests/unit/test_channels_first_process.py")
    code = cli.main(["scan", str(zoo_model), str(pictures), "--layers", *map(str, rows),
                     "--out", str(tmp_path / "scan"), "--batch-size", "4", "--top-k", "2", "--size", "32x32"])
    out, err = capsys.readouterr()
    assert code == 0, err
    cli.main(["scan", "show", str(tmp_path / "scan"), "--json"])
    shown = json.loads(capsys.readouterr().out)
    assert shown["images"] == IMAGES and shown["skipped"] == []

    files = dataset_images([pictures])
    each = [model.activations_by_row(model.prepare(path), rows) for path in files]  # batches of one: eager
    one_by_one = {row: np.stack([arrays[row][0] for arrays in each]) for row in rows}
    for layer, row in zip(shown["layers"], rows):
        assert layer["name"] == model.layers[row].name
        values = one_by_one[row].reshape(IMAGES, -1, one_by_one[row].shape[-1])
        best = values.max(axis=1)  # (images, channels)
        for channel in layer["channels"][:16]:
            top = channel["top"][0]
            c = channel["channel"]
            np.testing.assert_allclose(top["score"], best[:, c].max(), rtol=1e-4, atol=1e-5)
            np.testing.assert_allclose(best[files.index(top["image"]), c], best[:, c].max(), rtol=1e-4, atol=1e-5)
            assert channel["active"] == pytest.approx((best[:, c] > 0).mean())
