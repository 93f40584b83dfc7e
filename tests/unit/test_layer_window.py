"""The window of layers the across-layers view and export show on deep models."""

from __future__ import annotations

import pytest

from actviz_tui.core.analysis.layer_window import LayerWindow, layer_window

ROWS = list(range(10, 86))  # 76 table rows with the channel, as ResNet50 at channel 280


def shown(window: LayerWindow) -> list[int]:
    return ROWS[window.start : window.stop]


def test_without_a_layer_the_window_is_the_first_ones():
    window = layer_window(ROWS, None, 24)
    assert (window.start, window.stop, window.total) == (0, 24, 76)
    assert window.describe() == "layers 1-24 of 76"


def test_the_window_is_centred_on_the_layer():
    window = layer_window(ROWS, 50, 24)  # position 40
    assert shown(window) == list(range(39, 63))
    assert shown(window).index(50) == 11  # as many before as after, give or take one
    assert window.describe() == "layers 30-53 of 76"


@pytest.mark.parametrize(("around", "expected"), [(10, (0, 24)), (12, (0, 24)), (85, (52, 76)), (83, (52, 76))])
def test_near_the_ends_the_window_stays_full(around, expected):
    window = layer_window(ROWS, around, 24)
    assert (window.start, window.stop) == expected
    assert around in shown(window)


def test_a_layer_without_the_channel_centres_on_the_next_one_that_has_it():
    rows = [3, 7, 20, 21, 22, 40, 41, 42, 43, 60]
    assert rows[slice(*astuple(layer_window(rows, 30, 3)))] == [22, 40, 41]
    assert rows[slice(*astuple(layer_window(rows, 0, 3)))] == [3, 7, 20]
    assert rows[slice(*astuple(layer_window(rows, 99, 3)))] == [42, 43, 60]  # past the last: the last ones


def astuple(window: LayerWindow) -> tuple[int, int]:
    return window.start, window.stop


def test_shift_moves_the_window_and_stops_at_the_ends():
    centred = layer_window(ROWS, 50, 24)
    later = layer_window(ROWS, 50, 24, shift=24)
    assert (later.start, later.stop, later.shift) == (52, 76, 52 - centred.start)  # clamped at the end
    earlier = layer_window(ROWS, 50, 24, shift=-100)
    assert (earlier.start, earlier.shift) == (0, -centred.start)


def test_short_lists_fit_whole():
    window = layer_window([4, 5, 6], 5, 24, shift=24)
    assert (window.start, window.stop, window.total, window.shift) == (0, 3, 3, 0)
    assert not window.is_partial
    assert layer_window([], None, 24) == LayerWindow(0, 0, 0)
