"""The export's vocabulary: requests, settings, figure kinds, jobs, drawn figures.

A figure kind is one :class:`FigureKind` value: how a request expands into
jobs (``plan``) and how a job becomes a figure (``draw``). ``kinds.py`` keeps
them all in one table, which the CLI, the export dialog and the sidecar read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Protocol

import numpy as np

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.figures import DEFAULT_DPI

if TYPE_CHECKING:
    from actviz_tui.core.seams import FigureSource
    from matplotlib.figure import Figure

MIN_DPI, MAX_DPI = 10, 1200
DASH = " \u2014 "  # " — " between the parts of a title


@dataclass(frozen=True)
class FigureRequest:
    kind: str  # a key of FIGURE_KINDS
    layer: int | str | None = None  # table row (or layer name); across: the window's centre
    channel: int | None = None  # for kinds that use a channel
    max_layers: int | None = None  # all-layers: the first N layers with maps only (None: all); across: panels
    options: tuple[tuple[str, Any], ...] = ()  # a kind's own settings, e.g. (("method", "gradcam"),)


@dataclass(frozen=True)
class ExportSettings:
    folder: Path = Path("actviz-export")
    cmap: str = "viridis"
    scale: str = "channel"  # one of value_ranges.SCALES: each channel its own range, or one per layer
    dpi: int = DEFAULT_DPI
    overwrite: bool = False
    with_data: bool = False


@dataclass(frozen=True)
class Job:
    """One figure to draw: a request expanded (all-layers gives one job per layer)."""

    kind: str  # the kind's name
    rows: tuple[int, ...] = ()
    channel: int | None = None
    note: str = ""  # e.g. "first 24 of 30 layers"
    options: tuple[tuple[str, Any], ...] = ()  # the request's kind-specific settings
    # The request it was planned from (plan_jobs sets it): the sidecar saves it as the saved view.
    request: FigureRequest | None = field(default=None, compare=False, repr=False)


@dataclass
class Drawn:
    fig: Figure
    filename: str
    data: np.ndarray  # exactly the values drawn (the .npy)
    meta: dict = field(default_factory=dict)  # kind-specific sidecar fields


class Activations(Protocol):
    """What draw() reads activations from: row -> array (see run._Activations)."""

    def __getitem__(self, row: int, /) -> np.ndarray: ...


@dataclass(frozen=True)
class CliExtra:
    """An option that refines its kind's option (``--first N``, ``--around LAYER``):
    its value goes into the ``FigureRequest`` field ``field`` of every figure
    the kind's option asks for (a kind with its own ``requests`` reads the
    parsed value itself). ``value``: "count" (a whole number >= 1), "number"
    (a whole number >= 0) or "layer" (a name or table row)."""

    flag: str
    field: str
    help: str
    metavar: str = "N"
    value: str = "count"


@dataclass(frozen=True)
class CliOption:
    """The ``actviz export`` option that asks for a kind on its own.

    A switch (``metavar`` None) asks for one figure; with ``metavar`` the
    option takes channel numbers (or layers, ``takes="layers"``), one figure each.
    ``takes="layer-groups"``: layers that, like ``--layer``'s, take the
    ``--channel`` and ``--all-channels`` after them (``LayerGroup``s in
    ``args.layer_groups``, each with its ``option``); ``requests`` reads them.
    ``extras`` are options that only make sense with this one. A kind with
    options of another shape gives ``add_arguments`` and ``requests``.
    """

    flag: str
    help: str
    metavar: str | None = None
    takes: str = "channels"  # what the metavar's values are: "channels" (numbers), "layers" or "layer-groups"
    extras: tuple[CliExtra, ...] = ()
    # A kind with options of its own shape: adds them to the argparse group, and
    # turns the parsed arguments into requests (then the fields above are unused).
    add_arguments: Callable[[object], None] | None = None
    requests: Callable[[object], list] | None = None


@dataclass(frozen=True)
class FigureKind:
    """One kind of exported figure: a name, a plan and a draw function.

    ``uses`` names the FigureRequest fields the kind reads ("layer",
    "channel", "max_layers"); the dialog fills those from what is on screen.
    ``label`` is the dialog's checkbox text, ``{layer}`` and ``{channel}``
    filled in; a kind whose request carries more (the class map's class and
    method) gives ``describe_request(session, request)`` instead. ``option``
    is its own ``actviz export`` option; None for the kinds asked for with
    ``--layer`` (grid, and channel with ``--channel``).
    """

    name: str
    file_kind: str  # the kind part of file names: "across-layers" in model__ch002__across-layers.png
    label: str
    plan: Callable[[FigureSource, FigureRequest], list[Job]]
    draw: Callable[[Job, FigureSource, Activations, ExportSettings], Drawn]
    uses: frozenset[str] = frozenset()
    option: CliOption | None = None
    needs_image: bool = True  # False: drawn from the model alone (its weights)
    describe_request: Callable[[FigureSource, FigureRequest], str] | None = None
    # File names start with the layer's table row (all-layers): such a job wins over
    # the same figure asked for by a kind without numbers (one file, numbered).
    numbered: bool = False

    def request(self, layer: int | None = None, channel: int | None = None) -> FigureRequest:
        """A request for this kind, with only the fields the kind uses."""
        return FigureRequest(
            self.name,
            layer=layer if "layer" in self.uses else None,
            channel=channel if "channel" in self.uses else None,
        )

    def describe(self, layer: str = "", channel: int | None = None, *, session: FigureSource | None = None,
                 request: FigureRequest | None = None) -> str:
        """What a request of this kind writes, in words (the export dialog's label)."""
        if self.describe_request is not None and session is not None and request is not None:
            return self.describe_request(session, request)
        return self.label.format(layer=layer, channel=channel)


class ExportCancelled(ActvizError):
    """``should_stop`` asked the export to stop; ``paths`` were written before it did."""

    def __init__(self, paths: list[Path]):
        self.paths = list(paths)
        super().__init__(f"export cancelled after {len(self.paths)} file(s)")
