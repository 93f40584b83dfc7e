"""The saved-view format: an export sidecar's ``view`` object, which re-renders its figure.

Every ``.json`` sidecar (``actviz export --with-data``, and the explorer's W, which
writes one without a figure as ``NAME.view.json``) holds, beside its other fields::

    "view": {"format": "actviz-view", "version": 1,
             "request": {"kind", "layer" (a name), "channel", "max_layers", "options": {...}},
             "settings": {"cmap", "scale", "dpi"},
             "model_options": {"preprocessing", "image_input", "size", "labels", "custom_objects"}}

and at its top level the model (``model``, ``model_sha256``), the ``image`` and the
figure's ``layers``. ``SavedView.from_sidecar`` reads it back (one-line ActvizError
for a missing, unreadable or other-version file); ``to_request``, ``settings`` and
``model_options`` give the export's own objects again. Light to import (no numpy):
``actviz --view-file`` reads it while parsing its arguments.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.model.options import DEFAULT_PREPROCESSING, ModelOptions

if TYPE_CHECKING:
    from actviz_tui.core.export.base import ExportSettings, FigureRequest

FORMAT = "actviz-view"
VERSION = 1
VIEW_KEY = "view"
VIEW_SUFFIX = ".view.json"  # the explorer's saved views: a sidecar without a figure
PATH_OPTIONS = frozenset({"scan"})  # request options that name a file: saved absolute


def absolute(path) -> str | None:
    return None if path is None else str(Path(path).expanduser().resolve())


def view_object(request: FigureRequest, layer: str | None, settings: ExportSettings, options: ModelOptions) -> dict:
    """The ``view`` object of a sidecar: ``request`` with its layer as ``layer`` (a name)."""
    request_options = {name: absolute(value) if name in PATH_OPTIONS and value else value
                       for name, value in request.options}
    return {
        "format": FORMAT,
        "version": VERSION,
        "request": {"kind": request.kind, "layer": layer, "channel": request.channel,
                    "max_layers": request.max_layers, "options": request_options},
        "settings": {"cmap": settings.cmap, "scale": settings.scale, "dpi": settings.dpi},
        "model_options": {
            "preprocessing": options.preprocessing,
            "image_input": options.image_input,
            "size": None if options.size is None else list(options.size),
            "labels": absolute(options.labels),
            "custom_objects": [absolute(path) for path in options.custom_objects],
        },
    }


def as_tuples(value: Any) -> Any:
    """JSON lists back to the tuples the export's requests hold (nested ones too)."""
    if isinstance(value, list):
        return tuple(as_tuples(item) for item in value)
    return value


@dataclass(frozen=True)
class SavedView:
    """One figure, as a sidecar saved it: enough to draw it again."""

    kind: str
    layer: str | None = None
    channel: int | None = None
    max_layers: int | None = None
    options: tuple[tuple[str, Any], ...] = ()
    cmap: str = "viridis"
    scale: str = "channel"
    dpi: int = 100
    preprocessing: str = DEFAULT_PREPROCESSING
    image_input: int | None = None
    size: tuple[int, int] | None = None
    labels: str | None = None
    custom_objects: tuple[str, ...] = ()
    model: Path | None = None
    model_sha256: str | None = None
    image: Path | None = None
    layers: tuple[str, ...] = ()  # the figure's layers (all-layers plans many figures: this one's)
    figure: str | None = None  # the PNG's name; None for a view saved without one
    path: Path | None = None  # the sidecar itself

    @classmethod
    def from_sidecar(cls, path: str | Path) -> SavedView:
        path = Path(path).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ActvizError(f"no saved view {path}: no such file") from None
        except IsADirectoryError:
            raise ActvizError(f"{path} is a folder, not a saved view (a .json sidecar)") from None
        except (OSError, UnicodeDecodeError) as error:
            why = getattr(error, "strerror", None) or error
            raise ActvizError(f"cannot read the saved view {path}: {why}") from None
        try:
            record = json.loads(text)
        except json.JSONDecodeError as error:
            raise ActvizError(f"{path} is not a saved view: not JSON ({error.msg}, line {error.lineno})") from None
        return cls.from_record(record, path)

    @classmethod
    def from_record(cls, record: Any, path: Path | None = None) -> SavedView:
        where = "" if path is None else f"{path} "
        view = record.get(VIEW_KEY) if isinstance(record, dict) else None
        if not isinstance(view, dict) or view.get("format") != FORMAT:
            raise ActvizError(f"{where}is not a saved view: it has no {VIEW_KEY!r} object (sidecars written by "
                              "'actviz export --with-data' or the explorer's W have one)")
        if view.get("version") != VERSION:
            raise ActvizError(f"{where}is a saved view of version {view.get('version')!r}; this actviz reads "
                              f"version {VERSION} (a newer actviz wrote it?)")
        try:
            return cls._parsed(record, view, path)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ActvizError(f"{where}is a damaged saved view ({type(error).__name__}: {error})") from None

    @classmethod
    def _parsed(cls, record: dict, view: dict, path: Path | None) -> SavedView:
        request, settings, options = view["request"], view["settings"], view["model_options"]
        size = options.get("size")
        return cls(
            kind=str(request["kind"]),
            layer=request.get("layer"),
            channel=_whole(request.get("channel")),
            max_layers=_whole(request.get("max_layers")),
            options=tuple((str(name), as_tuples(value)) for name, value in dict(request.get("options") or {}).items()),
            cmap=str(settings["cmap"]),
            scale=str(settings["scale"]),
            dpi=int(settings["dpi"]),
            preprocessing=str(options.get("preprocessing") or DEFAULT_PREPROCESSING),
            image_input=_whole(options.get("image_input")),
            size=None if size is None else (int(size[0]), int(size[1])),
            labels=options.get("labels"),
            custom_objects=tuple(str(item) for item in options.get("custom_objects") or ()),
            model=_path(record.get("model")),
            model_sha256=record.get("model_sha256"),
            image=_path(record.get("image")),
            layers=tuple(str(name) for name in record.get("layers") or ()),
            figure=record.get("figure"),
            path=path,
        )

    def to_request(self) -> FigureRequest:
        from actviz_tui.core.export.base import FigureRequest

        return FigureRequest(self.kind, layer=self.layer, channel=self.channel, max_layers=self.max_layers,
                             options=self.options)

    def settings(self, folder: str | Path, *, overwrite: bool = False, with_data: bool = False) -> ExportSettings:
        from actviz_tui.core.export.base import ExportSettings

        return ExportSettings(folder=Path(folder), cmap=self.cmap, scale=self.scale, dpi=self.dpi,
                              overwrite=overwrite, with_data=with_data)

    def model_options(self, cache_bytes: int | None = None) -> ModelOptions:
        return ModelOptions(preprocessing=self.preprocessing, image_input=self.image_input, size=self.size,
                            cache_bytes=cache_bytes, custom_objects=self.custom_objects, labels=self.labels)

    def option(self, name: str, default: Any = None) -> Any:
        return dict(self.options).get(name, default)

    @property
    def figure_layer(self) -> str | None:
        """The layer the figure is of: the request's, else the one layer it drew (an all-layers grid)."""
        if self.layer is not None:
            return self.layer
        return self.layers[0] if len(self.layers) == 1 else None


def _whole(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or int(value) != value:
        raise ValueError(f"expected a whole number, got {value!r}")
    return int(value)


def _path(value: Any) -> Path | None:
    return None if value is None else Path(str(value))
