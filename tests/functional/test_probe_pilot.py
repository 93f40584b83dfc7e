"""View 1's probe (v): a cursor on the map, its value, and its receptive field boxed on the input preview.

The tiny CNN (tests/data/ui_tiny_cnn.keras): image 24x24 -> conv_a 3x3 valid (22x22) ->
pool_a 2x2/2 (11x11) -> conv_b 3x3 valid (9x9). By hand, conv_b's position r sees pool_a
r..r+2, which see conv_a 2r..2r+5, which see the input rows 2r..2r+7: 8 pixels, stride 2.
"""

from __future__ import annotations

import numpy as np

from actviz_tui.ui.explorer_actions import as_bindings
from actviz_tui.ui.explorer_start import ExplorerStart
from actviz_tui.ui.picture_marks import FIELD_COLOUR, Outline, fitted_box
from actviz_tui.ui.screens.help_screen import help_markdown
from tests.conftest import needs_onednn
from tests.functional.conftest import ready, wait_until

SIZE = (120, 36)


def probe_text(app) -> str:
    return str(app.explorer.query_one("#probe-line").content)


def shown_pixels(widget) -> np.ndarray:
    """The half-block picture as drawn: (2 x rows, columns, 3), each cell's top and bottom pixel."""
    rows = []
    for strip in widget._strips:
        top, bottom = [], []
        for segment in strip:
            style = segment.style
            for _ in range(segment.cell_length):
                top.append(style.color.get_truecolor() if style and style.color else (0, 0, 0))
                bottom.append(style.bgcolor.get_truecolor() if style and style.bgcolor else (0, 0, 0))
        rows += [top, bottom]
    return np.array(rows, dtype=np.int64)


def box_of(mask: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(mask)
    return ys.min(), xs.min(), ys.max() + 1, xs.max() + 1


def expected_box(widget, outline: Outline, source_hw, grow: int = 0) -> tuple[int, int, int, int]:
    """Where ``outline`` lands in ``widget``'s drawn pixels (the picture is centred in its box)."""
    left, top = widget.picture_offset()
    fitted = widget._fitted_rgb(widget.content_size.width, widget.content_size.height * 2).shape[:2]
    y0, x0, y1, x1 = fitted_box(outline, source_hw, fitted, grow)
    return y0 + 2 * top, x0 + left, y1 + 2 * top, x1 + left


async def open_on(pilot, app, layer: int) -> None:
    await wait_until(pilot, lambda: ready(app) and app.explorer.state.layer == layer)


async def test_v_probes_the_value_and_boxes_the_field_on_the_preview(make_app):
    app = make_app(start=ExplorerStart("conv_b", 2, None))
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, 3)
        screen = app.explorer
        await pilot.press("v")
        await pilot.pause()
        values = screen.activation[:, :, 2]
        assert probe_text(app).startswith(f"probe (4, 4) = {values[4, 4]:.4g}   "
                                          "field rows 8–15, cols 8–15 (size 8×8, stride 2)")
        await pilot.press("right", "down", "down", "left", "right")  # the cursor moves, not the channel or layer
        await pilot.pause()
        assert (screen.state.layer, screen.state.channel) == (3, 2)
        assert probe_text(app).startswith(f"probe (6, 5) = {values[6, 5]:.4g}   field rows 12–19, cols 10–17 ")
        preview = screen.query_one("#preview")
        magenta = np.all(shown_pixels(preview) == FIELD_COLOUR, axis=2)
        assert box_of(magenta) == expected_box(preview, Outline(12, 10, 20, 18), (24, 24))
        heatmap = screen.query_one("#heatmap")
        drawn = shown_pixels(heatmap)
        ring = expected_box(heatmap, Outline(6, 5, 7, 6), (9, 9), grow=1)
        edge = np.concatenate([drawn[ring[0], ring[1]:ring[3]], drawn[ring[2] - 1, ring[1]:ring[3]]])
        assert {tuple(pixel) for pixel in edge} <= {(0, 0, 0), (255, 255, 255)}  # black or white, against the map
        await pilot.press("shift+right", "shift+right", "shift+up")
        await pilot.pause()
        assert probe_text(app).startswith(f"probe (2, 8) = {values[2, 8]:.4g}")  # clamped at the last column


async def test_esc_leaves_the_probe_and_the_keys_are_theirs_again(make_app):
    app = make_app(start=ExplorerStart("conv_b", 0, None))
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, 3)
        screen = app.explorer
        await pilot.press("v")
        await pilot.pause()
        assert screen.query_one("#probe-line").display and screen.query_one("#preview")._outlines
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.query_one("#probe-line").display
        assert not screen.query_one("#preview")._outlines  # the plain picture again
        assert not np.any(np.all(shown_pixels(screen.query_one("#preview")) == FIELD_COLOUR, axis=2))
        await pilot.press("right", "up")
        await wait_until(pilot, lambda: screen.state.layer == 2 and screen.state.channel == 1)
        await pilot.press("down", "v", "v")  # v twice: in and out
        await pilot.pause()
        assert screen.query_one("ChannelView").probe is None and screen.focused is screen.query_one("#layers")
        await pilot.press("v", "2")  # another view ends the probe
        await pilot.pause()
        assert screen.query_one("ChannelView").probe is None and screen.focused is screen.query_one("#layers")
        assert not screen.query_one("#preview")._outlines
        assert "| v | single channel: probe mode" in help_markdown(as_bindings(screen.BINDINGS))


