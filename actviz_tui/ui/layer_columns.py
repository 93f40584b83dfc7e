"""The layer table's columns and how wide each may be. Pure arithmetic, no widgets.

Every column but Layer is as wide as its widest cell (numbers are already
short, types at most 10 characters); Layer takes the rest and its names lose
their shared prefix first. When the structure and the statistics columns do not
all fit beside a readable Layer column, they are shown a page at a time and a
key (``t``) shows the next page.
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
           "layer name; a long one loses the prefix it shares with the rows around it first "
           "(…block1_concat); the selected layer's full name, type, inputs and receptive field are "
           "in the line under the views; nested layers are indented; * = channels marked for export"),
    Column("Type", "Type", ALWAYS, False,
           "Keras layer class in at most 10 characters: BatchNorm = BatchNormalization, "
           "MaxPool2D = MaxPooling2D, GAvgPool2D = GlobalAveragePooling2D, DWConv2D = DepthwiseConv2D"),
    Column("Output", "Output", STRUCTURE, False,
           "output shape without the batch axis (HxWxC); for a model that takes any size, the shape for this image"),
    Column("Params", "Params", STRUCTURE, True, "number of weights, rounded: 18.5k, 3.2M"),
    Column("mean", "mean", STATISTICS, True, "mean activation value on this image (3 significant digits)"),
    Column("zero", "%zero", STATISTICS, True, "share of activation values that are exactly 0 (ReLU switched off)"),
    Column("dead", "dead", STATISTICS, True,
           "dead channels: zero at every position on this image, of all channels (2/32); with a scan "
           "loaded, a scanned layer counts the channels never above 0 on the whole dataset (3/64 scan)"),
    Column("diverge", "ΔL2", STATISTICS, True,
           "only with --compare OTHER: the layer's relative L2 distance ||B - A|| / ||A|| between this image "
           "(or checkpoint) and the other; ▶ marks the first layer that differs; — where undefined"),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}


@dataclass(frozen=True)
class ColumnPlan:
    keys: tuple[str, ...]  # the columns shown, in order
    widths: tuple[int, ...]  # content width of each (without the gap)
    page: int = 0  # which page of the optional columns is shown
    pages: tuple[tuple[str, ...], ...] = ()  # the optional columns, page by page (one page: all fit)

    @property
    def split(self) -> bool:
        """True when the optional columns do not all fit: ``t`` shows the next page."""
        return len(self.pages) > 1

    @property
    def next_page(self) -> tuple[str, ...]:
        return self.pages[(self.page + 1) % len(self.pages)] if self.pages else ()

    def width_of(self, key: str) -> int:
        return self.widths[self.keys.index(key)]


def plan_columns(natural: dict[str, int], available: int, page: int = 0) -> ColumnPlan:
    """Which columns to show and how wide, in ``available`` cells.

    ``natural`` maps each column key to the width of its widest cell (header
    included); a column it leaves out is not shown (the divergence column without
    --compare). When not all columns fit beside a readable Layer column, the
    optional ones are paged (statistics first, then structure; as many of a group
    per page as fit) and ``page`` says which page shows (modulo their number).
    """
    pages = column_pages(natural, available)
    page %= len(pages)
    always = [column.key for column in COLUMNS if column.group == ALWAYS]
    keys = [column.key for column in _present(natural) if column.key in (*always, *pages[page])]
    return _plan(keys, natural, available, page, tuple(pages))


def column_pages(natural: dict[str, int], available: int) -> list[tuple[str, ...]]:
    """The optional columns, page by page: one page when they all fit."""
    everything = [column.key for column in _present(natural)]
    if _fits(everything, natural, available):
        return [tuple(key for key in everything if COLUMN_BY_KEY[key].group != ALWAYS)]
    always = [column.key for column in COLUMNS if column.group == ALWAYS]
    pages: list[tuple[str, ...]] = []
    for group in (STATISTICS, STRUCTURE):
        page: list[str] = []
        for key in (column.key for column in _present(natural) if column.group == group):
            if page and not _fits([*always, *page, key], natural, available):
                pages.append(tuple(page))
                page = []
            page.append(key)
        pages.append(tuple(page))
    return pages


def _present(natural: dict[str, int]) -> list[Column]:
    return [column for column in COLUMNS if column.key in natural]


def _fits(keys: list[str], natural: dict[str, int], available: int) -> bool:
    return _plan(keys, natural, available).width_of("Layer") >= min(LAYER_MIN, natural["Layer"])


def _plan(keys: list[str], natural: dict[str, int], available: int, page: int = 0,
          pages: tuple[tuple[str, ...], ...] = ()) -> ColumnPlan:
    fixed = sum(natural[key] for key in keys if key != "Layer") + GAP * (len(keys) - 1)
    layer = max(LAYER_FLOOR, min(natural["Layer"], available - fixed))
    widths = tuple(layer if key == "Layer" else natural[key] for key in keys)
    return ColumnPlan(tuple(keys), widths, page, pages)
