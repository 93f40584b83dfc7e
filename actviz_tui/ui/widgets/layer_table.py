"""The layer table: model.summary() columns plus live activation stats.

Column widths follow the table's width (``ui/layer_columns.py``): every
header and value stays whole; long layer names lose the prefix they share with
the rows around them (``core/pictures/cell_format.elide_name``) and, when space
is short, ``t`` pages through the statistics and structure columns.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import DataTable

from actviz_tui.core.analysis.stats import ActivationStats
from actviz_tui.core.pictures.cell_format import (
    elide_name, format_count, format_dead, format_scan_dead, format_number, format_percent, format_shape, short_type,
)
from actviz_tui.core.model.graph import LayerInfo
from actviz_tui.ui.layer_columns import (
    COLUMN_BY_KEY, COLUMNS, GAP, ColumnPlan, plan_columns,
)

INDENT = "  "
NEAR = 10  # a name reads apart from those of the rows this close to it (about a screen)


class LayerTable(DataTable):
    """Rows are layers (key = table row index as str); a filter hides rows."""

    # left/right/home/end belong to the channel selector, not to column movement.
    BINDINGS = [
        binding for binding in DataTable.BINDINGS
        if not (isinstance(binding, Binding) and binding.key in ("left", "right", "home", "end"))
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True, cell_padding=0)
        self.layer_infos: list[LayerInfo] = []
        self.stats: dict[int, ActivationStats] = {}
        self.marked: set[int] = set()
        self.scan_dead: dict[int, tuple[int, int]] = {}  # row -> (dead, channels) on a scanned dataset
        self.divergence: dict[int, str] | None = None  # row -> its ΔL2 cell while comparing (--compare)
        self.filter_text = ""
        self.page = 0  # the page of columns shown when not all fit
        self.plan: ColumnPlan | None = None
        self._neighbours: dict[int, tuple[str, ...]] = {}  # row -> the names of the shown rows around it

    # ----- data ------------------------------------------------------------
    def set_layers(self, layers: list[LayerInfo]) -> None:
        self.layer_infos = layers
        self.relayout(force=True)

    def set_stats(self, stats: dict[int, ActivationStats]) -> None:
        self.stats = stats
        self.relayout()

    def set_scan_dead(self, dead: dict[int, tuple[int, int]]) -> None:
        """Rows a dataset scan has: their dead column counts channels dead on the whole dataset."""
        self.scan_dead = dead
        self.relayout()

    def set_divergence(self, texts: dict[int, str] | None) -> None:
        """The divergence column's cells (``compare_job.divergence_texts``); None: no column."""
        self.divergence = texts
        self.relayout()

    def set_marked(self, rows: set[int]) -> None:
        self.marked = rows
        self.relayout()

    def set_filter(self, text: str, keep: int | None = None) -> None:
        """Show only matching layers; the cursor stays on ``keep`` if it is shown."""
        self.filter_text = text.strip().lower()
        self.rebuild(keep)

    def toggle_columns(self) -> bool:
        """Show the next page of columns; False when all columns fit anyway."""
        if self.plan is None or not self.plan.split:
            return False
        self.page = (self.plan.page + 1) % len(self.plan.pages)
        self.relayout()
        return True

    def visible_layers(self) -> list[LayerInfo]:
        wanted = self.filter_text
        return [
            layer for layer in self.layer_infos
            if not wanted or wanted in layer.name.lower() or wanted in layer.type.lower()
        ]

    # ----- layout ------------------------------------------------------------
    def on_resize(self, event: Resize) -> None:
        self.relayout()

    def available_width(self) -> int:
        return self.size.width - self.styles.scrollbar_size_vertical

    def relayout(self, force: bool = False) -> None:
        """Fit the columns to the width; rebuild only when the columns change."""
        if not self.layer_infos or self.available_width() <= 0:
            return
        natural = {
            key: max(len(COLUMN_BY_KEY[key].header), *(len(text) for text in texts))
            for key, texts in self._column_texts().items()
        }
        plan = plan_columns(natural, self.available_width(), self.page)
        if force or plan != self.plan:
            selected = self.selected_row
            self.plan = plan
            self.clear(columns=True)
            for index, key in enumerate(plan.keys):
                self.add_column(self._padded(index, key, self._header(key)), key=key)
            self.rebuild(selected)
        else:
            self.refresh_cells()

    def _header(self, key: str) -> str:
        """The column's name; Layer's says which key shows the hidden columns, and the next one."""
        header = COLUMN_BY_KEY[key].header
        hint = f"{header} t:{COLUMN_BY_KEY[self._plan.next_page[0]].header}" if self._plan.split else header
        if key == "Layer" and self._plan.split and len(hint) <= self._plan.width_of(key):
            return hint
        return header

    def _column_texts(self) -> dict[str, list[str]]:
        texts: dict[str, list[str]] = {column.key: [""] for column in COLUMNS}
        if self.divergence is None:
            del texts["diverge"]
        for layer in self.layer_infos:
            for key, text in self._texts(layer).items():
                if key in texts:
                    texts[key].append(text)
        return texts

    def _padded(self, index: int, key: str, text: str, style: str = "") -> Text:
        """A cell exactly as wide as its column: aligned, and the gap before it."""
        width = self._plan.width_of(key)
        fitted = text.rjust(width) if COLUMN_BY_KEY[key].right else text.ljust(width)
        cell = Text(" " * GAP if index else "")
        cell.append(fitted, style=style)
        return cell

    @property
    def _plan(self) -> ColumnPlan:
        assert self.plan is not None, "relayout() plans the columns before any cell is made"
        return self.plan

    # ----- rows ------------------------------------------------------------
    def refresh_cells(self) -> None:
        """Update every shown cell in place: the cursor stays where it is."""
        for layer in self.visible_layers():
            for key, cell in zip(self._plan.keys, self._cells(layer)):
                self.update_cell(str(layer.index), key, cell)

    def rebuild(self, keep: int | None = None) -> None:
        """Re-list the rows (a new filter); the cursor stays on the same layer if shown."""
        if self.plan is None:
            return
        selected = keep if keep is not None else self.selected_row
        shown = self.visible_layers()
        self._neighbours = {
            layer.index: tuple(other.short_name for other in shown[max(0, position - NEAR):position + NEAR + 1]
                               if other is not layer)
            for position, layer in enumerate(shown)
        }
        with self.prevent(DataTable.RowHighlighted):
            self.clear()
            for layer in shown:
                self.add_row(*self._cells(layer), key=str(layer.index))
            if selected is not None:
                self.select_layer(selected)

    @property
    def selected_row(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return None if key.value is None else int(key.value)

    def select_layer(self, row: int) -> None:
        try:
            self.move_cursor(row=self.get_row_index(str(row)))
        except Exception:  # the row is filtered out
            pass

    def _cells(self, layer: LayerInfo) -> list[Text]:
        texts = self._texts(layer)
        texts["Layer"] = self._layer_name(layer)
        styles = {"Layer": "bold" if layer.is_model else "", "dead": "bold red"}
        return [self._padded(i, key, texts[key], styles.get(key, "")) for i, key in enumerate(self._plan.keys)]

    def _layer_name(self, layer: LayerInfo) -> str:
        mark = "*" if layer.index in self.marked else ""
        indent = INDENT * layer.depth
        room = max(1, self._plan.width_of("Layer") - len(indent) - len(mark))
        return indent + elide_name(layer.short_name, room, self._neighbours.get(layer.index, ())) + mark

    def _texts(self, layer: LayerInfo) -> dict[str, str]:
        """Every column's text for ``layer``, unelided."""
        stats = self.stats.get(layer.index)
        mark = "*" if layer.index in self.marked else ""
        texts = {
            "#": str(layer.index),
            "Layer": INDENT * layer.depth + layer.short_name + mark,
            "Type": short_type(layer.type),
            "Output": format_shape(stats.shape if stats is not None and stats.shape else layer.output_shape[1:]),
            "Params": format_count(layer.params),
            "mean": "", "zero": "", "dead": "",
            "diverge": (self.divergence or {}).get(layer.index, ""),
        }
        if stats is not None:
            texts["mean"] = format_number(stats.mean)
            texts["zero"] = format_percent(stats.zero_fraction)
            texts["dead"] = format_dead(stats.dead_channels, stats.channels)
        if layer.index in self.scan_dead:
            texts["dead"] = format_scan_dead(*self.scan_dead[layer.index])
        return texts
