"""The ways to run a pair's training step, each behind one interface: build, run steps, read.

A form runs the same batches in the same order every round, from the same initial values (the
TF1 loop's), so that after the first round its weights and per-step losses can be compared with
the TF1 Session loop's. Every form is built from a workload (`tf1to2.benchmark.workloads`): the
pair's own model, loss and optimizer functions; the forms only differ in how the step is driven.
"""
import time

import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1

from tf1to2 import k_steps


class NotApplicable(Exception):
    """The form does not fit this pair; the message says why (it is reported, not skipped)."""


class Form:
    side = "TF2"
    name = ""
    description = ""
    xla = False

    def __init__(self, workload, seed, batches, steps_per_call=1):
        self.workload, self.seed, self.batches = workload, seed, batches
        self.steps_per_call = steps_per_call
        self.first_call_seconds = None
        self.traces = None  # times the step function was traced (function forms)

    def build(self, initial_values):
        raise NotImplementedError

    def run(self):
        """Run one round (every batch once); return the per-step losses (or None)."""
        raise NotImplementedError

    def read(self):
        """The weights by TF1 name, in TF1 layout."""
        raise NotImplementedError

    def close(self):
        pass

    def _timed_first(self, call):
        if self.first_call_seconds is not None:
            return call()
        start = time.perf_counter()
        result = call()
        self.first_call_seconds = time.perf_counter() - start
        return result


# --- TF1 ------------------------------------------------------------------------------------

class TF1Loop(Form):
    """One `Session.run([loss, train_op], feed_dict)` per step, as the pair writes its loop."""
    side, name = "TF1", "tf1_session_loop"
    description = "TF1 Session.run(train_op, feed_dict) per step"

    def build(self, initial_values):
        self.stepper = self.workload.tf1_stepper(self.seed, self.batches[0], initial_values)

    def run(self):
        return [self._timed_first(lambda: self.stepper.step(batch)) for batch in self.batches]

    def read(self):
        return self.stepper.read()

    def close(self):
        self.stepper.close()


class TF1Dataset(Form):
    """The same graph fed by a `tf.data` iterator inside it: Session.run(train_op), no feeds."""
    side, name = "TF1", "tf1_dataset"
    description = "TF1 Session.run(train_op) per step, batches from an in-graph tf.data iterator"

    def build(self, initial_values):
        self.stepper = self.workload.tf1_stepper(self.seed, self.batches[0], initial_values,
                                                 dataset=k_steps.stack(self.batches))

    def run(self):
        return [self._timed_first(lambda: self.stepper.step(None)) for _ in self.batches]

    def read(self):
        return self.stepper.read()

    def close(self):
        self.stepper.close()


class TF1Stepper:
    """A TF1 graph and Session that take one step: fed (placeholders) or from tf.data."""

    def __init__(self, build_train, seed, first_batch, initial_values, dataset=None):
        import random
        random.seed(seed)  # tf.layers' initialisers seed from Python's random (tf_keras)
        self.graph = tf1.Graph()
        with self.graph.as_default():
            tf1.set_random_seed(seed)
            if dataset is None:
                self.inputs = tuple(tf1.placeholder(array.dtype, (None,) + array.shape[1:])
                                    for array in first_batch)
                inputs = self.inputs
            else:
                self.inputs = None
                iterator = tf1.data.make_one_shot_iterator(
                    tf1.data.Dataset.from_tensor_slices(dataset).repeat())
                inputs = iterator.get_next()
            self.loss, self.train_op = build_train(inputs)
            self.variables = {v.op.name: v for v in tf1.trainable_variables()}
            self.session = tf1.Session(graph=self.graph)
            self.session.run(tf1.global_variables_initializer())
            if initial_values is not None:
                for name, variable in self.variables.items():
                    variable.load(initial_values[name], self.session)

    def step(self, batch):
        feed = None if batch is None else dict(zip(self.inputs, batch))
        return self.session.run([self.loss, self.train_op], feed)[0]

    def read(self):
        return self.session.run(self.variables)

    def close(self):
        self.session.close()


# --- TF2 ------------------------------------------------------------------------------------

class TF2Form(Form):
    def build(self, initial_values):
        self.model = self.workload.tf2_model(self.seed, self.batches[0], initial_values)
        self.traces = 0
        raw = self.model.step

        def counted(*batch):  # runs once per trace inside tf.function, once per call eagerly
            self.traces += 1
            return raw(*batch)
        self.counted = counted
        self.setup()

    def setup(self):
        pass

    def read(self):
        from tf1to2 import mapping
        return mapping.read(self.model.variables)


