"""linear_regression: tf.gradients + tf.assign and GradientDescentOptimizer vs GradientTape +
assign_sub and keras SGD, on the handbook's five house prices."""
import dataclasses
import types

import keras
import numpy as np
import pytest
import tensorflow as tf

from tf1to2 import testing
from tf1to2 import harness, tolerances
from tf2_style import linear_regression as tf2_linear_regression

HP = tf2_linear_regression.HP
VARIANTS = tf2_linear_regression.VARIANTS


def final_values(trace, variant):
    """The variant's a and b after its last step (the trace holds the manual steps first)."""
    steps = len(trace.trajectory) // len(VARIANTS)
    final = trace.trajectory[(VARIANTS.index(variant) + 1) * steps - 1]
    return float(final[f"{variant}/a"]), float(final[f"{variant}/b"])


class LinearRegressionTest(testing.EquivalenceTest):
    EXAMPLE = "linear_regression"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")
    # 300 epochs per variant keep the file fast; test_book_result runs the book's 10000.
    STEPS = 300

    @pytest.mark.slow
    def test_book_result(self):
        # The handbook prints a = 0.97637, b = 0.057565 after 10000 epochs (float64 gives
        # 0.9763702, 0.0575650); both variants on both sides reach it.
        report = harness.compare(self.EXAMPLE, steps=HP.epochs)
        self.assertEqual(report.steps, HP.epochs)
        self.assertTrue(report.equivalent, report.table())
        for trace in (report.tf1, report.tf2):
            for variant in VARIANTS:
                a, b = final_values(trace, variant)
                self.assertAlmostEqual(a, 0.9763702, places=5)
                self.assertAlmostEqual(b, 0.0575650, places=5)

    def test_both_variants_take_the_same_steps(self):
        # tf.assign(a, a - lr·∂a) and ResourceApplyGradientDescent compute the same float32 numbers.
        report = self.report(0)
        for trace in (report.tf1, report.tf2):
            manual, optimizer = (np.array(final_values(trace, variant)) for variant in VARIANTS)
            np.testing.assert_array_equal(manual, optimizer)
            self.assertEqual(len(trace.losses), len(VARIANTS) * self.STEPS)

    def test_half_summed_loss_with_double_learning_rate_takes_the_same_steps(self):
        # The handbook's earlier pairing, 0.5·Σ with lr 1e-3, gives the same updates as Σ with
        # lr 5e-4 (halving is exact in float32); only the recorded loss values halve.
        half_sum = lambda y_true, y_pred: 0.5 * tf.reduce_sum(tf.square(y_pred - y_true))  # noqa: E731
        report = self.assert_caught("losses", compute_loss=half_sum,
                                    HP=dataclasses.replace(HP, learning_rate=1e-3))
        self.assertTrue(report.check("trajectory").ok, report.table())

    def test_planted_mean_instead_of_sum_is_caught(self):
        # keras.losses.MeanSquaredError averages: gradients 5 times smaller than the handbook's.
        self.assert_caught("loss", compute_loss=keras.losses.MeanSquaredError())

    def test_planted_summed_loss_with_old_learning_rate_is_caught(self):
        # Σ loss (HEAD) with lr 1e-3 (the 0.5·Σ version's rate): every step twice as long.
        self.assert_caught("trajectory", HP=dataclasses.replace(HP, learning_rate=1e-3))

    def test_planted_manual_update_forgets_b_is_caught(self):
        def build_train_step(model, X, y, variant):
            a, b = model
            optimizer = keras.optimizers.SGD(learning_rate=HP.learning_rate)

            @tf.function
            def train_steps(X, y, steps):
                losses, a_after, b_after = (tf.TensorArray(tf.float32, size=steps)
                                            for _ in range(3))
                for step in tf.range(steps):
                    with tf.GradientTape() as tape:
                        loss = tf2_linear_regression.compute_loss(
                            y, tf2_linear_regression.predict(model, X))
                    grad_a, grad_b = tape.gradient(loss, [a, b])
                    if variant == "manual":
                        a.assign_sub(HP.learning_rate * grad_a)
                    else:
                        optimizer.apply_gradients(zip([grad_a, grad_b], [a, b]))
                    losses = losses.write(step, loss)
                    a_after = a_after.write(step, a.read_value())
                    b_after = b_after.write(step, b.read_value())
                return losses.stack(), a_after.stack(), b_after.stack()

            return lambda steps: train_steps(X, y, steps)

        report = self.assert_caught("trajectory", build_train_step=build_train_step)
        # Only the manual variant's steps differ.
        tf1_steps, tf2_steps = report.tf1.trajectory, report.tf2.trajectory
        optimizer_check = harness.compare_values(
            "trajectory", tf1_steps[self.STEPS:], tf2_steps[self.STEPS:],
            tolerances.FLOAT32_TRAINING)
        self.assertTrue(optimizer_check.ok)

    def test_planted_sgd_default_learning_rate_is_caught(self):
        # keras.optimizers.SGD() without learning_rate uses 0.01, twenty times the handbook's.
        forgetful_keras = types.SimpleNamespace(
            optimizers=types.SimpleNamespace(SGD=lambda learning_rate: keras.optimizers.SGD()),
            utils=keras.utils)
        report = self.assert_caught("trajectory", keras=forgetful_keras)
        manual_check = harness.compare_values(
            "trajectory", report.tf1.trajectory[:self.STEPS], report.tf2.trajectory[:self.STEPS],
            tolerances.FLOAT32_TRAINING)
        self.assertTrue(manual_check.ok)
