"""View 5 on real architectures (tests/zoo_models.py): every one shows a class heatmap.

Residual models whose Add layers carry Keras' default names (Xception, ConvNeXt,
NASNet, home-made), DenseNet's concatenations, a nested base, two inputs, a
fully convolutional output and a legacy .h5. channels_first runs in a subprocess
with oneDNN on (tests/unit/test_channels_first_process.py reruns this file).
"""

from __future__ import annotations

import os

import pytest

from tests.functional.conftest import RINGS, wait_until

SIZE = (140, 40)
METHOD_TITLES = ("Grad-CAM", "HiResCAM", "Grad-CAM++", "Score-CAM", "occlusion")
MODELS = [
    "xception", "convnext_tiny", "nasnet_mobile", "densenet121", "efficientnetv2_b0", "inception_v3", "vgg16",
    "resnet50", "mobilenetv2_nested", "residual_add", "fully_conv", "two_input", "legacy_h5", "channels_first",
]
ONEDNN_OFF = os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0"


def title(app) -> str:
    return app.explorer.query_one("#title").content


def shown(app) -> bool:
    return title(app).startswith(METHOD_TITLES) or "class map: " in title(app) and "computing" not in title(app)


@pytest.mark.parametrize("name", MODELS)
async def test_every_architecture_shows_a_class_heatmap(name, zoo_path, make_app):
    if name == "channels_first" and ONEDNN_OFF:
        pytest.skip("channels_first convolutions need oneDNN on: run in a subprocess")
    app = make_app(model=zoo_path(name), images=(RINGS,))
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.explorer.results is not None and app.explorer.results.has_image, 120)
        await pilot.press("5")
        await wait_until(pilot, lambda: shown(app), 120)
        assert title(app).startswith(METHOD_TITLES), title(app)  # a heatmap, not an error
        view = app.explorer.query_one("ClassMapView")
        height, width = app.explorer.results.model_input.shape[:2]
        assert view._result.heatmap.shape == (height, width)
        assert app.explorer.query_one("#cam-picture").picture_size[0] > 0
