"""autodiff_basics: tf.gradients (once, twice, over targets) vs GradientTape (watch, nesting)."""
from unittest import mock

import numpy as np
import tensorflow as tf
from parameterized import parameterized

from tf1to2 import testing
from tf1_style import autodiff_basics as tf1_autodiff_basics
from tf1to2 import harness
from tf2_style import autodiff_basics as tf2_autodiff_basics

v1 = tf.compat.v1
NAN = np.nan


class AutodiffBasicsTest(testing.EquivalenceTest):
    EXAMPLE = "autodiff_basics"
    QUANTITIES = ("variables", "outputs", "gradients")
    # Both sides set their variables from the same constants; the base class also feeds both
    # the same other values (scale 3, so that every result moves well away from the book's).
    RANDOM_START = True
    RANDOM_SCALE = 3.0

    @parameterized.expand(["tf1", "tf2"])
    def test_book_numbers(self, side):
        result = getattr(self.report(0), side)
        # Chollet: d(x²)/dx = 6 at 3 for a variable and for a watched constant.
        self.assertEqual(result.gradients["input_var"], 6.0)
        self.assertEqual(result.gradients["input_const"], 6.0)
        # Chollet: position 4.9·t² at t = 0 has speed 0 and acceleration 9.8.
        self.assertEqual(result.outputs["speed"], 0.0)
        self.assertEqual(result.outputs["acceleration"], np.float32(9.8))
        # Géron: f = 3·w1² + 2·w1·w2 at (5, 3).
        self.assertEqual(result.outputs["f"], 105.0)
        self.assertEqual([result.gradients["w1"], result.gradients["w2"]], [36.0, 10.0])
        np.testing.assert_array_equal(np.array(result.outputs["hessian"], dtype=float),
                                      [[6.0, 2.0], [2.0, NAN]])
        np.testing.assert_array_equal(result.outputs["stop_gradient_gradients"], [30.0, NAN])
        np.testing.assert_array_equal(result.outputs["summed_gradients"], [136.0, 30.0])

    def test_tf1_hessians_has_no_cross_terms(self):
        # PITFALLS #23: tf.hessians differentiates each source by itself, so it has no
        # d²f/dw1dw2 block; and a block that is not connected raises instead of giving None.
        with tf.Graph().as_default():
            w1 = v1.get_variable("w1", initializer=5.0)
            w2 = v1.get_variable("w2", initializer=3.0)
            z = tf1_autodiff_basics.f(w1, w2)
            (block,) = v1.hessians(z, w1)
            with self.assertRaisesRegex(ValueError, "None values not supported"):
                v1.hessians(z, [w1, w2])
            with v1.Session() as sess:
                sess.run(v1.global_variables_initializer())
                self.assertEqual(sess.run(block), 6.0)

    def test_planted_missing_watch_is_caught(self):
        # A tape does not record a constant unless watched: the gradient is None (NaN here).
        def value_and_gradient(function, x):
            with tf.GradientTape() as tape:
                y = function(x)
            return y, tape.gradient(y, x)

        report = self.assert_caught("gradients", value_and_gradient=value_and_gradient)
        self.assertIn("input_const: NaN/inf differ", report.check("gradients").detail)
        self.assertEqual(report.tf2.gradients["input_var"], 6.0)  # a variable needs no watch

    def test_planted_single_tape_for_second_derivative_is_caught(self):
        # PITFALLS #23: second order needs nested tapes.
        def speed_and_acceleration(time):
            with tf.GradientTape(persistent=True) as tape:
                position = tf2_autodiff_basics.position_at(time)
            speed = tape.gradient(position, time)
            acceleration = tape.gradient(speed, time)  # speed was computed off the tape: None
            return speed, acceleration

        report = self.assert_caught("outputs", speed_and_acceleration=speed_and_acceleration)
        self.assertIn("acceleration: NaN/inf differ", report.check("outputs").detail)

    def test_planted_non_persistent_hessian_tape_is_caught(self):
        # PITFALLS #23: a non-persistent tape asked twice.
        def gradients_and_hessian(w1, w2):
            with tf.GradientTape() as hessian_tape:
                with tf.GradientTape() as jacobian_tape:
                    z = tf2_autodiff_basics.f(w1, w2)
                gradients = jacobian_tape.gradient(z, [w1, w2])
            hessian = [hessian_tape.gradient(gradient, [w1, w2]) for gradient in gradients]
            return z, gradients, hessian

        with mock.patch.object(tf2_autodiff_basics, "gradients_and_hessian", gradients_and_hessian):
            report = harness.compare(self.EXAMPLE)
        self.assertRegex(report.error, "TF2 side raised RuntimeError: .*non-persistent")

    def test_planted_zero_for_unconnected_gradient_is_caught(self):
        # PITFALLS #23: tf.gradients' None for an unconnected variable.
        # TF1 says None (not connected) for d²f/dw2²; a 0 in its place must fail the check.
        def gradients_and_hessian(w1, w2):
            with tf.GradientTape(persistent=True) as hessian_tape:
                with tf.GradientTape() as jacobian_tape:
                    z = tf2_autodiff_basics.f(w1, w2)
                gradients = jacobian_tape.gradient(z, [w1, w2])
            hessian = [hessian_tape.gradient(gradient, [w1, w2],
                                             unconnected_gradients=tf.UnconnectedGradients.ZERO)
                       for gradient in gradients]
            return z, gradients, hessian

        report = self.assert_caught("outputs", gradients_and_hessian=gradients_and_hessian)
        self.assertIn("hessian/1: NaN/inf differ", report.check("outputs").detail)

    def test_planted_forgotten_stop_gradient_is_caught(self):
        def gradients_through_stop_gradient(w1, w2):
            with tf.GradientTape() as tape:
                z = 3 * w1 ** 2 + 2 * w1 * w2
            return tape.gradient(z, [w1, w2])

        self.assert_caught("outputs",
                           gradients_through_stop_gradient=gradients_through_stop_gradient)

    def test_planted_mean_instead_of_sum_over_targets_is_caught(self):
        # PITFALLS #23: both APIs sum the gradients of a list of targets.
        def gradients_summed_over_targets(w1, w2):
            with tf.GradientTape() as tape:
                targets = [tf2_autodiff_basics.f(w1, w2 + offset)
                           for offset in tf2_autodiff_basics.HP.target_offsets]
                mean = tf.reduce_mean(tf.stack(targets))
            return tape.gradient(mean, [w1, w2])

        self.assert_caught("outputs", gradients_summed_over_targets=gradients_summed_over_targets)