class Eager(TF2Form):
    name, description = "tf2_eager", "TF2 eager GradientTape step"

    def run(self):
        step = self.model.eager_step or self.model.step
        return [self._timed_first(lambda: step(*batch)) for batch in self.batches]

    def setup(self):
        self.traces = None


class Function(TF2Form):
    name, description = "tf2_function", "TF2 tf.function step, one call per step"

    def setup(self):
        self.function = tf.function(self.counted, jit_compile=self.xla or None)
        self.batches_as_tensors = [tuple(tf.constant(array) for array in batch)
                                   for batch in self.batches]

    def run(self):
        return [self._timed_first(lambda: self.function(*batch))
                for batch in self.batches_as_tensors]


class FunctionXLA(Function):
    name, description, xla = "tf2_function_xla", "TF2 tf.function(jit_compile=True) step", True


class FunctionXLAUpdate(Function):
    """tf.function step whose optimizer update alone is an XLA-compiled function: the forward
    and backward pass keep TensorFlow's kernels, the update's elementwise ops fuse into one."""
    name = "tf2_function_xla_update"
    description = "TF2 tf.function step, optimizer update in a nested jit_compile=True function"

    def setup(self):
        if self.model.apply is None:
            raise NotApplicable("the workload does not split its step into gradients and update")
        apply = tf.function(self.model.apply, jit_compile=True)
        gradients = self.model.gradients

        def step(*batch):
            self.traces += 1
            loss, step_gradients = gradients(*batch)
            apply(step_gradients)
            return loss
        self.counted = step
        super().setup()


class Steps(TF2Form):
    """k steps per call: a `tf.range` loop inside one tf.function over pre-stacked batches."""
    name = "tf2_k_steps"

    @property
    def description(self):
        return (f"TF2 {self.steps_per_call} steps per tf.function call (tf.range loop over "
                f"stacked batches){', jit_compile=True' if self.xla else ''}")

    def setup(self):
        self.function = tf.function(k_steps.loop(self.counted), jit_compile=self.xla or None)
        k = self.steps_per_call
        self.chunks = [tuple(tf.constant(array) for array in k_steps.stack(self.batches[i:i + k]))
                       for i in range(0, len(self.batches), k)]

    def run(self):
        losses = [self._timed_first(lambda: self.function(*chunk)) for chunk in self.chunks]
        return list(np.concatenate([chunk.numpy() for chunk in losses]))


class StepsXLA(Steps):
    name, xla = "tf2_k_steps_xla", True


class Fit(TF2Form):
    """Keras `fit` over the round's batches (shuffle=False), steps_per_execution steps a call."""
    name = "tf2_fit"

    @property
    def description(self):
        return (f"TF2 compile/fit, steps_per_execution={self.steps_per_call}, "
                f"jit_compile={self.xla}")

    def setup(self):
        self.traces = None  # fit traces its own train function, not the counted step
        if self.model.keras_model is None:
            raise NotApplicable("the pair's model is not one Keras model taking the batch's "
                                "first array and returning what its loss takes")
        self.model.keras_model.compile(optimizer=self.model.optimizer, loss=self.model.loss,
                                       steps_per_execution=self.steps_per_call,
                                       jit_compile=self.xla)
        self.x, self.y = (np.concatenate(column) for column in zip(*self.batches))
        self.batch_size = len(self.batches[0][0])

    def run(self):
        self._timed_first(lambda: self.model.keras_model.fit(
            self.x, self.y, batch_size=self.batch_size, epochs=1, shuffle=False, verbose=0))
        return None  # fit logs the epoch's running mean, not each step's loss


class FitXLA(Fit):
    name, xla = "tf2_fit_xla", True


class FitSteps(Fit):
    name = "tf2_fit_k_steps"


class FitStepsXLA(Fit):
    name, xla = "tf2_fit_k_steps_xla", True


# Every form in the order a round runs them (the TF1 loop first: it is the reference).
FORMS = (TF1Loop, TF1Dataset, Eager, Function, FunctionXLA, FunctionXLAUpdate, Steps, StepsXLA,
         Fit, FitXLA, FitSteps, FitStepsXLA)
K_STEP_FORMS = (Steps, StepsXLA, FitSteps, FitStepsXLA)  # the others take one step per call
