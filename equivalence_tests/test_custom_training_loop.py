"""custom_training_loop: a Session loop with a TF1 Nadam vs a tape loop with Keras 3's Nadam."""
import dataclasses
import json

import keras
import numpy as np
import pytest
import tensorflow as tf
import tf_slim as slim

from tf1to2 import cli, testing
from tf1to2.nadam_v1 import NadamOptimizer
from tf2_style import custom_training_loop as tf2_loop

v1 = tf.compat.v1


def nadam_trajectories(tf1_optimizer, steps=200, seed=0):
    """A least-squares problem trained by a TF1 optimizer and by Keras' Nadam (lr 0.01)."""
    rng = np.random.default_rng(seed)
    w0 = rng.standard_normal((5, 3)).astype(np.float32)
    X = rng.standard_normal((16, 5)).astype(np.float32)
    Y = rng.standard_normal((16, 3)).astype(np.float32)
    with tf.Graph().as_default():
        w = v1.get_variable("w", initializer=w0)
        train_op = tf1_optimizer.minimize(tf.reduce_mean(tf.square(tf.matmul(X, w) - Y)))
        with v1.Session() as sess:
            sess.run(v1.global_variables_initializer())
            tf1 = []
            for _ in range(steps):
                sess.run(train_op)  # (w fetched in the same run could be read before the update)
                tf1.append(sess.run(w))
    w = tf.Variable(w0)
    optimizer = keras.optimizers.Nadam(0.01)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(X, w) - Y))
        optimizer.apply_gradients([(tape.gradient(loss, w), w)])
        return w.read_value()
    tf2 = [step().numpy() for _ in range(steps)]
    return np.array(tf1), np.array(tf2), w0


class ContribStyleNadam(NadamOptimizer):
    """tf.contrib.opt.NadamOptimizer's idea of Nadam: a constant momentum, no schedule."""
    def momentum_schedule(self, step):
        return self._beta_1_t + 0.0 * step


class NeverResetMean(keras.metrics.Mean):
    def reset_state(self):
        pass


class NeverResetMeanAbsoluteError(keras.metrics.MeanAbsoluteError):
    def reset_state(self):
        pass


def build_model_without_constraint(X):
    l2_reg = keras.regularizers.l2(tf2_loop.HP.l2)
    return keras.Sequential([
        keras.Input(shape=X.shape[1:]),
        keras.layers.Dense(tf2_loop.HP.hidden_units, activation="elu",
                           kernel_initializer="he_normal", kernel_regularizer=l2_reg),
        keras.layers.Dense(1, kernel_regularizer=l2_reg)])


class CustomTrainingLoopTest(testing.EquivalenceTest):
    EXAMPLE = "custom_training_loop"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")
    RANDOM_SCALE = 0.3

    def test_training_learns(self):
        tf1 = self.report(0).tf1
        self.assertLess(tf1.losses[-1], tf1.losses[0])
        self.assertLess(tf1.metrics["epoch_2/mean_loss"], tf1.metrics["epoch_1/mean_loss"])
        self.assertLess(tf1.metrics["valid_mean_absolute_error"], 1.2)

    def test_tf1_nadam_is_keras_nadam_bit_for_bit(self):
        tf1, tf2, w0 = nadam_trajectories(NadamOptimizer(0.01))
        self.assertGreater(np.abs(tf1[-1] - w0).max(), 1.0)  # it trained
        np.testing.assert_array_equal(tf1, tf2)

    def test_planted_constant_momentum_schedule_is_caught(self):
        # tf.contrib's Nadam (PITFALLS #10): the same steps without the 0.96^t schedule.
        tf1, tf2, _ = nadam_trajectories(ContribStyleNadam(0.01))
        self.assertGreater(np.abs(tf1[0] - tf2[0]).max(), 1e-3)

    def test_planted_adam_instead_of_nadam_is_caught(self):
        # PITFALLS #10: compat.v1.train has no Nadam.
        def build_optimizer():
            return keras.optimizers.Adam(learning_rate=tf2_loop.HP.learning_rate,
                                         epsilon=tf2_loop.HP.epsilon)
        self.assert_caught("trajectory", build_optimizer=build_optimizer)

    def test_l2_regularizer_factors(self):
        # PITFALLS #13: slim/contrib l2_regularizer(s) = s·Σw²/2, Keras l2(s) = s·Σw².
        w = np.float32([[1.0, -2.0], [3.0, 0.5]])
        with tf.Graph().as_default(), v1.Session() as sess:
            slim_value = sess.run(slim.l2_regularizer(0.05)(tf.constant(w)))
        keras_value = float(keras.regularizers.l2(0.05)(w))
        np.testing.assert_allclose([slim_value, keras_value], [0.05 * 14.25 / 2, 0.05 * 14.25],
                                   rtol=1e-6)

    def test_planted_l2_factor_of_two_is_caught(self):
        # PITFALLS #13: slim's l2 scale copied into Keras' l2.
        # keras.regularizers.l2(2 · 0.05): the slim scale copied as it is.
        report = self.assert_caught("loss", HP=dataclasses.replace(tf2_loop.HP,
                                                                   l2=2 * tf2_loop.HP.l2))
        tf1, tf2 = report.tf1.loss["regularization"], report.tf2.loss["regularization"]
        np.testing.assert_allclose(tf2, 2 * tf1, rtol=1e-6)

    def test_planted_regularization_loss_left_out_is_caught(self):
        # PITFALLS #14: the total without model.losses.
        def compute_loss(y, y_pred, regularization_losses):
            main_loss = tf.reduce_mean(keras.losses.mean_squared_error(y, y_pred))
            return main_loss, main_loss, tf.add_n(regularization_losses)
        report = self.assert_caught("loss", compute_loss=compute_loss)
        self.assertFalse(report.check("gradients").ok)
        self.assertFalse(report.check("trajectory").ok)

    def test_planted_constraint_not_applied_is_caught(self):
        report = self.assert_caught("trajectory", build_model=build_model_without_constraint)
        # Before any step the two models agree: the constraint acts only after an update.
        self.assertTrue(report.check("outputs").ok)

    def test_planted_metric_not_reset_per_epoch_is_caught(self):
        # PITFALLS #17: a metric not reset per epoch.
        def build_metrics():
            return {"mean_loss": NeverResetMean(name="mean_loss"),
                    "mean_absolute_error": NeverResetMeanAbsoluteError(
                        name="mean_absolute_error")}
        report = self.assert_caught("metrics", build_metrics=build_metrics)
        self.assertGreater(report.check("metrics").max_abs_diff, 0.1)


def test_train_job_on_few_batches(tmp_path, capsys):
    plot = tmp_path / "loop.png"
    code = cli.main(["compare", "custom_training_loop", "--train", "--steps", "10",
                     "--plot", str(plot)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("data: ") and "validation MAE: TF1 " in out
    assert "custom_training_loop (seed 0, 10 steps): EQUIVALENT" in out and str(plot) in out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_train_job_refuses_zero_batches(capsys):
    assert cli.main(["compare", "custom_training_loop", "--train", "--steps", "0"]) == 2
    assert "must be 1 or more" in capsys.readouterr().err


@pytest.mark.slow
def test_full_job_five_epochs(tmp_path, capsys):
    code = cli.main(["compare", "custom_training_loop", "--train", "--json",
                     "--plot", str(tmp_path / "loop.png")])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["equivalent"], result
    assert result["steps"] == 5 * 362
    assert result["valid_mae"]["tf1"] < 0.6 and result["valid_mae"]["tf2"] < 0.6
