"""What the explorer's keys do, and the bindings that name them.

A mixin of ExplorerScreen: every action only replaces ``self.state`` (the
views repaint from it) or asks the engine bridge for work. (Message handlers
here go by name, ``on_export_done``: Textual's ``@on`` needs a message pump class.)
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual.binding import Binding, BindingType

from actviz_tui.core.analysis.stats import dead_channels
from actviz_tui.core.errors import ActvizError
from actviz_tui.ui.explorer_patterns import PATTERNS
from actviz_tui.ui.explorer_save_view import SAVE_VIEW
from actviz_tui.ui.explorer_scan import OPEN_SCAN
from actviz_tui.ui.screens.prompt_screen import PromptScreen
from actviz_tui.ui.views import ExplorerView
from actviz_tui.ui.widgets.layer_filter import LayerFilter
from actviz_tui.ui.widgets.layer_table import LayerTable
from actviz_tui.ui.widgets.notice_line import Notice, NoticeLine

if TYPE_CHECKING:
    import numpy as np
    from textual.screen import Screen

    from actviz_tui.core.scan.report import ScanResult
    from actviz_tui.core.session.image_results import ImageResults
    from actviz_tui.core.session.model_session import ModelSession
    from actviz_tui.ui.engine_bridge import EngineBridge
    from actviz_tui.ui.explorer_state import ExplorerState
    from actviz_tui.ui.widgets.status_line import StatusLine

    _Host = Screen[None]
else:
    _Host = object

# Actions that move a text cursor when the filter box has the focus.
CURSOR_ACTIONS = frozenset({"channel", "first_channel", "last_channel", "view_key"})
# Actions that open a one-line prompt or the filter box (see ``on_key``).
PROMPT_ACTIONS = frozenset({"ask_channel", "open_image", "open_scan", "filter"})


def bindings(views) -> list[BindingType]:
    """The screen's keys: channel moves, one key per view, the views' own keys, the rest."""
    keys: list[BindingType] = [
        Binding("left", "channel(-1)", "Channel -1", priority=True, key_display="←"),
        Binding("right", "channel(1)", "Channel +1", priority=True, key_display="→"),
        Binding("left_square_bracket", "channel(-10)", "Channel -10", show=False, priority=True, key_display="["),
        Binding("right_square_bracket", "channel(10)", "Channel +10", show=False, priority=True, key_display="]"),
        Binding("home", "first_channel", "First channel", show=False, priority=True),
        Binding("end", "last_channel", "Last channel", show=False, priority=True),
        Binding("c", "ask_channel", "Go to channel", tooltip="type a channel number"),
        Binding("d", "dead_channel(1)", "Next dead channel", show=False,
                tooltip="the layer's next dead channel (all 0, or ~0 next to the layer's span); D the one before"),
        Binding("D", "dead_channel(-1)", "Previous dead channel", show=False, key_display="D",
                tooltip="the layer's previous dead channel"),
        Binding("g", "layer_end(0)", "First layer", show=False,
                tooltip="first layer of the table (Home/End: first/last channel)"),
        Binding("G", "layer_end(1)", "Last layer", show=False, key_display="G", tooltip="last layer of the table"),
        Binding("t", "table_columns", "Columns", show=False,
                tooltip="layer table: the next page of columns, statistics (mean, %zero, dead) then "
                "structure (Output, Params), when not all fit (the header says which comes next)"),
    ]
    keys += [Binding(view.KEY, f"view({view.NAME!r})", view.LABEL, tooltip=view.HELP) for view in views]
    keys.append(PATTERNS)
    routed: dict[str, list[Binding]] = {}  # several views may bind one key (PgDn: grid, across)
    for view in views:
        for binding in view.BINDINGS:
            routed.setdefault(binding.key, []).append(binding)
    # Named keys (PgUp, Enter) go first, before the focused layer table takes them; letters and
    # digits in turn with the other keys, so that a letter typed ahead after "/" or "c" stays text.
    keys += [
        Binding(key, f"view_key({key!r})", same[0].description, show=False, priority=len(key) > 1,
                key_display=same[0].key_display, tooltip="; ".join(b.tooltip for b in same if b.tooltip))
        for key, same in routed.items()
    ]
    keys += [
        Binding("m", "next_cmap", "Colormap", tooltip="next colormap: viridis, magma, gray, coolwarm"),
        Binding("s", "next_scale", "Scale", tooltip="normalisation: each channel's own range / the whole layer's"),
        Binding("n", "image(1)", "Next image", show=False, tooltip="next image (when several were given)"),
        Binding("p", "image(-1)", "Previous image", show=False, tooltip="previous image"),
        Binding("o", "open_image", "Open image", show=False, tooltip="open another image by path"),
        OPEN_SCAN,
        Binding("slash", "filter", "Filter", key_display="/",
                tooltip="filter the layer table by name or type; Esc clears"),
        Binding("x", "toggle_mark", "Mark", tooltip="mark / unmark the current channel for export"),
        Binding("e", "export", "Export", tooltip="export figures (PNG), preset to the marks or the view"),
        SAVE_VIEW,
        Binding("escape", "escape", "Cancel a run / hide notices", show=False,
                tooltip="stop a running export, pattern run or faithfulness run; else hide the notices above the "
                "status line"),
        Binding("f1,question_mark", "help", "Help", tooltip="every key, in one page"),
        Binding("q", "app.quit", "Quit"),
    ]
    return keys


def as_bindings(bindings: list[BindingType]) -> list[Binding]:
    """A BINDINGS list as Binding objects: actviz writes no (key, action) tuples."""
    return cast("list[Binding]", bindings)


class ExplorerActions(_Host):
    if TYPE_CHECKING:  # what ExplorerScreen, the class this is a part of, provides
        state: ExplorerState
        session: ModelSession | None
        results: ImageResults | None
        image_paths: list[Path]
        engine: EngineBridge
        status_line: StatusLine

        def _show_image_name(self) -> None: ...

        @property
        def activation(self) -> np.ndarray | None: ...
        @property
        def current_view(self) -> ExplorerView: ...
        def set_state(self, state: ExplorerState) -> None: ...
        def load_image(self, index: int) -> None: ...
        def walk_to_image(self, index: int, step: int) -> None: ...
        def show_status(self) -> None: ...
        def announce(self, notice: Notice) -> None: ...
        def editing_text(self) -> bool: ...
        def scan_dead(self, row: int) -> frozenset[int] | None: ...
        def can_export(self) -> bool: ...
        scan: ScanResult | None

    def palette_bindings(self) -> list[Binding]:
        """What Ctrl+P lists: every action but quit, once each."""
        return [binding for binding in as_bindings(self.BINDINGS) if binding.action != "app.quit"]

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if not self.query("ExplorerView"):
            return action not in ("view_key", "export")  # asked before the views are mounted
        if action in ("toggle_mark", "dead_channel") and self.activation is None:
            return None  # shown, but disabled until activations exist
        if action == "export" and not self.can_export():
            return None
        if action in CURSOR_ACTIONS and self.editing_text():
            return False  # let the filter box move its own text cursor
        if action == "channel" and abs(parameters[0]) == 1 and getattr(self.focused, "CLAIMS_ARROWS", False):
            return False  # ← → move the focused widget's cursor (view 1's probe)
        if action == "view_key":
            return any(b.key == parameters[0] for b in as_bindings(self.current_view.BINDINGS))
        return True

    def apply_start(self, start) -> None:
        """Open where the command line said (an ExplorerStart, or None); a bad layer is a message."""
        if start is None:
            return
        views = [view.NAME for view in self.query(ExplorerView)]
        if start.view is not None and start.view not in views:
            self.announce(Notice(f"no view {start.view!r}: the views are {', '.join(views)}", "--view", "error"))
            start = replace(start, view=None)
        if start.cam_method_problem():
            self.announce(Notice(start.cam_method_problem(), "--cam-method", "error"))
            start = replace(start, cam_method=None)
        try:
            self.set_state(start.applied_to(self.state, self.session))
        except ActvizError as error:
            self.announce(Notice(str(error), "--layer", "error"))
            return
        self.query_one("#layers", LayerTable).select_layer(self.state.layer)

    def action_channel(self, delta: int) -> None:
        self.set_state(self.state.step_channel(self.current_view.channel_step(delta)))

    def action_first_channel(self) -> None:
        self.set_state(self.state.with_channel(0))

    def action_last_channel(self) -> None:
        self.set_state(self.state.with_channel(self.state.channels - 1))

    def action_dead_channel(self, direction: int) -> None:
        if self.activation is None or self.session is None:
            return
        on_dataset = self.scan_dead(self.state.layer)  # a scan of the layer: dead on the whole dataset
        dead = dead_channels(self.activation) if on_dataset is None else tuple(sorted(on_dataset))
        name = self.session.layers[self.state.layer].name
        if not dead:
            self.notify(f"no dead channel in {name}", timeout=3)
            return
        self.set_state(self.state.step_among(dead, direction))
        where = f"{dead.index(self.state.channel) + 1} of {len(dead)}"
        self.status_line.stage = f"dead channel {self.state.channel}: {where} in {name}"

    def action_layer_end(self, last: int) -> None:
        table = self.query_one("#layers", LayerTable)
        if table.row_count:
            table.move_cursor(row=table.row_count - 1 if last else 0)

    def action_table_columns(self) -> None:
        if not self.query_one("#layers", LayerTable).toggle_columns():
            self.notify("every column fits: no need to switch", timeout=3)

    def action_view(self, view: str) -> None:
        self.set_state(self.state.with_view(view))

    async def action_view_key(self, key: str) -> None:
        view = self.current_view
        binding = next(b for b in as_bindings(view.BINDINGS) if b.key == key)
        await view.run_action(binding.action)

    def action_next_cmap(self) -> None:
        self.set_state(self.state.next_cmap())

    def action_next_scale(self) -> None:
        self.set_state(self.state.next_scale())

    def action_toggle_mark(self) -> None:
        if self.activation is not None:
            self.set_state(self.state.toggle_mark())

    def action_ask_channel(self) -> None:
        def chosen(answer: str | None) -> None:
            if answer and answer.isdigit():
                if int(answer) >= self.state.channels:
                    self.notify(f"no channel {answer} here: showing the last, {self.state.channels - 1}", timeout=4)
                self.set_state(self.state.with_channel(int(answer)))
            elif answer:
                self.notify(f"not a channel number: {answer}", severity="warning")

        self.app.push_screen(PromptScreen(f"Channel (0-{self.state.channels - 1}):", "e.g. 29"), chosen)

    def on_key(self, event) -> None:
        """Keys queued behind one that opens a prompt (``c15⏎`` pasted) belong to the prompt.

        Bindings run only after every queued key has passed here, so a prompt key
        opens its prompt now, and the keys after it go there, not to the explorer.
        """
        layer_filter = self.query_one("#layer-filter", LayerFilter)
        if isinstance(self.app.screen, PromptScreen) and self.app.screen is not self:
            self.app.screen.type_ahead(event)
        elif layer_filter.is_open and not self.editing_text():  # opened, its box not focused yet
            if layer_filter.type_ahead(event):
                event.stop()
                event.prevent_default()
        elif self.app.screen is self and not self.editing_text():
            keys = as_bindings(self.BINDINGS)
            action = next((b.action for b in keys if b.key == event.key and b.action in PROMPT_ACTIONS), None)
            view = self.current_view if self.query("ExplorerView") else None
            if action is not None:
                event.stop()
                event.prevent_default()
                getattr(self, f"action_{action}")()
            elif view is not None and event.key in view.PROMPT_KEYS:  # the view's own prompt (C: a class)
                event.stop()
                event.prevent_default()
                binding = next(b for b in as_bindings(view.BINDINGS) if b.key == event.key)
                getattr(view, f"action_{binding.action}")()

    def action_image(self, delta: int) -> None:
        if self.session is None:
            self.notify("the model is still loading", timeout=3)
        elif len(self.image_paths) < 2:
            self.notify("only one image: give several on the command line, or press o", timeout=3)
        else:  # an image that cannot be read is skipped, with a message
            self.walk_to_image((self.state.image + delta) % len(self.image_paths), 1 if delta > 0 else -1)

    def action_open_image(self) -> None:
        def chosen(answer: str | None) -> None:
            if not answer:
                return
            self.image_paths.append(Path(answer).expanduser())
            if self.session is None:  # opened once the model has loaded
                self.set_state(replace(self.state, image=len(self.image_paths) - 1))
                self._show_image_name()
            else:
                self.load_image(len(self.image_paths) - 1)

        self.app.push_screen(PromptScreen("Open image or .npy array (path):", "path/to/image.jpg"), chosen)

    def action_filter(self) -> None:
        self.query_one("#layer-filter", LayerFilter).open()

    def action_help(self) -> None:
        from actviz_tui.ui.screens.help_screen import HelpScreen  # Markdown is slow to import

        self.app.push_screen(HelpScreen(as_bindings(self.BINDINGS)))

    def action_escape(self) -> None:
        if self.engine.cancel("export"):
            self.status_line.stage = "cancelling the export after the current figure"
        elif self.engine.cancel("patterns"):
            self.status_line.stage = "cancelling the patterns after the current step"
        elif self.engine.cancel("faithfulness"):
            self.status_line.stage = "cancelling the faithfulness run before its next batch"
        else:
            self.query_one("#notices", NoticeLine).hide()
