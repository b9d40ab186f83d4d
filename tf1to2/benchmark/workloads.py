"""The benchmarked pairs ("workloads"), grouped by source book: each builds its training step
from the pair modules' own public functions (build_model, compute_loss, build_optimizer, ...),
so the benchmark times the pair's code and only the way the step is driven changes.

A workload gives: its batches; ``tf1_train(inputs) -> (loss, train_op)`` built from the TF1
module inside a graph; ``tf2_parts(first_batch) -> TF2Model`` built from the TF2 module.
"""
import contextlib
import dataclasses
import functools
import importlib
import inspect
import typing

import keras
import tensorflow as tf

from tf1to2 import data, hparams, mapping, rl
from tf1to2.data import housing
from tf1to2.benchmark import forms


@dataclasses.dataclass
class TF2Model:
    step: typing.Callable          # step(*batch) -> loss: a Python function, not a tf.function
    variables: dict                # the pair's name map (tf1_names)
    optimizer: typing.Any = None
    keras_model: typing.Any = None  # for the fit forms: a Keras model whose output the loss takes
    loss: typing.Callable = None
    trainable: list = None  # the variables the optimizer updates (default: keras_model's)
    eager_step: typing.Callable = None  # where ``step`` calls tf.functions: one that does not
    gradients: typing.Callable = None   # step's halves: (*batch) -> (loss, gradients) ...
    apply: typing.Callable = None       # ... and (gradients) -> None, the optimizer update


class Workload:
    name = ""          # the pair
    variant = ""       # another way the pair can be written (its key is "name:variant")
    book = "handbook"
    kind = "overhead"  # "overhead": per-step overhead dominates (goal 0.75); "compute": 1.00
    steps = 50         # steps per round by default
    # The form the pair's TF2 file takes in its long runs (its main job, ``main()``): reported
    # beside the recommended one, so that the table says what the file gives, not only the best.
    file_form = "tf2_function"
    not_applicable = {}  # form name -> why it does not fit this pair

    @property
    def key(self):
        return f"{self.name}:{self.variant}" if self.variant else self.name

    def context(self):
        """Entered around the whole measurement (a variant sets the pair's hyperparameters)."""
        return contextlib.nullcontext()

    @property
    def goal(self):
        return 0.75 if self.kind == "overhead" else 1.00

    def modules(self):
        return tuple(importlib.import_module(f"{side}.{self.name}")
                     for side in ("tf1_style", "tf2_style"))

    def batches(self, seed, count):
        raise NotImplementedError

    def tf1_stepper(self, seed, first_batch, initial_values, dataset=None):
        return forms.TF1Stepper(self.tf1_train, seed, first_batch, initial_values, dataset)

    def tf2_model(self, seed, first_batch, initial_values):
        keras.utils.set_random_seed(seed)
        model = self.tf2_parts(first_batch)
        if model.optimizer is not None:
            # Slots exist before the first trace: a tf.function creating variables is traced twice.
            model.optimizer.build(_trainable(model))
        if initial_values is not None:
            mapping.assign(model.variables, initial_values)
        return model


def _trainable(model):
    return model.trainable if model.trainable is not None else model.keras_model.trainable_variables


def tape_step(model, optimizer, loss_of_batch):
    """The pairs' TF2 step: loss under a GradientTape, gradients applied by the optimizer.

    Also returns its two halves, ``gradients(*batch) -> (loss, gradients)`` and
    ``apply(gradients)``, for the form that compiles only the update with XLA.
    """
    def gradients(*batch):
        with tf.GradientTape() as tape:
            loss = loss_of_batch(*batch)
        return loss, tape.gradient(loss, model.trainable_variables)

    def apply(gradients):
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))

    def step(*batch):
        loss, step_gradients = gradients(*batch)
        apply(step_gradients)
        return loss
    return step, gradients, apply


# --- the TensorFlow handbook ------------------------------------------------------------------

