"""Export on deep models and in batches: the across-layers window, each figure
once, and folder errors that say which part of the path is wrong."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from actviz_tui.core.errors import ExportError
from actviz_tui.core.export import FIGURE_KINDS, MAX_ACROSS_PANELS, ExportSettings, FigureRequest, export_figures
from actviz_tui.core.export import files as export_files
from actviz_tui.core.export import spatial_layer_rows
from actviz_tui.core.export.run import plan_jobs

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "ui_tiny_cnn.keras"
RINGS = REPO / "tests" / "data" / "ui_rings.png"
CONV_A, POOL_A, CONV_B = 1, 2, 3


@pytest.fixture(scope="module")
def tiny():
    from actviz_tui.core.session.model_session import ModelSession

    return ModelSession.open(TINY).image(RINGS)


def having(session, channel: int) -> list[int]:
    return [row for row in spatial_layer_rows(session) if session.layers[row].channels > channel]


def suptitle(drawn) -> str:
    return " ".join(drawn.fig._suptitle.get_text().split())


def test_across_layers_around_a_layer_is_the_window_centred_on_it(deep_session):
    rows = having(deep_session, 40)
    centre = rows[40]
    name = deep_session.layers[centre].name
    (job,) = plan_jobs(deep_session, [FigureRequest("across", layer=name, channel=40)])
    assert job.rows == tuple(rows[29:53])
    assert centre in job.rows and job.rows.index(centre) == 11
    assert job.note == f"layers 30-53 of {len(rows)} with channel 40"
    kind = FIGURE_KINDS["across"]
    drawn = kind.draw(job, deep_session, {row: deep_session.activation(row) for row in job.rows}, ExportSettings())
    assert f"(layers 30-53 of {len(rows)} with channel 40)" in suptitle(drawn)


def test_across_layers_count_sets_the_number_of_panels(deep_session):
    rows = having(deep_session, 100)
    (first,) = plan_jobs(deep_session, [FigureRequest("across", channel=100, max_layers=4)])
    assert first.rows == tuple(rows[:4]) and first.note == f"layers 1-4 of {len(rows)} with channel 100"
    (last,) = plan_jobs(deep_session, [FigureRequest("across", layer=rows[-1], channel=100, max_layers=3)])
    assert last.rows == tuple(rows[-3:])
    (default,) = plan_jobs(deep_session, [FigureRequest("across", channel=40)])
    assert len(default.rows) == MAX_ACROSS_PANELS


def test_across_layers_that_all_fit_has_no_range_in_its_title(tiny):
    (job,) = plan_jobs(tiny, [FigureRequest("across", layer=CONV_B, channel=1)])
    assert job.rows == (CONV_A, POOL_A, CONV_B) and job.note == ""


def test_one_export_never_draws_the_same_figure_twice(tiny, tmp_path):
    # The README's example: --layer conv_b (its grid) and --all-layers (every grid, conv_b's too).
    requests = [FigureRequest("grid", layer=CONV_B), FigureRequest("all-layers"), FigureRequest("grid", layer=CONV_B)]
    assert [(job.kind, job.rows) for job in plan_jobs(tiny, requests)] == [
        ("all-layers", (CONV_B,)), ("all-layers", (CONV_A,)), ("all-layers", (POOL_A,)),
    ]
    paths = export_figures(tiny, requests, ExportSettings(folder=tmp_path, dpi=40))
    assert sorted(path.name for path in paths) == sorted(os.listdir(tmp_path))
    assert len(paths) == 3 and not any("-2" in path.name for path in paths)


def test_a_missing_parent_that_cannot_be_created_is_named():
    with pytest.raises(ExportError) as raised:
        export_files.ensure_folder("/proc/nope/out")
    assert str(raised.value) == "cannot create folder /proc/nope/out: /proc/nope does not exist and cannot be created in /proc"


def test_a_read_only_parent_is_named(tmp_path, monkeypatch):
    def read_only(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    with pytest.raises(ExportError) as raised:
        export_files.ensure_folder(tmp_path / "a" / "b")
    assert str(raised.value) == f"cannot create folder {tmp_path / 'a' / 'b'}: {tmp_path} is read-only"


def test_a_file_in_the_way_is_named(tmp_path):
    (tmp_path / "notes").write_text("x")
    with pytest.raises(ExportError) as raised:
        export_files.ensure_folder(tmp_path / "notes" / "out")
    assert str(raised.value).endswith(f"{tmp_path / 'notes'} is a file, not a folder")
