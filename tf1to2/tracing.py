"""Trace helpers: the training-loop plumbing of a ``trace`` function, and the step-by-step check.

A pair's ``trace`` records, for every optimizer step, the loss and the variables after the step
(:meth:`tf1to2.harness.Trace.record_step`). A recorder does that for one side and, when the
harness asks through a context of this module, more:

- :func:`recording_states`: the TF1 side also records the variables and the optimizer state
  (Adam's ``m``, ``v``, ``beta1_power``, ``beta2_power``: :mod:`tf1to2.slots`) before each of
  its first steps, on the trace as ``trace.states``;
- :func:`teacher_forcing`: before each step the TF2 side assigns those TF1 variables and that
  TF1 optimizer state (through the name map and :func:`tf1to2.slots.to_keras`), so each TF2
  step starts exactly where the TF1 step started;
- :func:`resuming`: either side starts training from a given optimizer state (TF1 names), as a
  converted checkpoint does.

On the TF1 side (a Session)::

    recorder = tracing.SessionRecorder(result, sess, variables, optimizer)
    for step, (images, labels) in recorder.steps(batches):
        step_loss, _ = sess.run([loss, train_op], {images_: images, labels_: labels})
        recorder.record(step_loss)

and on the TF2 side the same loop with ``tracing.KerasRecorder(result, name_map, optimizer)``
(a ``fit`` loop calls ``recorder.before_step()`` and ``recorder.record(loss)`` from a callback).
A TF2 side that runs several steps per ``tf.function`` call (the fast form, ``docs/speed.md``)
loops over ``recorder.calls(batches, steps_per_call)`` and gives ``recorder.record`` the call's
stacked losses: a call takes one step whenever the trace needs what lies between two steps.
``trace`` keeps its signature ``trace(seed=0, steps=..., initial_values=None)`` on both sides.

:func:`step_by_step` is the check that Adam does not amplify: the TF2 side runs again under
teacher forcing and its weights after each step are compared with TF1's after the same step.
A trajectory compared as a whole lets float32 ulps grow through Adam's division by sqrt(v) into
learning-rate-sized differences (the CNN's ADAM_AMPLIFIED, 2e-2); one step from an identical
state differs by rounding only, so the tolerance can be tight (:mod:`tf1to2.tolerances.steps`)
and a changed learning-rate schedule, beta or amsgrad shows.
"""
import contextlib
import dataclasses
import itertools

import numpy as np

from tf1to2 import harness, k_steps, mapping, slots
from tf1to2.errors import UserError
from tf1to2.tolerances import steps as step_tolerances

# recording_states records the state before each of the first CHECK_STEPS steps, but no more
# steps than fit in STATE_BUDGET numbers (variables + optimizer state per step): the MLP records
# 20 steps (0.24 M numbers each), the 3.3 M-weight CNN 4 (10 M numbers each).
CHECK_STEPS = 20
# The first compared step. Step 1 starts from zero optimizer state, where Adam's update is
# lr·g/(|g| + ε/sqrt(1 - β₂)): about lr·sign(g), so for gradients near 3e-7 their rounding
# becomes the update's (char_rnn: 3.9e-7 after step 1, 3e-8 after any later step). The first step
# is compared by the trajectory check (and mlp/cnn's `after_first_step` outputs) as before.
FIRST_COMPARED_STEP = 2
STATE_BUDGET = 45_000_000


@dataclasses.dataclass(frozen=True)
class _Settings:
    record_steps: int = 0       # record the state before each of the first N steps
    state_budget: int = STATE_BUDGET
    forcing: object = None      # a TF1 trace with .states: each TF2 step starts from them
    resume: object = None       # an optimizer state (TF1 checkpoint names) to start from


_settings = _Settings()


@contextlib.contextmanager
def _configured(**changes):
    global _settings
    previous = _settings
    _settings = dataclasses.replace(previous, **changes)
    try:
        yield
    finally:
        _settings = previous


def recording_states(steps=CHECK_STEPS, budget=STATE_BUDGET):
    """Traces run inside record their state before each of their first ``steps`` steps."""
    return _configured(record_steps=steps, state_budget=budget)