class LinearRegression(Workload):
    """Full-batch gradient descent on five house prices (the "optimizer" variant)."""
    name, steps = "linear_regression", 100
    file_form = "tf2_k_steps_xla"  # train_steps: every epoch in one call, a and b handed back
    not_applicable = {"tf2_fit": "the handbook's model is two variables, not a Keras model",
                      "tf2_fit_xla": "as tf2_fit", "tf2_fit_k_steps": "as tf2_fit",
                      "tf2_fit_k_steps_xla": "as tf2_fit"}

    def batches(self, seed, count):
        return [data.house_prices()] * count

    def tf1_train(self, inputs):
        tf1_side, _ = self.modules()
        X, y = inputs
        return tf1_side.build_train_step(tf1_side.build_model(), X, y, "optimizer")

    def tf2_parts(self, first_batch):
        _, tf2_side = self.modules()
        model = tf2_side.build_model()
        optimizer = keras.optimizers.SGD(learning_rate=tf2_side.HP.learning_rate)

        def step(X, y):  # build_train_step's "optimizer" branch, with X and y as arguments
            with tf.GradientTape() as tape:
                loss = tf2_side.compute_loss(y, tf2_side.predict(model, X))
            optimizer.apply_gradients(zip(tape.gradient(loss, list(model)), list(model)))
            return loss
        return TF2Model(step, tf2_side.tf1_names(model), optimizer, trainable=list(model))


class KerasModel(Workload):
    """y = build_model(x) (a Keras model on the TF2 side), compute_loss(labels, y),
    build_optimizer(): mlp, cnn, keras_pipeline and the Géron regressors."""

    def tf1_train(self, inputs):
        tf1_side, _ = self.modules()
        x, labels = inputs
        loss = tf1_side.compute_loss(labels, tf1_side.build_model(x))
        return loss, tf1_side.build_optimizer().minimize(loss)

    def tf2_parts(self, first_batch):
        _, tf2_side = self.modules()
        if inspect.signature(tf2_side.build_model).parameters:
            model = tf2_side.build_model(first_batch[0])
        else:  # a Sequential that starts with its Input: built already
            model = tf2_side.build_model()
        optimizer = tf2_side.build_optimizer()
        step, gradients, apply = tape_step(
            model, optimizer, lambda x, labels: tf2_side.compute_loss(labels, model(x)))
        return TF2Model(step, tf2_side.tf1_names(model), optimizer, model,
                        tf2_side.compute_loss, gradients=gradients, apply=apply)


class MnistClassifier(KerasModel):
    batch_size = hparams.MNIST_TRAINING.batch_size

    def batches(self, seed, count):
        return list(data.mnist("bundled").random_batches(self.batch_size, count, seed))


class Mlp(MnistClassifier):
    name, file_form = "mlp", "tf2_k_steps"


class Cnn(MnistClassifier):
    name, kind, steps = "cnn", "compute", 10
    file_form = "tf2_function_xla_update"


class KerasPipeline(MnistClassifier):
    name, file_form = "keras_pipeline", "tf2_fit"  # the book's API


class Dqn(Workload):
    """The Q-network update on fixed replay batches: the agent's own ``update``."""
    name, file_form = "dqn", "tf2_function_xla"
    not_applicable = {
        "tf1_dataset": "the TF1 update is two Session.runs with numpy targets in between "
                       "(Agent.update): a tf.data iterator cannot feed it without rewriting it",
        "tf2_fit": "the loss takes the actions and targets computed from the next states",
        "tf2_fit_xla": "as tf2_fit", "tf2_fit_k_steps": "as tf2_fit",
        "tf2_fit_k_steps_xla": "as tf2_fit"}

    def batches(self, seed, count):
        return [tuple(batch) for batch in rl.check_batches(seed, count, hparams.DQN)]

    def tf1_stepper(self, seed, first_batch, initial_values, dataset=None):
        return AgentStepper(self.modules()[0].Agent(seed, initial_values))

    def tf2_model(self, seed, first_batch, initial_values):
        tf2_side = self.modules()[1]
        agent = tf2_side.Agent(seed, initial_values)
        agent.optimizer.build(agent.model.trainable_variables)
        # The agent's own update, undecorated: each form decides how to run it. The update calls
        # the agent's compute_gradients, a tf.function: the eager form runs both undecorated
        # (tf.config.run_functions_eagerly would also work, but slows every later form).
        step = functools.partial(tf2_side.Agent.update.python_function, agent)

        def eager_step(*batch):
            _, loss, gradients = tf2_side.Agent.compute_gradients.python_function(agent, *batch)
            agent.optimizer.apply_gradients(zip(gradients, agent.model.trainable_variables))
            return loss
        return TF2Model(step, agent.variables, agent.optimizer, eager_step=eager_step)


