"""The explorer's selection rules, without Textual."""

from dataclasses import replace

from actviz_tui.ui.explorer_state import ClassMapSettings, ExplorerState


def test_channel_steps_clamp_to_the_layer():
    state = ExplorerState().with_layer(1, 32)
    assert state.step_channel(5).channel == 5
    assert state.step_channel(-3).channel == 0
    assert state.step_channel(100).channel == 31


def test_passing_a_smaller_layer_does_not_forget_the_channel():
    state = ExplorerState().with_layer(1, 64).with_channel(40)
    through_dense = state.with_layer(9, 1)
    assert through_dense.channel == 0
    back = through_dense.with_layer(2, 64)
    assert back.channel == 40


def test_colormap_and_scale_cycle():
    state = ExplorerState()
    assert [state := state.next_cmap() for _ in range(4)][-1].cmap == "viridis"
    assert state.next_scale().scale == "layer" and state.next_scale().next_scale().scale == "channel"


def test_the_across_window_recentres_on_a_new_layer_only():
    state = replace(ExplorerState().with_layer(5, 64).with_channel(40), across_shift=-24)
    assert state.with_channel(41).across_shift == -24  # the arrows keep the window where it was paged
    assert state.with_layer(5, 64).across_shift == -24  # the same layer's activation arriving
    assert state.with_layer(6, 64).across_shift == 0


def test_the_filters_page_starts_again_for_another_filter():
    state = replace(ExplorerState().with_layer(2, 16).with_channel(3), filters_page=2)
    assert state.with_channel(3).filters_page == 2 and state.with_layer(2, 16).filters_page == 2
    assert state.with_channel(4).filters_page == 0
    assert state.with_layer(7, 16).filters_page == 0


def test_class_map_settings_live_in_the_state():
    state = replace(ExplorerState(), cam=ClassMapSettings(method="gradcam", class_index=3, layer=1))
    assert [state.cam.cmap, state.cam.next_cmap().cmap, state.cam.next_cmap().next_cmap().cmap] == ["jet", "turbo", "inferno"]
    assert state.cam.next_cmap().next_cmap().next_cmap().cmap == "jet"
    assert state.with_layer(4, 8).cam == state.cam  # the table's selection does not change them


def test_an_image_walk_skips_forward_or_back_and_stops_once_round():
    from actviz_tui.ui.explorer_state import ImageWalk

    forward = ImageWalk(step=1, start=2, shown=1)  # n from image 1 of 0-4
    assert [forward.after(failed, 5) for failed in (2, 3, 4, 0)] == [3, 4, 0, None]  # back at the shown one
    back = ImageWalk(step=-1, start=0, shown=1)
    assert [back.after(failed, 3) for failed in (0, 2)] == [2, None]
    first = ImageWalk(step=1, start=0, shown=None)  # the first image, nothing on show yet
    assert [first.after(failed, 3) for failed in (0, 1, 2)] == [1, 2, None]
    assert ImageWalk(1, 0, None).after(0, 1) is None  # one image: nothing to skip to


def test_step_among_goes_to_the_next_or_previous_chosen_channel_wrapping():
    state = ExplorerState(channel=4, channels=32)
    assert state.step_among((2, 3, 17), 1).channel == 17
    assert state.step_among((2, 3, 17), -1).channel == 3
    assert state.step_among((2, 3), 1).channel == 2  # past the last: around to the first
    assert state.step_among((17, 20), -1).channel == 20  # before the first: around to the last
    assert state.step_among((4,), 1).channel == 4  # the only one: stays
    assert state.step_among((), 1) is state