def teacher_forcing(tf1_trace):
    """TF2 traces run inside start each step from ``tf1_trace.states`` of the same step."""
    if not getattr(tf1_trace, "states", None):
        raise ValueError("teacher forcing needs a TF1 trace recorded under recording_states()")
    return _configured(forcing=tf1_trace)


def resuming(optimizer_state):
    """Traces run inside start training from ``optimizer_state`` ({TF1 checkpoint name: value})."""
    return _configured(resume=dict(optimizer_state))


def _size(values):
    return sum(np.size(value) for value in values.values())


class _Recorder:
    """What both sides share: the step loop, the per-step records, the settings' hooks."""

    def __init__(self, result, sample=None, record_variables=True):
        self.result, self.sample, self.record_variables = result, sample, record_variables
        self.settings = _settings  # as configured when the trace started
        self.step = 0
        self.states = None
        if self.settings.record_steps:
            self.states = result.states = []

    def steps(self, batches):
        """Enumerate ``batches`` from 1, preparing each step (see :meth:`before_step`)."""
        for batch in batches:
            self.before_step()
            yield self.step, batch

    def calls(self, batches, steps_per_call):
        """Group ``batches`` into calls of up to ``steps_per_call`` steps: yield each call's first
        step (from 1) and its batches stacked, one array [steps, ...] per part of a batch.

        The first step is a call of its own (the pairs compare the weights after it), and so is
        every step when the trace records the variables after each step, the state before it
        (step-by-step check) or starts it from a forced state: k steps in one call cannot be
        observed in between. So the equivalence checks run the compiled k-step function one
        step per call and the long runs (``record_variables=False``) k steps per call.
        """
        one_at_a_time = (self.record_variables or self.states is not None
                         or self.settings.forcing is not None)
        batches = iter(batches)
        size = 1
        while True:
            call = list(itertools.islice(batches, size))
            if not call:
                return
            first = self.step + 1
            for _ in call:
                self.before_step()
            yield first, k_steps.stack(call)
            size = 1 if one_at_a_time else steps_per_call

    def before_step(self):
        """Call before each optimizer step: resume, record or force the state it starts from."""
        self.step += 1
        if self.step == 1 and self.settings.resume is not None:
            self.load_optimizer_state(self.settings.resume)
        forcing = self.settings.forcing
        if forcing is not None and self.step <= len(forcing.states):
            state = forcing.states[self.step - 1]
            self.load_variables(state["variables"])
            self.load_optimizer_state(state["optimizer"])
        if self.states is not None and self.step <= self.settings.record_steps:
            state = {"variables": self.read_variables(), "optimizer": self.read_optimizer_state()}
            size = _size(state["variables"]) + _size(state["optimizer"])
            if size * self.step <= self.settings.state_budget:
                self.states.append(state)

    def record(self, loss):
        """Call after each optimizer step: its loss and the variables after it. Given the
        losses of a call of several steps (:meth:`calls`), records each of them."""
        if np.ndim(loss) == 1:
            for step_loss in np.asarray(loss):
                self.record(step_loss)
            return
        variables = {}
        if self.record_variables:
            variables = self.read_variables()
            if self.sample is not None:
                variables = self.sample(variables)
        self.result.record_step(loss, variables)
        forcing = self.settings.forcing
        if forcing is not None and self.step >= len(forcing.states):
            # The forced steps are all the step-by-step check compares: end the trace here
            # rather than run its evaluation (step_by_step catches this).
            raise _ForcedStepsDone(self.result)


class _ForcedStepsDone(Exception):
    def __init__(self, result):
        super().__init__("the teacher-forced steps are done")
        self.result = result