class AgentStepper:
    def __init__(self, agent):
        self.agent = agent

    def step(self, batch):
        return self.agent.update(*batch)

    def read(self):
        return self.agent.read_variables()

    def close(self):
        self.agent.close()


class CharRnn(Workload):
    name, kind, steps = "char_rnn", "compute", 5
    not_applicable = {
        "tf2_fit": "the model returns logits, LSTM outputs and state: fit would need a wrapper",
        "tf2_fit_xla": "as tf2_fit", "tf2_fit_k_steps": "as tf2_fit",
        "tf2_fit_k_steps_xla": "as tf2_fit"}

    def batches(self, seed, count):
        corpus = data.nietzsche()
        return list(corpus.random_batches(hparams.CHAR_RNN.batch_size,
                                          hparams.CHAR_RNN.seq_length, count, seed))

    def tf1_train(self, inputs):
        tf1_side, _ = self.modules()
        X, y = inputs
        logits, _, _ = tf1_side.build_model(X, data.nietzsche().num_chars)
        loss = tf1_side.compute_loss(y, logits)
        return loss, tf1_side.build_optimizer().minimize(loss)

    def tf2_parts(self, first_batch):
        _, tf2_side = self.modules()
        model = tf2_side.build_model(first_batch[0], data.nietzsche().num_chars)
        optimizer = tf2_side.build_optimizer()
        step, gradients, apply = tape_step(
            model, optimizer, lambda X, y: tf2_side.compute_loss(y, model(X)[0]))
        return TF2Model(step, tf2_side.tf1_names(model), optimizer,
                        trainable=model.trainable_variables, gradients=gradients, apply=apply)


class CharRnnLayer(CharRnn):
    """char_rnn with its library variant (``HP.rnn = "library"``): TF1 ``tf.nn.dynamic_rnn``
    (a while loop), TF2 ``keras.layers.LSTM`` (a while loop too, one XLA-compilable op), where
    the pair's default unrolls 40 cell calls in Python on both sides."""
    variant = "lstm_layer"

    @contextlib.contextmanager
    def context(self):
        library = dataclasses.replace(hparams.CHAR_RNN, rnn="library")
        modules = self.modules()
        saved = [module.HP for module in modules]
        for module in modules:
            module.HP = library
        try:
            yield
        finally:
            for module, hp in zip(modules, saved):
                module.HP = hp


# --- Hands-On Machine Learning (Géron), ch. 12: regressors on California housing ---------------

class GeronRegressor(KerasModel):
    """Regressors of California housing: batches drawn as the book's ``random_batch``."""
    book = "geron"

    def batches(self, seed, count):
        hp = self.modules()[0].HP
        source = getattr(hp, "check_data_source", None) or hp.data_source
        return list(housing.load(source).random_batches(hp.batch_size, count, seed))


class HuberLoss(GeronRegressor):
    name = "huber_loss"
    file_form = "tf2_k_steps"  # k_steps.steps_in_one_call: every step of its trace in one call


class ResidualModel(GeronRegressor):
    name = "residual_model"
    file_form = "tf2_k_steps"


WORKLOADS = {workload.key: workload for workload in
             (LinearRegression(), Mlp(), Cnn(), KerasPipeline(), Dqn(), CharRnn(), CharRnnLayer(),
              HuberLoss(), ResidualModel())}
