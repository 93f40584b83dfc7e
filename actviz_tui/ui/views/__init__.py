"""The explorer's views. Adding one: a module with an ExplorerView subclass and
an entry here; keys, footer, help, command palette and the export dialog follow."""

from actviz_tui.ui.views.across_view import AcrossView
from actviz_tui.ui.views.base import ExplorerView
from actviz_tui.ui.views.channel_view import ChannelView
from actviz_tui.ui.views.class_map_view import ClassMapView
from actviz_tui.ui.views.compare_view import CompareView
from actviz_tui.ui.views.filters_view import FiltersView
from actviz_tui.ui.views.grid_view import GridView
from actviz_tui.ui.views.top_view import TopView

VIEWS: tuple[type[ExplorerView], ...] = (
    ChannelView, GridView, AcrossView, FiltersView, ClassMapView, TopView, CompareView,
)

__all__ = ["VIEWS", "ExplorerView"]
