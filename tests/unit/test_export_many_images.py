"""Several images in one export: folders expanded, activations batched per input size,
unreadable images skipped, every file named after its image."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from actviz_tui.core.errors import ImageLoadError
from actviz_tui.core.export import ExportSettings, FigureRequest
from actviz_tui.core.export.many_images import MAX_BATCH, compute_batched, export_images, window_size
from actviz_tui.core.inputs.image_files import expand_inputs

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "ui_tiny_cnn.keras"
RINGS = REPO / "tests" / "data" / "ui_rings.png"
INVERTED = REPO / "tests" / "data" / "ui_rings_inverted.png"
CONV_A, CONV_B = 1, 3


def test_folders_give_their_image_and_npy_files_recursively_in_sorted_order(tmp_path):
    for name in ("b.png", "a/z.JPG", "a/y.npy", "a/deeper/x.tiff", "notes.txt", "model.h5", ".hidden.png",
                 ".git/objects.png", "c.webp"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "empty").mkdir()
    found = expand_inputs([tmp_path / "b.png", tmp_path, tmp_path / "empty", tmp_path / "missing.png"])
    relative = [str(path.relative_to(tmp_path)) for path in found.paths]
    assert relative == ["b.png", "a/deeper/x.tiff", "a/y.npy", "a/z.JPG", "b.png", "c.webp", "missing.png"]
    assert found.problems == [f"no image or .npy file in folder {tmp_path / 'empty'}"]


def test_window_size_keeps_a_window_of_activations_within_the_budget():
    class Row:
        def __init__(self, shape):
            self.output_shape = shape

    layers = [Row((None, 100, 100, 10)), Row((None, None, None, 8))]  # 400 kB; a free size counted at 512
    assert window_size(layers, [0], 10_000_000) == 25
    assert window_size(layers, [0], 1_000) == 1  # one image at a time, whatever the budget
    assert window_size(layers, [0], 10**12) == MAX_BATCH
    assert window_size(layers, [1], 10_000_000) == 1  # 512 x 512 x 8 x 4 bytes: 8 MB


@pytest.fixture(scope="module")
def model_session():
    from actviz_tui.core.session.model_session import ModelSession

    return ModelSession.open(TINY)


def counting_passes(model, monkeypatch) -> list[int]:
    """The batch size of every pass the engine makes from now on."""
    sizes: list[int] = []
    original = model.activations_by_row

    def counted(x, rows):
        sizes.append(len(x))
        return original(x, rows)

    monkeypatch.setattr(model, "activations_by_row", counted)
    return sizes


def test_a_window_of_images_is_one_batched_pass_and_gives_each_image_its_own_arrays(model_session, monkeypatch):
    from actviz_tui.core.session.model_session import ModelSession

    window = [model_session.image(RINGS), model_session.image(INVERTED)]
    sizes = counting_passes(model_session.model, monkeypatch)
    compute_batched(model_session.model, window, [CONV_A, CONV_B])
    assert sizes == [2]
    alone = ModelSession.open(TINY)  # one image at a time, on a session of its own
    for results in window:
        for row in (CONV_A, CONV_B):
            kept = results.activation(row)
            np.testing.assert_allclose(kept, alone.image(results.key).activation(row), atol=1e-5)
    assert sizes == [2]  # the arrays were kept: nothing recomputed
    for results in window:
        results.release()


def test_images_of_different_sizes_go_in_one_pass_per_size(tmp_path, monkeypatch):
    import keras
    from PIL import Image

    from engine_helpers import session_of

    inputs = keras.Input((None, None, 3))
    free = keras.Model(inputs, keras.layers.Conv2D(2, 3, name="free_conv")(inputs))
    session = session_of(free)
    paths = []
    for name, size in (("a", (20, 16)), ("b", (30, 12)), ("c", (20, 16))):
        paths.append(tmp_path / f"{name}.png")
        Image.new("RGB", size, (40, 90, 200)).save(paths[-1])
    window = [session.image(path) for path in paths]
    sizes = counting_passes(session.model, monkeypatch)
    compute_batched(session.model, window, [1])
    assert sorted(sizes) == [1, 2]  # a and c together, b alone
    assert [results.activation(1).shape for results in window] == [(14, 18, 2), (10, 28, 2), (14, 18, 2)]


def test_export_images_names_each_image_skips_the_unreadable_and_draws_filters_once(model_session, tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a png")
    second = tmp_path / "second.png"
    shutil.copy(INVERTED, second)
    skipped: list[tuple[Path, str]] = []
    requests = [FigureRequest("channel", layer=CONV_B, channel=2), FigureRequest("filters", layer=CONV_A)]
    paths = export_images(model_session, [RINGS, broken, second], requests,
                          ExportSettings(folder=tmp_path / "out", dpi=30), skip=lambda *args: skipped.append(args))
    assert [path.name for path in paths] == [
        "ui_tiny_cnn__ui_rings__conv_b__ch002__channel.png",
        "ui_tiny_cnn__second__conv_b__ch002__channel.png",
        "ui_tiny_cnn__conv_a__filters.png",  # the model's weights: once, no image in the name
    ]
    assert skipped == [(broken, f"not an image Pillow can read: {broken}")]
    with pytest.raises(ImageLoadError, match="broken.png"):  # without skip: the error, as for one image
        export_images(model_session, [broken, RINGS], requests, ExportSettings(folder=tmp_path / "none"))
    assert not (tmp_path / "none").exists()


def test_a_bad_request_writes_nothing_even_with_several_images(model_session, tmp_path):
    from actviz_tui.core.errors import LayerLookupError

    with pytest.raises(LayerLookupError, match="no channel 12"):
        export_images(model_session, [RINGS, INVERTED], [FigureRequest("channel", layer=CONV_B, channel=12)],
                      ExportSettings(folder=tmp_path / "out"), skip=lambda *args: None)
    assert not (tmp_path / "out").exists()
