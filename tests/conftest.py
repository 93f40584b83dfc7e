"""Shared fixtures: quiet TensorFlow, the bundled samples, a small RGB image, a deep model, the zoo of architectures."""

from __future__ import annotations

import os
import tempfile

import pytest
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # as actviz sets it: oneDNN gradients can crash

# TensorFlow's CPU runs channels_first convolutions only as oneDNN kernels; actviz
# turns oneDNN on for such models (it reads their config before importing TF).
# In this process it is off, so those tests run in a subprocess with it on
# (tests/unit/test_channels_first_process.py).
needs_onednn = pytest.mark.skipif(
    os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0",
    reason="channels_first convolutions need oneDNN on TensorFlow's CPU: run in a subprocess",
)
os.environ.setdefault("MPLBACKEND", "Agg")
# Filter patterns are cached on disk: the suite writes its own folder, never the user's ~/.cache.
os.environ.setdefault("ACTVIZ_CACHE_DIR", tempfile.mkdtemp(prefix="actviz-test-cache-"))

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "tests"
SAMPLES = REPO / "actviz_tui" / "samples"
TEST_DATA = TESTS / "data"

for folder in (REPO, TESTS):  # `import models_factory` from any test folder
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def _existing(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"bundled sample not there yet: {path.relative_to(REPO)}")
    return path


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def sample_h5() -> Path:
    return _existing(SAMPLES / "chest_xray_cnn.h5")


@pytest.fixture(scope="session")
def sample_nested_keras() -> Path:
    return _existing(SAMPLES / "residual_nested.keras")


@pytest.fixture(scope="session")
def sample_grayscale_keras() -> Path:
    return _existing(SAMPLES / "grayscale_cnn.keras")


@pytest.fixture(scope="session")
def xray_opacity_png() -> Path:
    return _existing(SAMPLES / "images" / "xray_opacity.png")


@pytest.fixture(scope="session")
def xray_clear_png() -> Path:
    return _existing(SAMPLES / "images" / "xray_clear.png")


@pytest.fixture(scope="session")
def shapes_jpg() -> Path:
    return _existing(SAMPLES / "images" / "shapes.jpg")


@pytest.fixture(scope="session")
def rgb_image(tmp_path_factory) -> Path:
    """A 24x16 RGB PNG (lossless, so its pixels are known exactly)."""
    from PIL import Image

    from models_factory import gradient_rgb

    path = tmp_path_factory.mktemp("images") / "gradient.png"
    Image.fromarray(gradient_rgb()).save(path)
    return path


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """A session-wide folder for saved test models."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def deep_model():
    """``models_factory.deep_resnet()``: 170 layers with ResNet50-style names (built in ~2 s)."""
    from models_factory import deep_resnet

    return deep_resnet()


@pytest.fixture(scope="session")
def deep_model_keras(deep_model, models_dir) -> Path:
    """The deep model saved as ``.keras`` (what users open)."""
    path = models_dir / "deep_resnet.keras"
    deep_model.save(path)
    return path


@pytest.fixture(scope="session")
def deep_session(deep_model_keras):
    """The saved deep model's results for tests/data/ui_rings.png (an ``ImageResults``
    of a ModelSession: ``.model`` is the engine Model, ``.image_path`` the image).

    Shared by every test that asks for it: do not change its options.
    """
    from actviz_tui.core.session.model_session import ModelSession

    return ModelSession.open(deep_model_keras).image(TEST_DATA / "ui_rings.png")

def pytest_configure(config):
    # Keras' convert_to_numpy calls np.array() on TensorFlow tensors, which NumPy 2
    # flags; it is TensorFlow's to fix and says nothing about our code.
    config.addinivalue_line(
        "filterwarnings", "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
    )


@pytest.fixture(scope="session")
def channels_first_keras(models_dir) -> Path:
    """``models_factory.channels_first_cnn()`` saved as .keras: input (3, 16, 16), maps (C, H, W)."""
    from models_factory import channels_first_cnn

    path = models_dir / "channels_first.keras"
    channels_first_cnn().save(path)
    return path


@pytest.fixture(scope="session")
def zoo_path(tmp_path_factory):
    """``zoo_path("xception") -> Path``: a tests/zoo_models.py model saved once per session.

    Lazy: a model is built (seeded random weights) the first time a test asks for it.
    """
    import zoo_models

    folder = tmp_path_factory.mktemp("zoo")
    saved: dict[str, Path] = {}

    def path(name: str) -> Path:
        if name not in saved:
            saved[name] = zoo_models.save(name, folder)
        return saved[name]

    return path


@pytest.fixture
def zoo_model(request, zoo_path) -> Path:
    """The saved file of the zoo model named by the test's parameter:
    ``@pytest.mark.parametrize("zoo_model", ZOO_NAMES, indirect=True)``."""
    return zoo_path(request.param)
