"""What an Estimator program becomes in TF2: Keras fit with callbacks, or a custom loop.

Source: TF1 idioms of real codebases (the TF1 Estimator guide; the TF2 guide "Migrate from
Estimator to Keras APIs" and "Migrate checkpoint saving"). `tf.estimator` was removed in
TensorFlow 2.16, so there is no TF1 file to run beside this one: the guide
(`docs/estimator_to_keras.md`) maps each Estimator piece, and the tests prove on this side what
can be proven alone.

An MNIST MLP (Flatten → Dense(32, relu) → Dense(10) logits, Adam) is trained two ways:
- `train_with_fit`: `model.fit` on an `input_fn`-like `tf.data` pipeline, with callbacks for
  what hooks and `RunConfig` did: `ModelCheckpoint(save_freq=N)` (save_checkpoints_steps),
  `BackupAndRestore` (resume from `model_dir`), `EarlyStopping`, a logging callback
  (`LoggingTensorHook`) and a stop-at-step callback (`StopAtStepHook`);
- `train_custom_loop`: a `tf.function` step under `tf.train.Checkpoint` and
  `tf.train.CheckpointManager`, which saves every N steps, keeps the last K and resumes from the
  latest, as an Estimator did from its `model_dir`.
"""
import keras
import tensorflow as tf

import numpy as np

from tf1to2 import data
from tf1to2.hparams import plumbing

HP = plumbing.ESTIMATOR_TO_KERAS


def model_fn():
    """The model an Estimator's model_fn built (the PREDICT part): logits."""
    return keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                             keras.layers.Dense(HP.hidden_units, activation="relu"),
                             keras.layers.Dense(HP.classes)])


def input_fn(training):
    """What an Estimator's input_fn returned: a tf.data.Dataset of (features, labels)."""
    mnist = data.mnist("bundled")
    if training:
        images, labels = (mnist.train_images[:HP.train_examples],
                          mnist.train_labels[:HP.train_examples])
    else:
        images, labels = (mnist.eval_images[:HP.eval_examples],
                          mnist.eval_labels[:HP.eval_examples])
    return tf.data.Dataset.from_tensor_slices((images, labels)).batch(HP.batch_size)


def compile_model(model):
    """The TRAIN and EVAL parts of model_fn: loss, optimizer, eval metrics."""
    model.compile(optimizer=keras.optimizers.Adam(HP.learning_rate, epsilon=HP.adam_epsilon),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


class LogEveryNSteps(keras.callbacks.Callback):
    """LoggingTensorHook(tensors={"loss": ...}, every_n_iter=N): the loss every N steps."""
    def __init__(self, every_n_steps):
        super().__init__()
        self.every_n_steps, self.logged = every_n_steps, []

    def on_train_batch_end(self, batch, logs=None):
        step = int(self.model.optimizer.iterations.numpy())
        if step % self.every_n_steps == 0:
            self.logged.append((step, float(logs["loss"])))


class StopAtStep(keras.callbacks.Callback):
    """StopAtStepHook(last_step=N): stop training once the global step reaches N."""
    def __init__(self, last_step):
        super().__init__()
        self.last_step = last_step

    def on_train_batch_end(self, batch, logs=None):
        if int(self.model.optimizer.iterations.numpy()) >= self.last_step:
            self.model.stop_training = True


def train_with_fit(model_dir, seed, epochs=HP.epochs, callbacks=()):
    """Estimator.train/train_and_evaluate as fit: checkpoints and resumption in model_dir."""
    keras.utils.set_random_seed(seed)
    model = compile_model(model_fn())
    history = model.fit(
        input_fn(training=True), validation_data=input_fn(training=False), epochs=epochs,
        shuffle=False, verbose=0, callbacks=[
            keras.callbacks.ModelCheckpoint(f"{model_dir}/step.weights.h5",
                                            save_weights_only=True,
                                            save_freq=HP.checkpoint_every),
            keras.callbacks.BackupAndRestore(f"{model_dir}/backup"),
            *callbacks])
    return model, history


def batches_from(step):
    """The training batches from ``step`` on: epochs of input_fn, the first ``step`` skipped.

    A resumed run continues with the batch after its checkpoint; an Estimator called its
    input_fn afresh and started the data again from the first batch.
    """
    return input_fn(training=True).repeat().skip(step)


def train_custom_loop(model_dir, seed, last_step=HP.steps):
    """A custom loop that checkpoints every N steps and resumes from the latest checkpoint."""
    keras.utils.set_random_seed(seed)
    model = model_fn()
    optimizer = keras.optimizers.Adam(HP.learning_rate, epsilon=HP.adam_epsilon)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    step = tf.Variable(0, dtype=tf.int64)   # the global step, saved with the weights
    checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer, step=step)
    manager = tf.train.CheckpointManager(checkpoint, model_dir, max_to_keep=HP.keep_checkpoints)
    checkpoint.restore(manager.latest_checkpoint)   # nothing on a fresh model_dir

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            loss = loss_fn(labels, model(images, training=True))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss

    for images, labels in batches_from(int(step.numpy())):
        if step >= last_step:
            break
        train_step(images, labels)
        step.assign_add(1)
        if step % HP.checkpoint_every == 0:   # RunConfig(save_checkpoints_steps=N)
            manager.save(checkpoint_number=step)
    return model, manager


def main():
    import tempfile
    with tempfile.TemporaryDirectory() as model_dir:
        model, history = train_with_fit(model_dir, seed=0)
        print("fit: val accuracy by epoch", np.round(history.history["val_accuracy"], 3))
    with tempfile.TemporaryDirectory() as model_dir:
        model, manager = train_custom_loop(model_dir, seed=0)
        print("custom loop: checkpoints kept", [c.rsplit("/", 1)[1] for c in manager.checkpoints])


if __name__ == "__main__":
    main()
