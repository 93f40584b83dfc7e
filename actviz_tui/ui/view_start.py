"""Where ``actviz --view-file SIDECAR.json`` opens the explorer: the saved view's layer,
channel and view (its figure kind's), its colours and class-map settings; what the
command line gives (``--layer``, ``--channel``, ``--view``, ``--scan``, ``--cam-method``) wins."""

from __future__ import annotations

from dataclasses import replace

from actviz_tui.core.errors import ActvizError
from actviz_tui.core.saved_view import SavedView
from actviz_tui.ui.explorer_start import ExplorerStart

# A figure kind -> the view that shows it ("top" only with a scan: without one it has nothing to show).
KIND_VIEWS = {"channel": "channel", "input": "channel", "grid": "grid", "all-layers": "grid", "across": "across",
              "filters": "filters", "patterns": "filters", "cam": "cam", "top": "top"}


def start_from_view(view: SavedView, given: ExplorerStart) -> ExplorerStart:
    """``given``'s fields, and the view's where ``given`` has none; ActvizError for colours actviz has not."""
    _check_colours(view)
    scan = given.scan or (view.option("scan") if view.kind == "top" else None)
    shown = KIND_VIEWS.get(view.kind, "channel")
    if shown == "top" and scan is None:
        shown = "channel"
    start = replace(
        given,
        layer=given.layer if given.layer is not None else view.figure_layer,
        channel=given.channel if given.channel is not None else view.channel,
        view=given.view or shown,
        scan=scan,
        cmap=view.cmap,
        scale=view.scale,
    )
    if view.kind != "cam":
        return start
    from actviz_tui.core.export.cam_options import method_options

    return replace(start, cam_method=given.cam_method or view.option("method"), cam_class=view.option("class"),
                   cam_layer=view.layer, cam_cmap=view.option("cmap"),
                   cam_options=tuple(sorted(method_options(dict(view.options)).items())))


def _check_colours(view: SavedView) -> None:
    from actviz_tui.core.pictures.colormap import COLORMAP_NAMES, OVERLAY_COLORMAPS
    from actviz_tui.core.pictures.value_ranges import SCALES

    where = view.path or "the saved view"
    if view.cmap not in COLORMAP_NAMES:
        raise ActvizError(f"{where}: no colormap {view.cmap!r} (one of {', '.join(COLORMAP_NAMES)})")
    if view.scale not in SCALES:
        raise ActvizError(f"{where}: no scale {view.scale!r} (one of {', '.join(SCALES)})")
    overlay = view.option("cmap") if view.kind == "cam" else None
    if overlay is not None and overlay not in OVERLAY_COLORMAPS:
        raise ActvizError(f"{where}: no class-map colormap {overlay!r} (one of {', '.join(OVERLAY_COLORMAPS)})")
