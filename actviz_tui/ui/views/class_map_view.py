"""View 5: what the model predicted, and where in the image it looked for a class.

The predictions of every output head the view; below them the class heatmap
over the input (Grad-CAM family, HiResCAM, Score-CAM or occlusion; by default
the method that suits the model's head, with the reason shown). The target is
the top class unless another is picked (y / Y, or C to type one); the layer is
the default one unless `l` takes the table's selected layer.

`k` cycles the quick methods only; the expensive ones (``expensive`` in the
registry: Score-CAM, occlusion, a forward pass per channel or patch) are
asked for by name with `K` ("scorecam", "scorecam all", "scorecam 128",
"occlusion"). A running one stops at its next batch when anything changes.

`f` measures each quick method's faithfulness on this image (`F`: every method) in
the background, shown beside the heatmap (``faithfulness_panel``); Enter on a row
shows that method. Esc, or another image, class or layer, stops the run.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from actviz_tui.core.analysis.class_names import output_classes
from actviz_tui.core.errors import ClassIndexError
from actviz_tui.core.evaluate.best import BEST
from actviz_tui.core.pictures import colormap
from actviz_tui.core.explain import METHODS, ClassHeatmap, cheap_methods
from actviz_tui.core.export import FigureRequest
from actviz_tui.core.figures.class_heatmap import OVERLAY_ALPHA
from actviz_tui.core.inputs.images import display_rgb
from actviz_tui.ui.ranking_job import ContributionsReady, ask_contributions
from actviz_tui.ui.faithfulness_job import EXPLORER_STEPS, FaithfulnessDone, FaithfulnessKey, FaithfulnessProgress
from actviz_tui.ui.messages import ClassHeatmapProgress, ClassHeatmapReady, PredictionsReady
from actviz_tui.ui.screens.prompt_screen import PromptScreen
from actviz_tui.ui.views.method_prompt import NAMES_HELP, PROMPT_EXAMPLE, PROMPT_QUESTION, parse_method
from actviz_tui.ui.views.base import ExplorerView
from actviz_tui.ui.views.drivers_panel import DriversPanel
from actviz_tui.ui.views.faithfulness_panel import FaithfulnessPanel
from actviz_tui.ui.views.prediction_lines import prediction_lines
from actviz_tui.ui.widgets.color_legend import ColorLegend
from actviz_tui.ui.widgets.heatmap_view import HeatmapView

METHOD_CYCLE = (None, *cheap_methods())  # None: the default method for the model's head
QUICK = ", ".join(["default", *(METHODS[name].title for name in cheap_methods())])
SLOW = ", ".join(METHODS[name].title for name in METHODS if name not in METHOD_CYCLE)


class ClassMapView(ExplorerView):
    NAME, KEY, LABEL = "cam", "5", "Class map"
    HELP = (
        "view: the predictions, and the class heatmap over the input "
        "(y/Y class, C type one, k method, K a method by name, l layer, j colours, f/F faithfulness)"
    )
    EXPORT_KIND = "cam"
    NEEDS = "image"
    DEFAULT_CSS = """
    ClassMapView { layout: vertical; }
    ClassMapView #cam-top { height: auto; max-height: 12; }
    ClassMapView #predictions { width: 1fr; height: auto; max-height: 12; color: $text; }
    ClassMapView #cam-row { height: 1fr; }
    """
    PROMPT_KEYS = frozenset({"C", "K"})
    BINDINGS = [
        Binding("k", "method", "Method", tooltip=f"class map: next quick method ({QUICK}); K for {SLOW}"),
        Binding("K", "type_method", "Method by name",
                tooltip=f"class map: type a method, the slow ones too ({NAMES_HELP})"),
        Binding("y", "step_class(1)", "Next class", tooltip="class map: the next of the top predicted classes"),
        Binding("Y", "step_class(-1)", "Previous class", tooltip="class map: the previous top class"),
        Binding("C", "type_class", "Type class", tooltip="class map: type a class index or name"),
        Binding("l", "layer", "CAM layer", tooltip="class map: the table's selected layer / back to the default layer"),
        Binding("j", "overlay_cmap", "Overlay colours", tooltip="class map: jet, turbo, inferno"),
        Binding("f", "faithfulness(False)", "Faithfulness",
                tooltip=f"class map: deletion and insertion AUC of each quick method on this image ({EXPLORER_STEPS} "
                "steps, in the background, best first, beside the random floor; Esc cancels); Enter on a row "
                "shows that method; f again closes"),
        Binding("F", "faithfulness(True)", "Faithfulness, every method",
                tooltip=f"class map: the same with the slow methods too ({SLOW})"),
        Binding("u", "driver(1)", "Next driving channel",
                tooltip="class map: select the next of the channels that drove the class (the CAM layer's, "
                        "listed beside the predictions) in the table; 1 then shows its map"),
        Binding("U", "driver(-1)", "Previous driving channel", tooltip="class map: the previous driving channel"),
    ]

    def __init__(self, session_getter) -> None:
        super().__init__(session_getter)
        self.predictions: list = []
        self._predicted_for: int | None = None  # image index the predictions belong to
        self._asked: dict | None = None
        self._result: ClassHeatmap | None = None
        self._drawn_cmap: str | None = None  # the overlay colormap ``_result`` is drawn with
        self._computing = False  # a heatmap was asked and not answered yet

    def compose(self) -> ComposeResult:
        with Horizontal(id="cam-top"):
            yield Static("", id="predictions")
            yield DriversPanel(id="drivers")
        with Horizontal(id="cam-row"):
            yield HeatmapView(id="cam-picture")
            yield FaithfulnessPanel(id="faithfulness")
        yield ColorLegend(id="cam-legend")

    # ----- keys: each changes ExplorerState.cam ------------------------------
    def _choose(self, **changes) -> None:
        self.post_message(self.SettingsChosen({"cam": replace(self.state.cam, **changes)}))

    def action_method(self) -> None:
        """The next quick method; from an expensive one (asked by name), back to the default."""
        if self.state.cam.method not in METHOD_CYCLE:
            self._choose(method=None, method_options=())
            return
        shown = self._result.method if self._result is not None else None
        position = (METHOD_CYCLE.index(self.state.cam.method) + 1) % len(METHOD_CYCLE)
        if METHOD_CYCLE[position] == shown:  # the default was this one already: the next
            position = (position + 1) % len(METHOD_CYCLE)
        self._choose(method=METHOD_CYCLE[position], method_options=())

    def action_type_method(self) -> None:
        def chosen(answer: str | None) -> None:
            if not answer:
                return
            try:
                method, options = parse_method(answer)
            except ValueError as error:
                self.notify(str(error), severity="warning")
                return
            self._choose(method=method, method_options=options)

        self.app.push_screen(PromptScreen(PROMPT_QUESTION, PROMPT_EXAMPLE), chosen)

    def action_step_class(self, delta: int) -> None:
        top = [entry.index for entry in self.predictions[0].top] if self.predictions else []
        if top:
            chosen = self.state.cam.class_index
            current = chosen if chosen in top else top[0]
            self._choose(class_index=top[(top.index(current) + delta) % len(top)])

    def action_type_class(self) -> None:
        def chosen(answer: str | None) -> None:
            if not answer or self.session is None:
                return
            if answer.strip().isdigit():  # out of range: the class heatmap says so
                self._choose(class_index=int(answer))
                return
            try:
                self._choose(class_index=output_classes(self.session.keras_model, self.session.labels).index(answer))
            except ClassIndexError as error:
                self.notify(str(error), title="class", severity="warning", timeout=8)

        self.app.push_screen(PromptScreen("Class (index from 0, or name):", "e.g. 281 or tabby"), chosen)

    def action_layer(self) -> None:
        self._choose(layer=None if self.state.cam.layer is not None else self.state.layer)

    def action_overlay_cmap(self) -> None:
        self.post_message(self.SettingsChosen({"cam": self.state.cam.next_cmap()}))

    def action_faithfulness(self, every: bool) -> None:
        """Measure each method on this image (``f``: the quick ones, ``F``: all); again: close the panel."""
        panel = self.query_one(FaithfulnessPanel)
        if panel.is_open and panel.every == every:
            self.engine.stop("faithfulness")
            panel.close()
            return
        session, cam = self.session, self.state.cam
        if session is None or not session.has_image:
            self.notify("faithfulness needs an image (o opens one)", timeout=3)
            return
        methods = tuple(METHODS) if every else cheap_methods()
        key = FaithfulnessKey(session.key, methods, cam.class_index, cam.layer)
        panel.start(key, every)
        self.engine.faithfulness(session, key, reply_to=self)

    def action_driver(self, step: int) -> None:
        """Select the next (``step`` 1) or previous listed driving channel: its layer and channel."""
        drivers = self.query_one(DriversPanel)
        channel = drivers.after(step)
        if channel is None or drivers.layer_row is None:
            self.notify("no driving channels listed for this class map", timeout=3)
            return
        drivers.select(drivers.layer_row, channel)  # a second u before the state changes goes on from here
        self.post_message(self.ChannelChosen(channel, layer=drivers.layer_row))

    def export_request(self, state) -> FigureRequest:
        cam = state.cam
        options = {"class": cam.class_index, "method": cam.method, "cmap": cam.cmap, **dict(cam.method_options)}
        return FigureRequest(self.EXPORT_KIND, layer=cam.layer, options=tuple(sorted(options.items())))

    # ----- drawing -----------------------------------------------------------
    def repaint(self) -> None:
        session, state = self.session, self.state
        if session is None or not session.has_image:
            self.caption = "class map: needs an image (o opens one)"
            return
        if self._predicted_for != state.image:
            self._predicted_for = state.image
            self.post_message(self.PredictionsWanted(self))
        asked = {"method": state.cam.method, "class_index": state.cam.class_index, "layer": state.cam.layer,
                 **dict(state.cam.method_options)}
        self._stop_stale_faithfulness()
        self.query_one(DriversPanel).select(state.layer, state.channel)
        if asked != self._asked:  # a failed request is not asked again until something changes
            self._asked = asked
            busy = "choosing the best method" if state.cam.method == BEST else "computing"
            self.caption, self._computing = f"class map: {busy}…", True
            self.post_message(self.ClassHeatmapWanted(self, asked))
        elif self._result is not None and self._drawn_cmap != state.cam.cmap:
            self._show(self._result)  # the overlay's colours changed

    def forget(self) -> None:
        """A new image: predictions and heatmap are stale."""
        self._predicted_for, self._asked, self._result, self._drawn_cmap = None, None, None, None
        self._computing = False
        self._stop_stale_faithfulness(image_changed=True)
        self.query_one(DriversPanel).unavailable("waiting for the class map")

    def _stop_stale_faithfulness(self, image_changed: bool = False) -> None:
        """Another image, class or layer: the panel's run (or table) no longer holds."""
        key, cam = self.query_one(FaithfulnessPanel).key, self.state.cam
        if key is not None and (image_changed or (key.class_index, key.layer) != (cam.class_index, cam.layer)):
            self.engine.stop("faithfulness")
            self.query_one(FaithfulnessPanel).stale("another image" if image_changed else "the class or layer changed")

    @on(FaithfulnessProgress)
    def _faithfulness_progress(self, message: FaithfulnessProgress) -> None:
        self.query_one(FaithfulnessPanel).progress(message)

    @on(FaithfulnessDone)
    def _faithfulness_done(self, message: FaithfulnessDone) -> None:
        shown = self._result.method if self._result is not None else None
        typing = isinstance(self.screen.focused, Input)  # the layer filter: keys go on there
        self.query_one(FaithfulnessPanel).done(message, shown, take_focus=self.is_current and not typing)

    @on(FaithfulnessPanel.MethodPicked)
    def _method_picked(self, message: FaithfulnessPanel.MethodPicked) -> None:
        if message.method in METHODS:
            self._choose(method=message.method, method_options=())
        else:
            self.notify("the random map is the floor every method must beat: no heatmap to show", timeout=4)

    @on(PredictionsReady)
    def _predictions_ready(self, message: PredictionsReady) -> None:
        self.predictions = message.predictions
        self._show_predictions()

    @on(ClassHeatmapProgress)
    def _heatmap_progress(self, message: ClassHeatmapProgress) -> None:
        if self._computing:  # not a late one from a run already answered
            self.caption = f"class map: {message.done}/{message.total} masked inputs… (any change stops it)"

    @on(ClassHeatmapReady)
    def _heatmap_ready(self, message: ClassHeatmapReady) -> None:
        self._computing = False
        if message.result is None:
            self.caption = f"class map: {message.error}"
            self.query_one(DriversPanel).unavailable("no class map")
            return
        self._result = message.result
        self._ask_drivers(message.result)
        self.query_one(FaithfulnessPanel).mark(message.result.method)
        self._show(message.result)
        self._show_predictions()

    def _ask_drivers(self, result: ClassHeatmap) -> None:
        """The channels of the result's layer that drove its class, from a worker."""
        key = self.query_one(DriversPanel).wanted(result, self.session.key)
        if key is not None:
            ask_contributions(self.engine, self.session, key, reply_to=self)

    @on(ContributionsReady)
    def _drivers_ready(self, message: ContributionsReady) -> None:
        self.query_one(DriversPanel).answered(message)

    def _show_predictions(self) -> None:
        target = self._result.class_index if self._result is not None else None
        self.query_one("#predictions", Static).update(prediction_lines(self.predictions, target))

    def _show(self, result) -> None:
        cmap = self.state.cam.cmap
        base = display_rgb(self.session.model_input, self.session.input_bgr)
        self.query_one(HeatmapView).show_rgb(colormap.overlay_rgb(base, result.heatmap, cmap, OVERLAY_ALPHA))
        self.query_one(ColorLegend).set_range(cmap, 0.0, 1.0)
        self._drawn_cmap = cmap
        note = f"  ({result.note})" if result.note else ""
        self.caption = f"{result.title}\n{result.reason}{note}"  # the reason on a line of its own, whole
