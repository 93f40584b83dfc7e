"""``patterns``: a layer's filter patterns in one grid, the book's figure (no image needed).

What each channel of a layer looks for (Chollet, "Visualizing convnet filters").

``actviz export MODEL --patterns LAYER... [--channel C... | --all-channels] [--steps N]
[--seed K] [--size HxW]``: one figure per layer, its patterns in channel order, each
tile titled with its channel (a Dense unit; an output's class by name where the
model has labels). Without ``--channel`` the first DEFAULT_CHANNELS channels are
drawn (said in the figure and the sidecar's ``note``); ``--all-channels`` draws all.

It is a figure kind like the others, with two differences. ``draw`` runs the
optimisation (``core.patterns``, through its disk cache: a second export, or the
explorer's patterns face with the same settings, costs nothing), and ``plan``
checks the request with ``pattern_target`` (an unknown layer, a layer with no maps
or units, a channel out of range, a model that takes no image: one line, before
anything is written). The request's ``options`` carry the settings; a request
without them (the export dialog's plain request for the selected layer) is
refused, so the dialog offers no minutes-long optimisation behind a checkbox: the
patterns face computes them with progress and Esc, and can hand the dialog a
request that has them (``pattern_request``). A figure is the export's unit of
progress and cancellation, so the optimisation's steps are not reported: the
command's status line says patterns are being optimised.

With ``--with-data`` the ``.npy`` is ``Patterns.inputs``: (channels, H, W, C), exactly
what the model was fed (preprocessed, in the model's layout: a channels_first
model's is (channels, C, H, W); the sidecar's ``layout`` says which), plus the
settings, the channels and each pattern's score.
"""

from __future__ import annotations

from typing import Any

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.export.base import DASH, Activations, CliExtra, CliOption, Drawn, ExportSettings, FigureKind
from actviz_tui.core.export.base import FigureRequest, Job
from actviz_tui.core.export.names import figure_filename
from actviz_tui.core.figures.patterns import patterns_figure
from actviz_tui.core.patterns import Patterns, PatternSettings, PatternTarget, pattern_target
from actviz_tui.core.patterns.model_input import DEFAULT_FREE_SIDE
from actviz_tui.core.seams import FigureSource

DEFAULT_CHANNELS = 64  # the book's 8 x 8 grid; --all-channels for more
DEFAULT_STEPS = PatternSettings.steps
ALL = "all"
KIND_NAME, FLAG = "patterns", "--patterns"
SETTINGS = ("steps", "seed", "size")  # the options a request must carry


def plan(session: FigureSource, request: FigureRequest) -> list[Job]:
    options = dict(request.options)
    missing = [name for name in SETTINGS if name not in options]
    if missing:
        raise ActvizError(f"a patterns figure needs its settings ({', '.join(missing)})")
    if request.layer is None:
        raise ActvizError("a patterns figure needs a layer")
    if int(options["steps"]) < 1:
        raise ActvizError(f"patterns need 1 step or more, not {options['steps']}")
    target = pattern_target(session.model, request.layer)  # NotAnImageModelError, LayerLookupError, PatternError
    channels, note = _chosen(target, options.get("channels"))
    settings = {name: options[name] for name in SETTINGS}
    settings.update(channels=channels, count=target.count, layer=target.name)
    return [Job(request.kind, (target.row,), note=note, options=tuple(sorted(settings.items())))]


def _chosen(target: PatternTarget, asked) -> tuple[tuple[int, ...], str]:
    """The channels to draw, in channel order (``ALL``; None: the first DEFAULT_CHANNELS), and a note
    when some are left out."""
    if asked == ALL:
        return tuple(range(target.count)), ""
    if asked is not None:
        return tuple(sorted(target.check_channels(asked))), ""  # PatternError: out of range
    if target.count <= DEFAULT_CHANNELS:
        return tuple(range(target.count)), ""
    return tuple(range(DEFAULT_CHANNELS)), (f"the first {DEFAULT_CHANNELS} of {_counted(target.count, target.what)} "
                                            "(--channel N... or --all-channels for others)")


def draw(job: Job, session: FigureSource, activations: Activations, settings: ExportSettings) -> Drawn:
    options = dict(job.options)
    model: Any = session.model  # an engine Model: the seam's protocol knows no patterns
    size = options["size"]
    patterns = model.patterns(options["layer"], options["channels"], steps=options["steps"], seed=options["seed"],
                              size=None if size is None else tuple(size))
    labels = _tile_labels(session, patterns.kind, patterns.channels, options["count"])
    fig = patterns_figure(patterns.pixels, labels, **_titles(session.name, patterns, job.note))
    meta = _sidecar(patterns, model, size)
    if patterns.kind == "classes":
        meta["class_names"] = labels
    return Drawn(fig, figure_filename(session.name, KIND.file_kind, patterns.layer), patterns.inputs, meta)