class SessionRecorder(_Recorder):
    """The TF1 side: variables and optimizer slots read from a Session.

    ``variables`` maps TF1 names to the trained variables, ``optimizer`` is the
    ``tf.compat.v1.train.Optimizer`` whose ``minimize``/``apply_gradients`` made the train op
    (its slots are read and loaded through :mod:`tf1to2.slots`); ``sample`` reduces the variables
    a step records (``mapping.trajectory_sample`` for big models).
    """

    def __init__(self, result, session, variables, optimizer, sample=None,
                 record_variables=True):
        self.session, self.variables, self.optimizer = session, variables, optimizer
        super().__init__(result, sample, record_variables)

    def read_variables(self):
        return self.session.run(self.variables)

    def read_optimizer_state(self):
        # AdamOptimizer finds its beta powers in the default graph: make it the Session's
        # (a trace may hold its graph without entering it, as dqn's Agent does).
        with self.session.graph.as_default():
            return slots.read_tf1(self.session, self.optimizer, self.variables)

    def load_variables(self, values):
        with self.session.graph.as_default():
            mapping.load(self.session, self.variables, values)

    def load_optimizer_state(self, state):
        graph_variables = {variable.op.name: variable
                           for variable in self.session.graph.get_collection("variables")}
        names = self.read_optimizer_state().keys()  # the state this optimizer has
        mapping.check_names(names, state, "optimizer state")
        with self.session.graph.as_default():
            mapping.load(self.session, {name: graph_variables[name] for name in names}, state,
                         "optimizer state")


class KerasRecorder(_Recorder):
    """The TF2 side: variables through the name map, the Keras optimizer's variables.

    ``name_map`` is the pair's ``tf1_names(model)``; ``optimizer`` a ``keras.optimizers``
    optimizer, built here if it is not yet (to receive a state before its first step).
    """

    def __init__(self, result, name_map, optimizer, sample=None, record_variables=True):
        self.name_map, self.optimizer = name_map, optimizer
        super().__init__(result, sample, record_variables)

    def read_variables(self):
        return mapping.read(self.name_map)

    def read_optimizer_state(self):
        if not self.optimizer.built:  # its state before the first step: zeros
            self.optimizer.build(slots._keras_variables(self.name_map))
        return slots.from_keras(self.optimizer, self.name_map,
                                slots.keras_kind_of(self.optimizer))

    def load_variables(self, values):
        mapping.assign(self.name_map, values)

    def load_optimizer_state(self, state):
        slots.to_keras(self.optimizer, self.name_map, state,
                       slots.keras_kind_of(self.optimizer))


def forced_trace(tf2_module, tf1_trace, seed, steps, initial_values=None):
    """The TF2 side's trace of ``steps`` steps, each started from ``tf1_trace.states``.

    The trace ends after the last forced step (its evaluation is not run): the returned trace
    has the losses and the trajectory of the forced steps, and what came before them.
    """
    forced = dataclasses.replace(tf1_trace)
    forced.states = tf1_trace.states[:steps]
    try:
        with teacher_forcing(forced):
            return tf2_module.trace(seed=seed, steps=steps, initial_values=initial_values)
    except _ForcedStepsDone as done:
        return done.result


def step_by_step(example, tf1_trace, seed, steps, initial_values):
    """The ``step_by_step`` check: each TF2 step from the TF1 state of that step (or None).

    ``tf1_trace`` is the TF1 trace of the comparison, run under :func:`recording_states`; an
    example whose TF1 side recorded no states (no recorder, or no steps) has no such check:
    None. The TF2 side runs again for the recorded steps only, under :func:`teacher_forcing`,
    and its weights after each step (sampled as its trajectory is) must match TF1's after the
    same step within the example's step tolerance (:mod:`tf1to2.tolerances.steps`). A TF1
    state that the TF2 optimizer refuses (its betas differ) fails the check with the reason.
    """
    states = getattr(tf1_trace, "states", None) or []
    count = min(len(states), steps, len(tf1_trace.trajectory))
    if count < FIRST_COMPARED_STEP:
        return None
    example = harness.resolve(example)
    _, tf2_module = example.modules()
    tolerance = step_tolerances.tolerance(example)
    try:
        tf2_trace = forced_trace(tf2_module, tf1_trace, seed, count, initial_values)
    except UserError as error:
        return harness.Check("step_by_step", np.inf, np.inf, tolerance, False,
                             f"the TF1 state does not fit the TF2 optimizer: {error}")
    if len(tf2_trace.trajectory) < count:
        raise UserError(f"{example.name}: the TF2 side recorded {len(tf2_trace.trajectory)} "
                        f"steps under teacher forcing, not {count}")
    compared = range(FIRST_COMPARED_STEP, count + 1)
    return harness.compare_values(
        "step_by_step", {f"step {step}": tf1_trace.trajectory[step - 1] for step in compared},
        {f"step {step}": tf2_trace.trajectory[step - 1] for step in compared}, tolerance)


