"""linear_classifier: tf.gradients + grouped tf.assign_sub in a Session vs GradientTape +
assign_sub in a tf.function (DLwP ch. 3)."""
import dataclasses
from unittest import mock

import keras
import numpy as np
import tensorflow as tf

from tf1to2 import testing
from tf2_style import linear_classifier as tf2_linear_classifier

HP = tf2_linear_classifier.HP


class LinearClassifierTest(testing.EquivalenceTest):
    EXAMPLE = "linear_classifier"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")

    def test_book_result(self):
        # The book's run: the loss falls to about 0.025 in 40 steps and nearly every point is
        # classified right.
        for seed in testing.SEEDS:
            trace = self.report(seed).tf1
            self.assertLess(trace.losses[-1], 0.035)
            self.assertGreater(float(trace.metrics["accuracy"]), 0.99)
            self.assertEqual(len(trace.losses), HP.steps)

    def test_tf1_draws_W_uniformly_and_b_at_zero(self):
        variables = self.report(0).tf1.variables
        self.assertEqual(variables["W"].shape, (2, 1))
        self.assertTrue(np.all((variables["W"] >= 0) & (variables["W"] < 1)))
        np.testing.assert_array_equal(variables["b"], [0.0])
        # The graph seed makes the draw repeatable, and another seed draws another W.
        self.assertFalse(np.array_equal(variables["W"], self.report(1).tf1.variables["W"]))

    def test_without_the_copy_tf2_draws_another_W(self):
        # tf.random.uniform (TF2) and tf.random_uniform (TF1) seeded alike still draw different
        # values: the TF2 side copies W through the name map instead.
        tf2_trace = tf2_linear_classifier.trace(seed=0, steps=0)
        self.assertFalse(np.allclose(self.report(0).tf1.variables["W"], tf2_trace.variables["W"]))

    def test_module_level_tf_function_freezes_the_learning_rate(self):
        # Why the TF2 trace compiles training_step itself (PITFALLS #22): a tf.function traced
        # once keeps the learning rate it read, even for new variables.
        compiled = tf.function(tf2_linear_classifier.training_step)
        inputs, targets = np.ones((4, 2), np.float32), np.ones((4, 1), np.float32)
        compiled(tf2_linear_classifier.build_model(2, 1), inputs, targets)
        model = (tf.Variable(tf.zeros((2, 1))), tf.Variable(tf.zeros((1,))))
        with mock.patch.object(tf2_linear_classifier, "HP",
                               dataclasses.replace(HP, learning_rate=0.0)):
            compiled(model, inputs, targets)
        self.assertFalse(np.array_equal(model[0].numpy(), np.zeros((2, 1))))

    def test_planted_wrong_learning_rate_is_caught(self):
        self.assert_caught("trajectory", HP=dataclasses.replace(HP, learning_rate=0.01))

    def test_planted_bias_not_updated_is_caught(self):
        # The TF1 mistake tf.group(update_W) without update_b, made in TF2.
        def training_step_without_bias_update(model, inputs, targets):
            W, b = model
            with tf.GradientTape() as tape:
                loss = tf2_linear_classifier.square_loss(
                    targets, tf2_linear_classifier.predict(model, inputs))
            grad_loss_wrt_W, _ = tape.gradient(loss, [W, b])
            W.assign_sub(grad_loss_wrt_W * HP.learning_rate)
            return loss

        report = self.assert_caught("trajectory", training_step=training_step_without_bias_update)
        self.assertTrue(report.check("gradients").ok)

    def test_planted_threshold_at_zero_is_caught(self):
        # Thresholding the regression output at 0, as if it were a logit: accuracy 0.70, not 0.999.
        report = self.assert_caught("metrics", HP=dataclasses.replace(HP, threshold=0.0))
        self.assertGreater(report.check("metrics").max_abs_diff, 0.1)
        self.assertTrue(report.check("trajectory").ok)

    def test_planted_slightly_wrong_threshold_is_caught(self):
        # One point classified differently moves the accuracy by 1/2000, 50 times the tolerance.
        report = self.assert_caught("metrics", random_start=False,
                                    HP=dataclasses.replace(HP, threshold=0.45))
        self.assertAlmostEqual(report.check("metrics").max_abs_diff, 0.001, places=6)

    def test_planted_unreduced_keras_loss_is_caught(self):
        # keras.losses.mean_squared_error averages over the last axis only: one loss per sample,
        # and the tape then differentiates their sum, 2000 times the mean. (Training would stop
        # at the first step, whose loss is not one number; steps=0 compares the start only.)
        report = self.assert_caught("loss", steps=0, square_loss=keras.losses.mean_squared_error)
        self.assertIn("shape () (TF1) vs (2000,) (TF2)", report.check("loss").detail)
        self.assertGreater(report.check("gradients").max_rel_diff, 1000)

