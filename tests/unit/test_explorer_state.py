"""The explorer's selection rules, without Textual."""

from actviz_tui.ui.explorer_state import ExplorerState


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