async def test_a_click_puts_the_cursor_and_a_layer_change_clamps_it(make_app):
    app = make_app(start=ExplorerStart("conv_a", 0, None))
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, 1)
        screen = app.explorer
        heatmap = screen.query_one("#heatmap")
        left, top = heatmap.picture_offset()
        target = next((x, y) for y in range(top, top + heatmap.picture_size[1])
                      for x in range(left, left + heatmap.picture_size[0]) if heatmap.picture_pixel(x, y) == (20, 21))
        await pilot.click("#heatmap", offset=target)
        await pilot.pause()
        assert probe_text(app).startswith(f"probe (20, 21) = {screen.activation[20, 21, 0]:.4g}   "
                                          "field rows 20–22, cols 21–23 (size 3×3, stride 1)")
        await pilot.press("right_square_bracket")  # channel +10 (clamped to 5): the cursor stays
        await pilot.pause()
        assert screen.state.channel == 5 and probe_text(app).startswith("probe (20, 21) = ")
        screen.query_one("#layers").move_cursor(row=3)  # conv_b, 9x9: the cursor is clamped
        await wait_until(pilot, lambda: screen.state.layer == 3 and screen.activation is not None)
        await pilot.pause()
        assert probe_text(app).startswith(f"probe (8, 8) = {screen.activation[8, 8, 5]:.4g}   field rows 16–23, ")
        screen.query_one("#layers").move_cursor(row=4)  # flat: no maps, probe off with a notice
        await wait_until(pilot, lambda: screen.state.layer == 4 and screen.activation is not None)
        await pilot.pause()
        assert screen.query_one("ChannelView").probe is None
        assert "probe: flat has no 2-D maps" in screen.query_one("#notices").text
        assert not screen.query_one("#preview")._outlines


async def test_the_whole_input_and_a_nested_base(make_app, sample_nested_keras, xray_opacity_png):
    app = make_app(sample_nested_keras, [xray_opacity_png], start=ExplorerStart("backbone/bb_conv32", 0, None))
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, 6)
        await pilot.press("v", *["up"] * 11, *["left"] * 9)  # from (16, 16) to (5, 7)
        await pilot.pause()
        # same-padded 3x3 conv, 2x2 pool, 3x3 conv: position r sees the input rows 2r-3..2r+4
        assert "field rows 7–14, cols 11–18 (size 8×8, stride 2)" in probe_text(app)
        await pilot.press("shift+up", "shift+up")  # row 0: its field starts at row -3, past the border
        await pilot.pause()
        assert "field rows 0–4, cols 11–18 (size 8×8, stride 2, clipped at the image border)" in probe_text(app)


@needs_onednn
async def test_a_channels_first_model_probes_rows_and_cols_of_its_maps(make_app, channels_first_keras):
    app = make_app(channels_first_keras, start=ExplorerStart("conv_b", 3, None))
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, 4)
        await pilot.press("v", "up", *["right"] * 2)  # from (4, 4) to (3, 6) of the 8x8 map, as drawn
        await pilot.pause()
        values = app.explorer.activation[:, :, 3]  # the session's maps are channels last
        assert probe_text(app).startswith(f"probe (3, 6) = {values[3, 6]:.4g}   field rows 3–10, cols 9–15 "
                                          "(size 8×8, stride 2, clipped at the image border)")
        preview = app.explorer.query_one("#preview")
        magenta = np.all(shown_pixels(preview) == FIELD_COLOUR, axis=2)
        assert box_of(magenta) == expected_box(preview, Outline(3, 9, 11, 16), (16, 16))


async def test_in_a_pixel_tier_the_field_and_the_cursor_are_drawn_on_the_real_pixels(make_app):
    app = make_app(start=ExplorerStart("conv_b", 0, None), graphics="sixel")
    async with app.run_test(size=SIZE) as pilot:
        await open_on(pilot, app, 3)
        await pilot.press("v")
        preview, heatmap = app.explorer.query_one("#preview"), app.explorer.query_one("#heatmap")
        await wait_until(pilot, lambda: preview._outlines and preview.picture_size != (0, 0))
        width, height = preview.content_size
        rgb = preview._fitted_rgb(*preview._pixels.pixel_box(width, height))
        ys, xs = np.nonzero(np.all(rgb == FIELD_COLOUR, axis=2))
        scale = rgb.shape[0] / 24  # rows 8-15 of 24 (position (4, 4) of conv_b)
        assert abs(ys.min() - 8 * scale) <= 1 and abs(ys.max() + 1 - 16 * scale) <= 1
        assert preview.zoom > 1 and ys.size > 0
        picture = heatmap._fitted_rgb(*heatmap._pixels.pixel_box(*heatmap.content_size))
        assert np.any(np.all(picture == 255, axis=2) | np.all(picture == 0, axis=2))  # the ring: viridis has neither
