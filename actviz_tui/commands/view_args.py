"""Command lines that take a saved view (``actviz render SIDECAR``, ``actviz --view-file SIDECAR``).

The view's model must be known while the arguments are parsed: ``cli.main`` reads
``args.model`` to settle the backend's environment before importing it (a
channels_first model keeps oneDNN on). ``ViewFileParser`` parses once, reads the
view's file (JSON only), makes its model, image and model options the defaults,
and parses again, so what the command line gives still wins. A file it cannot read
changes nothing here: the command's ``run`` reads it again and says why.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


class ViewFileParser(argparse.ArgumentParser):
    """``view_dest``: the argument naming the saved view; ``view_defaults``: which of the
    view's values become which defaults (see ``explorer_defaults``, ``model_default``)."""

    view_dest = "view_file"

    def view_defaults(self, view: dict) -> dict:
        return model_default(view)

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[override]
        parsed, extras = super().parse_known_args(args, namespace)
        record = read_record(getattr(parsed, self.view_dest, None))
        try:
            defaults = self.view_defaults(record) if record else {}
        except (TypeError, ValueError, IndexError, AttributeError):  # a damaged view: run() says so
            defaults = {}
        if not defaults:
            return parsed, extras
        self.set_defaults(**defaults)
        return super().parse_known_args(args, namespace)


class ExplorerViewParser(ViewFileParser):
    def view_defaults(self, view: dict) -> dict:
        return explorer_defaults(view)


def read_record(path) -> dict | None:
    """The sidecar's JSON, or None for no path or a file that is no JSON object."""
    if path is None:
        return None
    try:
        record = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("view"), dict) else None


def model_default(record: dict) -> dict:
    """``model``: the view's model file, where it still is."""
    model = _existing(record.get("model"))
    return {} if model is None else {"model": model}


def explorer_defaults(record: dict) -> dict:
    """The view's model, image and model options as the explorer's defaults."""
    defaults = model_default(record)
    image = _existing(record.get("image"))
    if image is not None:
        defaults["images"] = [image]
    options = record["view"].get("model_options")
    if isinstance(options, dict):
        size = options.get("size")
        labels = options.get("labels")
        defaults.update(
            image_input=options.get("image_input"),
            size=None if not size else (int(size[0]), int(size[-1])),
            labels=None if labels is None else Path(labels),
            custom_objects=[Path(path) for path in options.get("custom_objects") or ()],
        )
        if options.get("preprocessing"):
            defaults["preprocess"] = options["preprocessing"]
    return defaults


def _existing(path) -> Path | None:
    return Path(path) if isinstance(path, str) and Path(path).is_file() else None


def explorer_start(args: argparse.Namespace):
    """Where the explorer opens (an ExplorerStart): the command line's, with ``--view-file``
    the saved view's where the command line says nothing. ActvizError for a bad file, or a
    model or image of the view's that is gone (the parser took them only where they are)."""
    from actviz_tui.ui.explorer_start import ExplorerStart

    start = ExplorerStart(args.layer, args.channel, args.view, args.scan, args.cam_method,
                          compare=getattr(args, "compare", None))
    if getattr(args, "view_file", None) is None:
        return start
    from actviz_tui.core.errors import ActvizError
    from actviz_tui.core.saved_view import SavedView
    from actviz_tui.ui.view_start import start_from_view

    view = SavedView.from_sidecar(args.view_file)
    for given, saved, what in ((args.model, view.model, "model"), (args.images, view.image, "image")):
        if not given and saved is not None:
            raise ActvizError(f"the saved view's {what} {saved} is not there (moved? give MODEL IMAGE on the "
                              "command line)")
    return start_from_view(view, start)
