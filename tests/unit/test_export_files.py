"""Exported files: names, never overwriting, atomic writes, clear errors, sidecars."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

import actviz_tui
from actviz_tui.core.errors import ExportError
from actviz_tui.core.export import files as export_files
from actviz_tui.core.export.files import ensure_folder, file_sha256, write_bytes_atomic, write_data, write_figure
from actviz_tui.core.export.names import figure_filename, unique_path, unique_stem


def folder_listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def failing(cause: int, message: str = "boom"):
    def fail(*_args, **_kwargs):
        raise OSError(cause, message)

    return fail


# --------------------------------------------------------------------------
# names


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("chest_xray_cnn", "channel", "conv2d_1", 29), "chest_xray_cnn__conv2d_1__ch029__channel.png"),
        (("chest_xray_cnn", "grid", "conv2d_1"), "chest_xray_cnn__conv2d_1__grid.png"),
        (("chest_xray_cnn", "across-layers", None, 29), "chest_xray_cnn__ch029__across-layers.png"),
        (("chest_xray_cnn", "input"), "chest_xray_cnn__input.png"),
        (("m", "grid", "backbone/conv_a"), "m__backbone.conv_a__grid.png"),
        (("m", "channel", "c", 1234), "m__c__ch1234__channel.png"),
        (("my model (v2)", "grid", "block 1:conv*"), "my_model_v2__block_1_conv__grid.png"),
        (("../../etc/passwd", "input"), "etc_passwd__input.png"),
        (("\u00fcber", "input", None, None, "npy"), "uber__input.npy"),
        (("\u6a21\u578b", "input"), "unnamed__input.png"),
    ],
)
def test_figure_filename(args, expected):
    assert figure_filename(*args) == expected


def test_figure_filename_is_always_safe():
    name = figure_filename("..", "g/r\\i:d", "/abs/../x", 3)
    assert not name.startswith(".")
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
    assert len(figure_filename("m" * 500, "grid", "l" * 500)) < 255


def test_unique_path_picks_first_free_number(tmp_path):
    target = tmp_path / "fig.png"
    assert unique_path(target) == target
    target.write_bytes(b"1")
    (tmp_path / "fig-2.png").write_bytes(b"2")
    assert unique_path(target) == tmp_path / "fig-3.png"


def test_unique_stem_is_free_for_every_suffix(tmp_path):
    (tmp_path / "a.json").write_text("{}")
    assert unique_stem(tmp_path, "a", (".npy", ".json")) == "a-2"
    assert unique_stem(tmp_path, "b", (".npy", ".json")) == "b"


# --------------------------------------------------------------------------
# never overwrite unless asked


def test_existing_file_is_kept_and_a_numbered_copy_written(tmp_path):
    target = tmp_path / "fig.png"
    target.write_bytes(b"the user's precious figure")
    final = write_bytes_atomic(target, b"new")
    assert final == tmp_path / "fig-2.png"
    assert target.read_bytes() == b"the user's precious figure"
    assert final.read_bytes() == b"new"
    assert folder_listing(tmp_path) == ["fig-2.png", "fig.png"]


def test_overwrite_replaces(tmp_path):
    target = tmp_path / "fig.png"
    target.write_bytes(b"old")
    assert write_bytes_atomic(target, b"new", overwrite=True) == target
    assert target.read_bytes() == b"new"
    assert folder_listing(tmp_path) == ["fig.png"]


def test_a_file_appearing_at_the_last_moment_is_not_replaced(tmp_path, monkeypatch):
    """Another program takes the free name between the check and our exclusive create."""
    target = tmp_path / "fig.png"
    real_open = os.open

    def racing_open(path, flags, *args, **kwargs):
        if Path(path) == target and flags & os.O_EXCL and not target.exists():
            target.write_bytes(b"another program")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", racing_open)
    final = write_bytes_atomic(target, b"ours")
    assert target.read_bytes() == b"another program"
    assert final == tmp_path / "fig-2.png" and final.read_bytes() == b"ours"
    assert folder_listing(tmp_path) == ["fig-2.png", "fig.png"]


def test_publishing_needs_no_hard_links(tmp_path, monkeypatch):
    """FAT and some network shares have no hard links: the reserved-name rename works there."""
    target = tmp_path / "fig.png"
    target.write_bytes(b"old")
    monkeypatch.setattr(os, "link", failing(errno.EPERM, "Operation not permitted"))
    final = write_bytes_atomic(target, b"new")
    assert final == tmp_path / "fig-2.png" and final.read_bytes() == b"new"
    assert target.read_bytes() == b"old"
    assert folder_listing(tmp_path) == ["fig-2.png", "fig.png"]


# --------------------------------------------------------------------------
# atomicity and errors


@pytest.mark.parametrize("overwrite", [False, True])
def test_failed_publish_leaves_no_partial_file(tmp_path, monkeypatch, overwrite):
    target = tmp_path / "fig.png"
    target.write_bytes(b"original")
    monkeypatch.setattr(os, "replace", failing(errno.EIO, "Input/output error"))
    with pytest.raises(ExportError, match="fig.png"):
        write_bytes_atomic(target, b"x" * 10_000, overwrite=overwrite)
    assert folder_listing(tmp_path) == ["fig.png"]
    assert target.read_bytes() == b"original"


def test_disk_full_while_writing_is_reported_and_cleaned_up(tmp_path, monkeypatch):
    monkeypatch.setattr(os, "fsync", failing(errno.ENOSPC, "No space left on device"))
    with pytest.raises(ExportError) as caught:
        write_bytes_atomic(tmp_path / "fig.png", b"data")
    assert str(caught.value) == f"cannot write to {tmp_path / 'fig.png'}: disk full"
    assert folder_listing(tmp_path) == []


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        write_bytes_atomic(tmp_path / "nope" / "fig.png", b"data")


def test_path_under_a_regular_file_fails_clearly(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError, match=r"file\.txt is a file, not a folder"):
        ensure_folder(blocker / "out")
    with pytest.raises(ExportError, match="not a folder"):
        write_bytes_atomic(blocker / "out.png", b"data")
    assert blocker.read_text() == "not a folder"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores folder permissions")
def test_unwritable_folder_is_a_clear_error(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="permission denied"):
            write_bytes_atomic(locked / "fig.png", b"data")
        with pytest.raises(ExportError, match="permission denied"):
            ensure_folder(locked / "sub")
    finally:
        locked.chmod(0o700)


def test_permission_denied_is_named_even_as_root(tmp_path, monkeypatch):
    monkeypatch.setattr(export_files.tempfile, "mkstemp", failing(errno.EACCES, "Permission denied"))
    with pytest.raises(ExportError) as caught:
        write_bytes_atomic(tmp_path / "fig.png", b"data")
    assert str(caught.value) == f"cannot write to {tmp_path / 'fig.png'}: permission denied"


def test_ensure_folder_creates_parents(tmp_path):
    folder = ensure_folder(tmp_path / "a" / "b")
    assert folder.is_dir()
    assert ensure_folder(folder) == folder


def test_error_messages_are_one_line(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("")
    with pytest.raises(ExportError) as caught:
        write_bytes_atomic(blocker / "x.png", b"")
    assert "\n" not in str(caught.value)


# --------------------------------------------------------------------------
# figures, data, hashes


def tiny_figure() -> Figure:
    fig = Figure(figsize=(2, 1))
    fig.add_subplot().imshow(np.arange(6).reshape(2, 3))
    return fig


def test_write_figure_creates_folder_and_keeps_old_files(tmp_path):
    folder = tmp_path / "exports"
    first = write_figure(tiny_figure(), folder, "m__input.png", dpi=50)
    second = write_figure(tiny_figure(), folder, "m__input.png", dpi=50)
    assert first == folder / "m__input.png" and second == folder / "m__input-2.png"
    assert first.read_bytes().startswith(b"\x89PNG")
    assert folder_listing(folder) == ["m__input-2.png", "m__input.png"]


def test_write_figure_refuses_a_path_as_filename(tmp_path):
    with pytest.raises(ValueError):
        write_figure(tiny_figure(), tmp_path, "../escape.png")


def test_write_data_round_trip(tmp_path):
    array = np.random.default_rng(0).normal(size=(7, 7, 512)).astype(np.float32)
    metadata = {"model": "chest_xray_cnn", "layer": "conv2d_1", "shape": list(array.shape), "channel": np.int64(3)}
    npy_path, json_path = write_data(tmp_path, "m__conv2d_1__grid", array, metadata)
    assert (npy_path.name, json_path.name) == ("m__conv2d_1__grid.npy", "m__conv2d_1__grid.json")
    loaded = np.load(npy_path, allow_pickle=False)
    assert loaded.dtype == np.float32
    np.testing.assert_array_equal(loaded, array)
    sidecar = json.loads(json_path.read_text())
    assert sidecar["model"] == "chest_xray_cnn" and sidecar["channel"] == 3
    assert sidecar["actviz_version"] == actviz_tui.__version__
    assert datetime.fromisoformat(sidecar["created"]).utcoffset().total_seconds() == 0
    assert json_path.read_text().startswith('{\n  "actviz_version"')  # indented, sorted


def test_write_data_keeps_npy_and_json_together(tmp_path):
    (tmp_path / "s.json").write_text("{}")
    npy_path, json_path = write_data(tmp_path, "s", np.zeros(3), {})
    assert (npy_path.name, json_path.name) == ("s-2.npy", "s-2.json")
    assert (tmp_path / "s.json").read_text() == "{}"


def test_file_sha256_matches_hashlib(tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 17)
    path = tmp_path / "model.keras"
    path.write_bytes(data)
    assert file_sha256(path) == hashlib.sha256(data).hexdigest()
    assert file_sha256(path, chunk_size=1000) == hashlib.sha256(data).hexdigest()


def test_file_sha256_of_missing_file_is_an_export_error(tmp_path):
    with pytest.raises(ExportError, match="cannot read"):
        file_sha256(tmp_path / "missing.keras")


def test_temp_files_are_hidden_parts_in_the_target_folder(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def spying_replace(source, destination):
        seen.append(Path(source))
        return real_replace(source, destination)

    monkeypatch.setattr(os, "replace", spying_replace)
    write_bytes_atomic(tmp_path / "f.png", b"1", overwrite=True)
    assert seen[0].parent == tmp_path
    assert seen[0].name.startswith(export_files.TEMP_PREFIX) and seen[0].name.endswith(export_files.TEMP_SUFFIX)


def test_written_files_get_the_ordinary_mode(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        path = write_bytes_atomic(tmp_path / "figure.png", b"png bytes")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_figure_names_carry_the_image_and_all_layers_names_the_table_row_first():
    from actviz_tui.core.export.names import layer_number

    assert figure_filename("m", "grid", "conv", image="scan 01") == "m__scan_01__conv__grid.png"
    assert figure_filename("m", "grid", "conv", image="x", number="007") == "007__m__x__conv__grid.png"
    assert [layer_number(row, rows) for row, rows in ((7, 20), (7, 1000), (1234, 1500), (0, 1))] == [
        "007", "007", "1234", "000"]
