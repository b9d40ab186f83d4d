"""estimator_to_keras: tf.estimator is gone (TF 2.16), so only the TF2 side runs; these tests
prove on it what an Estimator's model_dir, RunConfig and hooks promised."""
import tempfile
from unittest import mock

import keras
import numpy as np
import pytest
import tensorflow as tf

from tf1to2 import examples
from tf2_style import estimator_to_keras as tf2_estimator_to_keras

HP = tf2_estimator_to_keras.HP


def weights(model):
    return [np.array(w) for w in model.weights]


def assert_same_weights(first, second):
    for a, b in zip(weights(first), weights(second), strict=True):
        np.testing.assert_array_equal(a, b)


class Interrupt(keras.callbacks.Callback):
    """A crash at the end of an epoch, after the backup of that epoch was written."""
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise KeyboardInterrupt


class Crafted(keras.callbacks.Callback):
    """Puts a fixed sequence into the logs: early stopping on it has one right answer."""
    def __init__(self, values):
        super().__init__()
        self.values = values

    def on_epoch_end(self, epoch, logs=None):
        logs["crafted"] = self.values[epoch]


def test_registered_as_a_guide_that_cannot_run_its_tf1_side():
    example = examples.get("estimator_to_keras")
    assert not example.runnable and example.book == "idioms"


def test_tf_estimator_is_gone():
    """PITFALLS #26: TF 2.16 removed tf.estimator, also from compat.v1: no Estimator runs."""
    assert not hasattr(tf, "estimator") and not hasattr(tf.compat.v1, "estimator")
    with pytest.raises(AttributeError):
        tf.compat.v1.estimator.Estimator


def test_resumed_custom_loop_equals_an_uninterrupted_run():
    with tempfile.TemporaryDirectory() as whole, tempfile.TemporaryDirectory() as crashed:
        uninterrupted, manager = tf2_estimator_to_keras.train_custom_loop(whole, seed=0)
        # Checkpoints every 5 steps, the last 3 kept (RunConfig's save_checkpoints_steps and
        # keep_checkpoint_max).
        assert [c.rsplit("-", 1)[1] for c in manager.checkpoints] == ["10", "15", "20"]
        # A run that dies after step 12: its last checkpoint is step 10, steps 11-12 are lost.
        tf2_estimator_to_keras.train_custom_loop(crashed, seed=0, last_step=12)
        # Restarted on the same model_dir, from another initialisation: the checkpoint wins.
        resumed, _ = tf2_estimator_to_keras.train_custom_loop(crashed, seed=1)
        assert_same_weights(uninterrupted, resumed)


def test_planted_resumed_input_restarting_from_the_first_batch_is_caught():
    # PITFALLS #43: an Estimator's input_fn started the data afresh after a restart; here the
    # steps after the checkpoint then see other batches than the uninterrupted run did.
    def from_the_start(step):
        return tf2_estimator_to_keras.input_fn(training=True).repeat()
    with tempfile.TemporaryDirectory() as whole, tempfile.TemporaryDirectory() as crashed:
        uninterrupted, _ = tf2_estimator_to_keras.train_custom_loop(whole, seed=0)
        tf2_estimator_to_keras.train_custom_loop(crashed, seed=0, last_step=12)
        with mock.patch.object(tf2_estimator_to_keras, "batches_from", from_the_start):
            resumed, _ = tf2_estimator_to_keras.train_custom_loop(crashed, seed=0)
        differences = [np.abs(a - b).max()
                       for a, b in zip(weights(uninterrupted), weights(resumed))]
        assert max(differences) > 1e-4, differences


def test_fit_resumes_from_its_backup_to_the_same_weights():
    with tempfile.TemporaryDirectory() as whole, tempfile.TemporaryDirectory() as crashed:
        uninterrupted, history = tf2_estimator_to_keras.train_with_fit(whole, seed=0)
        assert len(history.history["loss"]) == HP.epochs
        try:
            tf2_estimator_to_keras.train_with_fit(crashed, seed=0, callbacks=[Interrupt(1)])
        except KeyboardInterrupt:
            pass
        resumed, history = tf2_estimator_to_keras.train_with_fit(crashed, seed=1)
        assert len(history.history["loss"]) == HP.epochs - 2   # epochs 3 and 4 only
        assert_same_weights(uninterrupted, resumed)


def test_early_stopping_stops_at_the_expected_epoch():
    # The monitored value improves until epoch 1, then not for `patience` epochs: training
    # stops after epoch 1 + patience, and the best weights can be restored.
    values = [3.0, 2.0, 2.5, 2.4, 1.0, 0.5, 0.4, 0.3]
    with tempfile.TemporaryDirectory() as model_dir:
        _, history = tf2_estimator_to_keras.train_with_fit(
            model_dir, seed=0, epochs=len(values), callbacks=[
                Crafted(values),
                keras.callbacks.EarlyStopping(monitor="crafted", mode="min",
                                              patience=HP.patience)])
    assert len(history.history["loss"]) == 1 + HP.patience + 1


def test_stop_at_step_and_logging_every_n_steps():
    logging = tf2_estimator_to_keras.LogEveryNSteps(HP.log_every)
    with tempfile.TemporaryDirectory() as model_dir:
        model, _ = tf2_estimator_to_keras.train_with_fit(
            model_dir, seed=0, callbacks=[tf2_estimator_to_keras.StopAtStep(10), logging])
    assert int(model.optimizer.iterations.numpy()) == 10
    assert [step for step, _ in logging.logged] == [4, 8]
