"""The wheel built from this checkout carries what ``actviz`` needs away from it.

Built offline (``pip wheel --no-deps --no-build-isolation --no-index``, with the
installed setuptools, >= 77 as the test extra asks) from a copy of the files a
build reads, so the checkout gets no build/ or egg-info folders. CI goes further
(.ci/check_wheel): installs the wheel in a fresh venv and runs ``actviz summary``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from actviz_tui import __version__

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "actviz_tui" / "samples"
MAX_WHEEL_BYTES = 20_000_000
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    shutil.copytree(REPO / "actviz_tui", source / "actviz_tui", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in BUILD_INPUTS:
        shutil.copy2(REPO / name, source / name)
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-q", "-w", str(folder / "dist"), str(source)],
        cwd=folder, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, f"pip wheel failed (setuptools >= 77 installed?):\n{done.stderr[-3000:]}"
    (built,) = (folder / "dist").glob("*.whl")
    return built


def test_wheel_holds_every_sample_and_is_small(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = sorted(path.relative_to(REPO).as_posix() for path in SAMPLES.rglob("*") if path.is_file())
    assert "actviz_tui/samples/chest_xray_cnn.h5" in shipped and "actviz_tui/samples/images/xray_opacity.png" in shipped
    assert [name for name in shipped if name not in names] == []
    assert "actviz_tui/ui/actviz.tcss" in names
    assert wheel.stat().st_size < MAX_WHEEL_BYTES, f"{wheel.name}: {wheel.stat().st_size:,} bytes"


def test_wheel_metadata(wheel):
    archive = zipfile.ZipFile(wheel)
    info = f"actviz_tui-{__version__}.dist-info"
    metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode())
    assert metadata["Name"] == "actviz-tui" and metadata["Version"] == __version__
    assert metadata["License-Expression"] == "MIT"
    assert f"{info}/licenses/LICENSE" in archive.namelist()
    assert metadata.get_all("Classifier") and metadata["Keywords"]
    extras = metadata.get_all("Provides-Extra")
    assert {"jax", "torch", "test"} <= set(extras)
    assert "actviz = actviz_tui.cli:main" in archive.read(f"{info}/entry_points.txt").decode()


def test_samples_found_from_the_wheel_alone(wheel, tmp_path):
    """With only the wheel on the path (zip import, no checkout), the samples resolve."""
    script = (
        "import actviz_tui.core.inputs.samples as s, sys\n"
        "model, image = s.sample_model_path(), s.sample_image_path()\n"
        "print(s.__file__)\n"
        "print(model.stat().st_size, image.stat().st_size)\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONPATH"] = str(wheel)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    module_file, size_line = done.stdout.splitlines()
    assert module_file.startswith(str(wheel)), module_file  # not an installed or checked-out copy
    sizes = [int(size) for size in size_line.split()]
    assert sizes == [(SAMPLES / "chest_xray_cnn.h5").stat().st_size, (SAMPLES / "images" / "xray_opacity.png").stat().st_size]
