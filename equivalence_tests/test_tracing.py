"""tf1to2.tracing: the recorders' states, teacher forcing, resuming, and the step-by-step check.

The planted optimizer mistakes the check exists for are in test_mlp, test_cnn and test_char_rnn.
"""
import numpy as np
import pytest

from tf1to2 import harness, slots, tolerances, tracing
from tf1to2.errors import UserError
from tf1_style import linear_dense as tf1_linear_dense
from tf1_style import mlp as tf1_mlp
from tf2_style import mlp as tf2_mlp


@pytest.fixture(scope="module")
def recorded():
    """A TF1 MLP trace of 4 steps with the states before its first 3."""
    with tracing.recording_states(steps=3):
        return tf1_mlp.trace(seed=0, steps=4)


def test_states_hold_the_variables_and_adam_state_before_each_step(recorded):
    assert len(recorded.states) == 3
    for before, after_previous in zip(recorded.states, [recorded.variables] + recorded.trajectory):
        for name, value in before["variables"].items():
            np.testing.assert_array_equal(value, after_previous[name])
    names = list(recorded.variables)
    assert sorted(recorded.states[0]["optimizer"]) == sorted(slots.tf1_slot_names("Adam", names))
    assert not np.any(recorded.states[0]["optimizer"]["dense/kernel/Adam"])
    # TF1 keeps beta1^(t+1) for its next step: 0.9 before step 1, 0.9^3 before step 3.
    np.testing.assert_allclose(recorded.states[2]["optimizer"]["beta1_power"], 0.9 ** 3, rtol=1e-6)


def test_the_budget_limits_the_recorded_steps(recorded):
    size = sum(np.size(value) for part in recorded.states[0].values() for value in part.values())
    with tracing.recording_states(steps=3, budget=2 * size):
        trace = tf1_mlp.trace(seed=0, steps=3)
    assert len(trace.states) == 2


def test_nothing_is_recorded_outside_the_context():
    assert not hasattr(tf1_mlp.trace(seed=0, steps=1), "states")


def test_the_check_needs_recorded_states(recorded):
    # A pair without a recorder (linear_dense) records none: it has no step-by-step check.
    with tracing.recording_states():
        trace = tf1_linear_dense.trace(seed=0, steps=3)
    assert tracing.step_by_step("linear_dense", trace, 0, 3, trace.variables) is None
    assert tracing.step_by_step("mlp", tf1_mlp.trace(seed=0, steps=2), 0, 2, None) is None
    with pytest.raises(ValueError, match="recording_states"):
        tracing.teacher_forcing(harness.Trace())


def test_step_by_step_compares_steps_two_on(recorded):
    check = tracing.step_by_step("mlp", recorded, 0, 4, None)
    assert check.quantity == "step_by_step" and check.ok, check
    assert check.tolerance.name == "ADAM_ONE_STEP"
    assert check.max_abs_diff > 0  # the beta powers' rounding: not a vacuous comparison
    forced = tracing.forced_trace(tf2_mlp, recorded, 0, 3)
    assert len(forced.trajectory) == 3 and "eval_accuracy" not in forced.metrics


def test_a_forced_step_starts_from_the_given_state(recorded):
    # Force TF2's step 2 from a state whose weights are shifted: its result moves with them.
    shifted = harness.Trace(trajectory=recorded.trajectory)
    shifted.states = [recorded.states[0], {
        "variables": {name: value + 0.01
                      for name, value in recorded.states[1]["variables"].items()},
        "optimizer": recorded.states[1]["optimizer"]}]
    forced = tracing.forced_trace(tf2_mlp, shifted, 0, 2)
    difference = forced.trajectory[1]["dense/bias"] - recorded.trajectory[1]["dense/bias"]
    # 0.01 moved, give or take what the shifted weights change in the step (up to ~2·lr).
    np.testing.assert_allclose(difference, 0.01, atol=2.5e-3)


def test_resuming_continues_from_the_optimizer_state_on_both_sides(recorded):
    state = recorded.states[2]  # after two steps
    with tracing.recording_states(steps=1), tracing.resuming(state["optimizer"]):
        tf1_resumed = tf1_mlp.trace(seed=0, steps=2, initial_values=state["variables"])
        tf2_resumed = tf2_mlp.trace(seed=0, steps=2, initial_values=state["variables"])
    for name, value in state["optimizer"].items():
        np.testing.assert_array_equal(tf1_resumed.states[0]["optimizer"][name], value)
        np.testing.assert_allclose(tf2_resumed.states[0]["optimizer"][name], value, rtol=1e-6)
    check = harness.compare_values("trajectory", tf1_resumed.trajectory, tf2_resumed.trajectory,
                                   tolerances.KERAS3_ADAM)
    assert check.ok, check
    # Resuming matters: from a fresh Adam state the same two steps go elsewhere.
    fresh = tf1_mlp.trace(seed=0, steps=2, initial_values=state["variables"])
    assert np.max(np.abs(fresh.trajectory[0]["dense/kernel"]
                         - tf1_resumed.trajectory[0]["dense/kernel"])) > 1e-5


def test_resuming_refuses_a_state_of_other_names(recorded):
    state = dict(recorded.states[1]["optimizer"])
    del state["dense/bias/Adam"]
    for module in (tf1_mlp, tf2_mlp):
        with tracing.resuming(state), pytest.raises(UserError, match="dense/bias/Adam"):
            module.trace(seed=0, steps=1)


# --- Several steps per call (the fast form) ----------------------------------------------------

class _CountingRecorder(tracing._Recorder):
    """A recorder with nothing to read: what ``calls`` groups, and what ``record`` keeps."""

    def read_variables(self):
        return {"w": np.float32(self.step)}


def _batches(count):
    return [(np.full((2, 3), step, np.float32), np.full((2,), step, np.int32))
            for step in range(1, count + 1)]


def test_calls_stack_k_steps_after_a_first_step_of_its_own():
    recorder = _CountingRecorder(harness.Trace(), record_variables=False)
    calls = list(recorder.calls(_batches(10), 4))
    assert [first for first, _ in calls] == [1, 2, 6, 10]
    assert [len(images) for _, (images, _) in calls] == [1, 4, 4, 1]
    first, (images, labels) = calls[1]
    assert images.shape == (4, 2, 3) and labels.shape == (4, 2)
    np.testing.assert_array_equal(labels[:, 0], [2, 3, 4, 5])
    assert recorder.step == 10
    recorder.record(np.arange(3, dtype=np.float32))  # a call's stacked losses: one per step
    assert recorder.result.losses == [0.0, 1.0, 2.0]


def test_calls_take_one_step_when_the_trace_looks_between_steps(recorded):
    # Recording the variables after each step, or the state before it: one step per call.
    recorder = _CountingRecorder(harness.Trace(), record_variables=True)
    assert [len(images) for _, (images, _) in recorder.calls(_batches(5), 4)] == [1] * 5
    with tracing.recording_states(steps=2):
        recorder = _CountingRecorder(harness.Trace(), record_variables=False)
        recorder.read_optimizer_state = lambda: {}
        assert [len(images) for _, (images, _) in recorder.calls(_batches(5), 4)] == [1] * 5