# --- Planted optimizer mistakes: what the step-by-step check exists to catch -------------------

def adam_mistakes(hp):
    """The Keras Adam mistakes a whole trajectory can hide, as ``build_optimizer`` replacements.

    Each is TF1's Adam (``hp.learning_rate``, ``hp.adam_epsilon``) with one change: a learning
    rate that decays (the classic 0.96 every 1,000 steps), ``beta_1`` 0.95, ``amsgrad``.
    """
    import keras

    def adam(**changes):
        def build_optimizer():
            settings = {"learning_rate": hp.learning_rate, "epsilon": hp.adam_epsilon, **changes}
            return keras.optimizers.Adam(**settings)
        return build_optimizer

    decaying = keras.optimizers.schedules.ExponentialDecay(hp.learning_rate, decay_steps=1000,
                                                           decay_rate=0.96)
    return {"decaying learning rate": adam(learning_rate=decaying),
            "beta_1 0.95": adam(beta_1=0.95),
            "amsgrad": adam(amsgrad=True)}


def planted_step_by_step(example, seed, plants, steps=None):
    """The step-by-step check unpatched, then with each planted mistake: {name: Check}.

    ``plants`` = {mistake name: {global of the TF2 module: replacement}}. One TF1 trace (recorded
    under :func:`recording_states`) serves the control, under ``"control"``, and every plant.
    """
    from unittest import mock
    example = harness.resolve(example)
    tf1_module, tf2_module = example.modules()
    steps = example.steps if steps is None else steps
    with recording_states():
        tf1_trace = tf1_module.trace(seed=seed, steps=steps)
    initial_values = tf1_trace.variables if example.alignment == "copy" else None
    checks = {"control": step_by_step(example, tf1_trace, seed, steps, initial_values)}
    for name, patches in plants.items():
        with contextlib.ExitStack() as stack:
            for attribute, value in patches.items():
                stack.enter_context(mock.patch.object(tf2_module, attribute, value))
            checks[name] = step_by_step(example, tf1_trace, seed, steps, initial_values)
    return checks


def assert_adam_mistakes_caught(test, seed, hp):
    """In a test case with an ``EXAMPLE``: the unpatched step-by-step check passes at ``seed``,
    and each of :func:`adam_mistakes` (as the TF2 module's ``build_optimizer``) fails it."""
    checks = planted_step_by_step(test.EXAMPLE, seed, {
        name: {"build_optimizer": build} for name, build in adam_mistakes(hp).items()})
    control = checks.pop("control")
    test.assertTrue(control.ok, f"the unpatched control fails: {control}")
    for name, check in checks.items():
        test.assertFalse(check.ok, f"{name} went unnoticed: {check.max_abs_diff:.3e} "
                                   f"(unpatched {control.max_abs_diff:.3e})")


def batch_norm_check(model, variables, images, labels, compute_loss, training=True):
    """The check-batch Trace of a Keras model with batch norm, every quantity from one state.

    Training-mode logits, loss and gradients (by TF1 name: the moving statistics, which are not
    trainable, have none), then the inference-mode logits. A Keras call with ``training=True``
    moves the moving statistics at once, where TF1 moves them only when its update ops run:
    they are put back before the inference call and before training starts.
    """
    import tensorflow as tf

    initial = mapping.read(variables)
    with tf.GradientTape() as tape:
        logits_training = model(images, training=training)
        loss = compute_loss(labels, logits_training)
    gradients = tape.gradient(loss, model.trainable_variables)
    mapping.assign(variables, initial)
    trainable = {name: variable for name, variable in variables.items() if variable.trainable}
    return harness.Trace(variables=initial,
                         outputs={"logits_inference": model(images, training=False).numpy(),
                                  "logits_training": logits_training.numpy()},
                         loss={"loss": loss.numpy()},
                         gradients=mapping.gradients_by_tf1_name(
                             trainable, model.trainable_variables, gradients))
