"""The layer table: model.summary() columns plus live activation stats."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from actviz_tui.core.activation_stats import ActivationStats
from actviz_tui.core.layer_graph import LayerInfo

COLUMNS = ("#", "Layer", "Type", "Output", "Params", "mean", "zero", "dead")


class LayerTable(DataTable):
    """Rows are layers (key = table row index as str); a filter hides rows."""

    # left/right belong to the channel selector, not to column movement.
    BINDINGS = [
        binding for binding in DataTable.BINDINGS
        if not (isinstance(binding, Binding) and binding.key in ("left", "right", "home", "end"))
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.layer_infos: list[LayerInfo] = []
        self.stats: dict[int, ActivationStats] = {}
        self.marked: set[int] = set()
        self.filter_text = ""

    def on_mount(self) -> None:
        for column in COLUMNS:
            self.add_column(column, key=column)

    def set_layers(self, layers: list[LayerInfo]) -> None:
        self.layer_infos = layers
        self.rebuild()

    def set_stats(self, stats: dict[int, ActivationStats]) -> None:
        self.stats = stats
        self.refresh_cells()

    def set_marked(self, rows: set[int]) -> None:
        self.marked = rows
        self.refresh_cells()

    def refresh_cells(self) -> None:
        """Update names and stats in place: the cursor stays where it is."""
        for layer in self.visible_layers():
            for column, value in zip(COLUMNS, self._cells(layer)):
                if column in ("Layer", "mean", "zero", "dead"):
                    self.update_cell(str(layer.index), column, value)

    def set_filter(self, text: str, keep: int | None = None) -> None:
        """Show only matching layers; the cursor stays on ``keep`` if it is shown."""
        self.filter_text = text.strip().lower()
        self.rebuild(keep)

    def visible_layers(self) -> list[LayerInfo]:
        wanted = self.filter_text
        return [
            layer for layer in self.layer_infos
            if not wanted or wanted in layer.name.lower() or wanted in layer.type.lower()
        ]

    def rebuild(self, keep: int | None = None) -> None:
        """Re-list the rows (a new filter); the cursor stays on the same layer if shown."""
        selected = keep if keep is not None else self.selected_row
        with self.prevent(DataTable.RowHighlighted):
            self.clear()
            for layer in self.visible_layers():
                self.add_row(*self._cells(layer), key=str(layer.index))
            if selected is not None:
                self.select_layer(selected)

    @property
    def selected_row(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return int(key.value)

    def select_layer(self, row: int) -> None:
        try:
            self.move_cursor(row=self.get_row_index(str(row)))
        except Exception:  # the row is filtered out
            pass

    def _cells(self, layer: LayerInfo) -> list:
        mark = "*" if layer.index in self.marked else ""
        name = Text("  " * layer.depth + layer.short_name + mark, style="bold" if layer.is_model else "")
        shape = "x".join("?" if d is None else str(d) for d in layer.output_shape[1:]) or "scalar"
        return [str(layer.index), name, layer.type, shape, f"{layer.params:,}", *self._stats_cells(layer.index)]

    def _stats_cells(self, row: int) -> list:
        stats = self.stats.get(row)
        if stats is None:
            return ["", "", ""]
        dead = Text(f"{stats.dead_channels}", style="bold red") if stats.dead_channels else ""
        return [f"{stats.mean:.3g}", f"{stats.zero_fraction:.0%}", dead]