def _titles(model_name: str, patterns: Patterns, note: str) -> dict[str, str]:
    what = {"maps": "channel", "units": "unit", "classes": "class"}[patterns.kind]
    height, width = patterns.pixels.shape[1:3]
    title = DASH.join((model_name, patterns.layer, f"filter patterns of {_counted(len(patterns.channels), what)}"))
    subtitle = (f"the input that maximises each {what}'s {_objective(patterns.kind)}: "
                f"{patterns.settings.steps} steps of gradient ascent, seed {patterns.settings.seed}, {height}x{width}"
                + (f"; {note}" if note else ""))
    return {"title": title, "subtitle": subtitle}


def _sidecar(patterns: Patterns, model, size) -> dict:
    """The kind's own sidecar fields: what was optimised, how, and how the ``.npy`` is laid out."""
    return {
        "pattern_kind": patterns.kind,
        "channels": list(patterns.channels),
        "scores": [float(score) for score in patterns.scores],
        "steps": patterns.settings.steps,
        "seed": patterns.settings.seed,
        "size": None if size is None else list(size),
        "input_size": list(patterns.pixels.shape[1:3]),
        "learning_rate": patterns.settings.learning_rate,
        "layout": _layout(model, patterns.inputs.ndim),
        "from_cache": patterns.cached,
    }


def _objective(kind: str) -> str:
    return {"maps": "mean before its activation", "units": "value before its activation",
            "classes": "score (logit)"}[kind]


def _tile_labels(session: FigureSource, kind: str, channels: tuple[int, ...], count: int) -> list[str]:
    """Each tile's title: its number; a class's name where the model has labels."""
    names = session.unit_labels(count) if kind == "classes" else None
    return [names[channel] if names and channel in names else str(channel) for channel in channels]


def _counted(count: int, what: str) -> str:
    return f"{count} {what}" if count == 1 else f"{count} {what}{'es' if what == 'class' else 's'}"


def _layout(model, ndim: int) -> str:
    """The ``.npy``'s axes: N (one pattern per channel), then the image input's."""
    channels_first = model.inputs[model.image_input_index].channels_first
    return {4: "NCHW" if channels_first else "NHWC", 3: "NHW", 2: "NF"}.get(ndim, "N" + "?" * (ndim - 1))


def pattern_request(layer, channels=None, *, steps: int = DEFAULT_STEPS, seed: int = 0,
                    size: tuple[int, int] | None = None) -> FigureRequest:
    """A request for one layer's patterns: ``channels`` a sequence, ``ALL``, or None (the
    first DEFAULT_CHANNELS); ``size`` (H, W) for an input of free size."""
    chosen = channels if channels is None or channels == ALL else tuple(int(c) for c in channels)
    size = None if size is None else (int(size[0]), int(size[1]))
    return FigureRequest(KIND_NAME, layer=layer, options=(("channels", chosen), ("seed", seed), ("size", size),
                                                           ("steps", steps)))


def requests(args) -> list[FigureRequest]:
    """One request per layer of each ``--patterns`` (with the ``--channel`` or
    ``--all-channels`` that follow it); ``--steps``, ``--seed`` and ``--size`` apply to all."""
    steps = DEFAULT_STEPS if args.steps is None else args.steps
    seed = 0 if args.seed is None else args.seed
    found: list[FigureRequest] = []
    for group in args.layer_groups:
        if group.option == FLAG:
            channels = ALL if group.all_channels else group.channels or None
            found.extend(pattern_request(layer, channels, steps=steps, seed=seed, size=args.size)
                         for layer in group.layers)
    return found


def _describe(session: FigureSource, request: FigureRequest) -> str:
    options = dict(request.options)
    layer = session.layers[session.find_layer(request.layer)].name if request.layer is not None else "?"
    asked = options.get("channels")
    which = ("every channel" if asked == ALL else f"the first {DEFAULT_CHANNELS} channels" if asked is None
             else f"channels {', '.join(map(str, asked))}")
    return f"{layer}: filter patterns of {which} ({options.get('steps', DEFAULT_STEPS)} steps)"


KIND = FigureKind(
    name=KIND_NAME,
    file_kind="patterns",
    label="{layer}: filter patterns",
    plan=plan,
    draw=draw,
    uses=frozenset({"layer"}),
    needs_image=False,
    describe_request=_describe,
    option=CliOption(
        FLAG,
        "the filter patterns of each layer named: the input each channel (a Dense unit, an output's class) "
        f"responds to most, by gradient ascent, in one grid per layer (no IMAGE needed); --channel N... after it "
        f"picks channels (default: the first {DEFAULT_CHANNELS}), --all-channels takes them all; "
        f"an input of free size: --size HxW (default {DEFAULT_FREE_SIDE}x{DEFAULT_FREE_SIDE})",
        metavar="NAME_OR_INDEX", takes="layer-groups", requests=requests,
        extras=(
            CliExtra("--steps", "steps", f"with --patterns: optimisation steps (default: {DEFAULT_STEPS})"),
            CliExtra("--seed", "seed", "with --patterns: the random seed (default: 0); the same seed, the same "
                     "patterns", metavar="K", value="number"),
        ),
    ),
)
