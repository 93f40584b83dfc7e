"""FIGURE_KINDS is the one table of figure kinds: the CLI's options, planning,
drawing, the sidecar and the export dialog all read it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from actviz_tui.commands.export import build_parser, figure_requests
from actviz_tui.core import figures
from actviz_tui.core.export import FIGURE_KINDS, ExportSettings, FigureKind, FigureRequest, export_figures
from actviz_tui.core.export.base import CliOption, Drawn, Job
from actviz_tui.core.export.names import figure_filename

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "data" / "ui_tiny_cnn.keras"
RINGS = REPO / "tests" / "data" / "ui_rings.png"
CONV_A, CONV_B = 1, 3


def parse(*args):
    return build_parser().parse_args(["model.keras", "image.png", *args])


class FakeSession:
    def find_layer(self, text):
        return {"conv_a": CONV_A, "conv_b": CONV_B}[text]


def test_the_table_holds_the_six_kinds_and_their_file_names():
    assert list(FIGURE_KINDS) == ["channel", "grid", "across", "all-layers", "input", "filters", "cam", "top",
                                  "patterns", "compare"]
    assert {name: kind.file_kind for name, kind in FIGURE_KINDS.items()} == {
        "channel": "channel", "grid": "grid", "across": "across-layers", "all-layers": "grid", "input": "input",
        "filters": "filters", "cam": "cam", "top": "top-images", "patterns": "patterns", "compare": "compare",
    }
    assert all(kind.name == name and kind.label for name, kind in FIGURE_KINDS.items())


NEEDS = {"top": ["--scan", "scan_dir"], "compare": ["--layer", "conv_a", "--channel", "1"]}  # what a kind's option cannot go without


def test_every_kind_is_reachable_from_actviz_export_options():
    reached = set()
    for kind in FIGURE_KINDS.values():
        if kind.option is not None:  # a flag of its own, with channel numbers or as a switch
            value = "conv_a" if kind.option.takes == "layers" else "2"
            args = [kind.option.flag, *([value] if kind.option.metavar else []), *NEEDS.get(kind.name, [])]
            reached |= {request.kind for request in figure_requests(FakeSession(), parse(*args))}
    # The others come from --layer: with --channel one figure per channel, else the grid.
    layer_args = parse("--layer", "conv_a", "--channel", "1", "--layer", "conv_b")
    reached |= {request.kind for request in figure_requests(FakeSession(), layer_args)}
    assert reached == set(FIGURE_KINDS)
    help_text = build_parser().format_help()
    for kind in FIGURE_KINDS.values():
        if kind.option is not None:
            assert kind.option.flag in help_text


def _blank_kind() -> FigureKind:
    """A kind the code has never heard of: channel 0 of conv_a, its own file name."""

    def plan(session, request):
        return [Job(request.kind, (CONV_A,))]

    def draw(job, session, activations, settings):
        values = activations[job.rows[0]][:, :, 0]
        fig = figures.channel_figure(values, title="test kind", cmap=settings.cmap)
        return Drawn(fig, figure_filename(session.name, "test-kind"), values, {"vmin": None, "vmax": None})

    return FigureKind(
        "blank", "test-kind", "a test figure of {layer}", plan, draw,
        uses=frozenset({"layer"}), option=CliOption("--blank", "a test figure"),
    )


@pytest.fixture(scope="module")
def session():
    from actviz_tui.core.session.model_session import ModelSession

    return ModelSession.open(TINY).image(RINGS)


def test_one_table_entry_adds_a_kind_everywhere(monkeypatch, session, tmp_path):
    from actviz_tui.ui.explorer_state import ExplorerState
    from actviz_tui.ui.export_choices import export_choices

    monkeypatch.setitem(FIGURE_KINDS, "blank", _blank_kind())
    # the CLI: an option, enough on its own, in the help
    assert "--blank" in build_parser().format_help()
    requests = figure_requests(session, parse("--blank"))
    assert requests == [FigureRequest("blank")]
    # planning, drawing, file names and the sidecar
    paths = export_figures(session, requests, ExportSettings(folder=tmp_path, dpi=40, with_data=True))
    assert [p.name for p in paths] == ["ui_tiny_cnn__test-kind.png", "ui_tiny_cnn__test-kind.npy",
                                       "ui_tiny_cnn__test-kind.json"]
    sidecar = json.loads(paths[2].read_text())
    assert (sidecar["kind"], sidecar["layers"], sidecar["shape"]) == ("blank", ["conv_a"], [22, 22])
    # the export dialog
    choices = export_choices(session, ExplorerState(layer=CONV_B, channel=2, channels=12), FigureRequest("channel", CONV_B, 2))
    (blank,) = [choice for choice in choices if choice.key == "blank"]
    assert blank.label == "a test figure of conv_b"
    assert blank.requests == (FigureRequest("blank", layer=CONV_B),)
    assert not blank.preset


def test_dialog_offers_every_kind_preset_to_the_view(session):
    from dataclasses import replace

    from actviz_tui.ui.explorer_state import ExplorerState
    from actviz_tui.ui.export_choices import export_choices

    state = ExplorerState(layer=CONV_A, channel=4, channels=6, view="grid")
    choices = export_choices(session, state, FigureRequest("grid", CONV_A))
    # every kind but the scan's top images, which need a scan (view 6 offers them, with its scan), and
    # the patterns, which need their settings (an optimisation is not asked for by a checkbox), and the
    # comparison, which needs --compare OTHER (view 7 offers it)
    assert [c.key for c in choices] == [kind for kind in FIGURE_KINDS if kind not in ("top", "patterns", "compare")]
    assert [c.label for c in choices] == [
        "conv_a channel 4", "conv_a: every channel (grid)", "channel 4 across layers",
        "all layers: one grid per layer", "the input image as the model sees it",
        "conv_a: its learned filters and their norms",
        "class heatmap: HiResCAM (default) of the top class, layer conv_b (default)",  # the defaults, resolved
    ]
    assert [c.requests for c in choices] == [
        (FigureRequest("channel", layer=CONV_A, channel=4),), (FigureRequest("grid", layer=CONV_A),),
        (FigureRequest("across", layer=CONV_A, channel=4),),  # the window around the selected layer
        (FigureRequest("all-layers"),), (FigureRequest("input"),),
        (FigureRequest("filters", layer=CONV_A, channel=4),), (FigureRequest("cam"),),
    ]
    assert [c.key for c in choices if c.preset] == ["grid"]
    marked = export_choices(session, replace(state, marks=frozenset({(CONV_B, 1)})), FigureRequest("grid", CONV_A))
    assert [c.key for c in marked if c.preset] == ["marked"]


def test_dialog_leaves_out_figures_the_selection_cannot_give(session):
    from actviz_tui.ui.explorer_state import ExplorerState
    from actviz_tui.ui.export_choices import export_choices

    pool = session.find_layer("pool_a")
    keys = [c.key for c in export_choices(session, ExplorerState(layer=pool, channel=0, channels=6), FigureRequest("channel", pool, 0))]
    assert "filters" not in keys and "channel" in keys  # a pooling layer has no weights


def test_cam_channels_option_asks_score_cam_for_all_or_n_channels():
    from actviz_tui.core.errors import ActvizError

    def options(*args):
        (request,) = figure_requests(FakeSession(), parse("--cam", "--cam-method", "scorecam", *args))
        return dict(request.options)

    assert "max_channels" not in options()  # the default cap (64)
    assert options("--cam-channels", "all")["max_channels"] == 0
    assert options("--cam-channels", "128")["max_channels"] == 128
    for bad in ("0", "-2", "many"):
        with pytest.raises(ActvizError, match="--cam-channels takes a channel count .1, 2, .... or 'all'"):
            options("--cam-channels", bad)
    with pytest.raises(ActvizError, match="--cam-layer, --cam-method and --cam-channels need --cam"):
        figure_requests(FakeSession(), parse("--layer", "conv_a", "--cam-channels", "all"))
    assert "--cam-channels N|all" in build_parser().format_help()
