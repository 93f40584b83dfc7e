"""The explorer's comparison (``--compare OTHER``): A is the explorer's model and image, B a
second checkpoint on the same image or the same model on a second input.

A mixin of ExplorerScreen, like ExplorerScan: OTHER is opened in a worker once the model is
in (``apply_start``); each shown image is then paired with B (``pair_image``: a second
checkpoint follows the n / p image, a second input stays), view 7 asks for both sides of
its layer, and after the first picture every layer's relative L2 fills the table's ΔL2
column. Another architecture, or an input that cannot be read, is one notice, and view 7
says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from actviz_tui.ui import compare_job
from actviz_tui.ui.widgets.notice_line import Notice

if TYPE_CHECKING:
    from textual.screen import Screen

    from actviz_tui.core.compare.pair import ComparedPair, OtherSide
    from actviz_tui.core.session.image_results import ImageResults
    from actviz_tui.core.session.model_session import ModelSession
    from actviz_tui.ui.engine_bridge import EngineBridge
    from actviz_tui.ui.messages import ImageReady
    from actviz_tui.ui.views.compare_view import CompareView

    _Host = Screen[None]
else:
    _Host = object

HOW_TO = ("no comparison: start with --compare OTHER, a second checkpoint (.keras, .h5) of this model "
          "or another image (or .npy array):\n\nactviz MODEL IMAGE --compare OTHER")


class ExplorerCompare(_Host):
    compare_path: Path | None = None  # OTHER, once asked for
    compare_other: OtherSide | None = None  # OTHER opened
    compare_pair: ComparedPair | None = None  # the shown image's pair
    compare_problem: str = ""  # why OTHER cannot be compared
    compare_first_row: int | None = None  # the pair's first divergent row, once every layer is compared
    compare_all_done: bool = False
    _stats_in = False  # the shown image's statistics are in: A's layers are computed (and cached)
    _all_asked = False  # every layer's divergence was asked for, for the shown image

    if TYPE_CHECKING:  # what ExplorerScreen, the class this is a part of, provides
        session: ModelSession | None
        results: ImageResults | None
        engine: EngineBridge

        def announce(self, notice: Notice) -> None: ...

    def apply_start(self, start) -> None:
        """Where the command line said, then its ``--compare``."""
        super().apply_start(start)  # type: ignore[misc]  # the next mixin's, ExplorerActions' in the end
        other = getattr(start, "compare", None)
        if other is not None and self.session is not None:
            self.compare_path = Path(other).expanduser()
            self._table().set_divergence({})
            compare_job.open_other(self.engine, self.session, self.compare_path)
            self._pair_changed()

    def compare_status(self) -> tuple[ComparedPair | None, str]:
        """(the shown image's pair, or None and why there is none)."""
        if self.compare_pair is not None:
            return self.compare_pair, ""
        if self.compare_path is None:
            return None, HOW_TO
        if self.compare_problem:
            return None, f"cannot compare with {self.compare_path.name}: {self.compare_problem}"
        if self.results is None or not self.results.has_image:
            return None, "comparing once an image is in"
        return None, f"opening {self.compare_path.name} to compare…"

    def compare_first_text(self) -> str:
        if not self.compare_all_done or self.session is None:
            return "…"
        if self.compare_first_row is None:
            return "none (identical)"
        return self.session.layers[self.compare_first_row].name

    # ----- messages ---------------------------------------------------------------------
    def on_compare_opened(self, message: compare_job.CompareOpened) -> None:
        self.compare_other = message.other
        self._pair_shown_image()

    def on_compare_refused(self, message: compare_job.CompareRefused) -> None:
        self.compare_problem = message.problem
        self._table().set_divergence(None)
        self.announce(Notice(f"--compare {message.path.name}: {message.problem}", "compare", "warning"))
        self._pair_changed()

    def on_image_ready(self, message: ImageReady) -> None:
        """After the screen's own handler: the new image gets its pair."""
        if self.compare_path is None:
            return
        self.compare_pair, self.compare_first_row, self.compare_all_done = None, None, False
        self._stats_in = self._all_asked = False
        if not self.compare_problem:
            self._table().set_divergence({})
        self._pair_changed()
        self._pair_shown_image()

    def on_pair_ready(self, message: compare_job.PairReady) -> None:
        self.compare_pair = message.pair
        self._pair_changed()
        self._compare_all_layers()

    def on_stats_ready(self) -> None:
        """After the screen's own handler: A's every layer is computed, B's can follow."""
        self._stats_in = True
        self._compare_all_layers()

    def on_divergence_ready(self, message: compare_job.DivergenceReady) -> None:
        if self.compare_pair is None or message.key != self.compare_pair.a.key or self.session is None:
            return
        self.compare_first_row, self.compare_all_done = message.first_row, True
        rows = len(self.session.layers)
        self._table().set_divergence(compare_job.divergence_texts(rows, message.divergences, message.first_row))
        self._pair_changed(keep_layer=True)

    def on_compare_view_layer_wanted(self, message: CompareView.LayerWanted) -> None:
        if self.compare_pair is not None:
            compare_job.compare_layer(self.engine, self.compare_pair, message.row, reply_to=message.view)

    # ----- helpers ----------------------------------------------------------------------
    def _pair_shown_image(self) -> None:
        results = self.results
        if self.compare_other is not None and results is not None and results.has_image:
            compare_job.pair_image(self.engine, self.compare_other, results)

    def _compare_all_layers(self) -> None:
        """The table's column, once per image, after the statistics (A's layers then come from the cache)."""
        pair = self.compare_pair
        if pair is not None and self._stats_in and not self._all_asked:
            self._all_asked = True
            compare_job.compare_all_layers(self.engine, pair)

    def _pair_changed(self, keep_layer: bool = False) -> None:
        from actviz_tui.ui.views.compare_view import CompareView

        for view in self.query(CompareView):
            if keep_layer:
                if view.is_current:
                    view.repaint()  # the caption's first divergent layer
            else:
                view.pair_changed()

    def _table(self):
        from actviz_tui.ui.widgets.layer_table import LayerTable

        return self.query_one("#layers", LayerTable)
