"""The layer table's columns and how wide each may be. Pure arithmetic, no widgets.

Every column but Layer is as wide as its widest cell (numbers are already
short); Layer takes the rest and its names are elided in the middle. When the
structure and the statistics columns do not all fit, only one group shows and
a key switches between them.
"""

from __future__ import annotations

from dataclasses import dataclass

ALWAYS, STRUCTURE, STATISTICS = "always", "structure", "statistics"
GAP = 1  # blank cells between two columns
LAYER_MIN = 14  # below this a name is more ellipsis than name: drop a column group first
LAYER_FLOOR = 4


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    group: str
    right: bool  # numbers align right
    help: str


COLUMNS = (
    Column("#", "#", ALWAYS, True, "the layer's row: type it to `actviz export --layer`"),
    Column("Layer", "Layer", ALWAYS, False,
           "layer name, elided in the middle when long (the full name is in the view's title); "
           "nested layers are indented; * = channels marked for export"),
    Column("Type", "Type", ALWAYS, False,
           "Keras layer class, abbreviated: BatchNorm = BatchNormalization, MaxPool2D = MaxPooling2D, "
           "GlobalAvgPool2D = GlobalAveragePooling2D, DWConv2D = DepthwiseConv2D"),
    Column("Output", "Output", STRUCTURE, False,
           "output shape without the batch axis (HxWxC); for a model that takes any size, the shape for this image"),
    Column("Params", "Params", STRUCTURE, True, "number of weights, rounded: 18.5k, 3.2M"),
    Column("mean", "mean", STATISTICS, True, "mean activation value on this image (3 significant digits)"),
    Column("zero", "%zero", STATISTICS, True, "share of activation values that are exactly 0 (ReLU switched off)"),
    Column("dead", "dead", STATISTICS, True,
           "dead channels: zero at every position on this image, of all channels (2/32)"),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


@dataclass(frozen=True)
class ColumnPlan:
    keys: tuple[str, ...]  # the columns shown, in order
    widths: tuple[int, ...]  # content width of each (without the gap)
    split: bool  # True when only one group of columns fits

    def width_of(self, key: str) -> int:
        return self.widths[self.keys.index(key)]


def plan_columns(natural: dict[str, int], available: int, group: str = STATISTICS) -> ColumnPlan:
    """Which columns to show and how wide, in ``available`` cells.

    ``natural`` maps each column key to the width of its widest cell (header
    included). ``group`` is the group shown when not all of them fit.
    """
    everything = _plan([column.key for column in COLUMNS], natural, available)
    if everything.width_of("Layer") >= min(LAYER_MIN, natural["Layer"]):
        return everything
    keys = [column.key for column in COLUMNS if column.group in (ALWAYS, group)]
    return _plan(keys, natural, available, split=True)


def _plan(keys: list[str], natural: dict[str, int], available: int, split: bool = False) -> ColumnPlan:
    fixed = sum(natural[key] for key in keys if key != "Layer") + GAP * (len(keys) - 1)
    layer = max(LAYER_FLOOR, min(natural["Layer"], available - fixed))
    widths = tuple(layer if key == "Layer" else natural[key] for key in keys)
    return ColumnPlan(tuple(keys), widths, split)


def other_group(group: str) -> str:
    return STRUCTURE if group == STATISTICS else STATISTICS
