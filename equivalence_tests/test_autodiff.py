"""autodiff: tf.gradients / tf.hessians / custom gradients in a graph vs tapes, eagerly."""
import numpy as np
import tensorflow as tf
from parameterized import parameterized

from tf1to2 import harness, testing
from tf1_style import autodiff as tf1_autodiff
from tf2_style import autodiff as tf2_autodiff

v1 = tf.compat.v1
NAN, INF = np.nan, np.inf


def softplus_values(trace, name):
    return np.array([trace.outputs[name][i] for i in range(len(trace.outputs[name]))])


class AutodiffTest(testing.EquivalenceTest):
    EXAMPLE = "autodiff"
    QUANTITIES = ("variables", "outputs", "gradients")
    # Both sides set their variables from the same constants; the base class also feeds both
    # the same other values (scale 3: every result moves away from the book's).
    RANDOM_START = True
    RANDOM_SCALE = 3.0

    @parameterized.expand(["tf1", "tf2"])
    def test_book_numbers(self, side):
        result = getattr(self.report(0), side)
        outputs = result.outputs
        np.testing.assert_allclose(outputs["finite_differences"], [36.000003, 10.0], rtol=1e-7)
        np.testing.assert_array_equal(outputs["gradients_one_source_at_a_time"], [36.0, 10.0])
        np.testing.assert_array_equal(outputs["gradients_of_constants"], [36.0, 10.0])
        np.testing.assert_array_equal(outputs["gradients_per_target"],
                                      [[40.0, 10.0], [46.0, 10.0], [50.0, 10.0]])
        np.testing.assert_array_equal(outputs["gradients_summed"], [136.0, 30.0])
        self.assertEqual(outputs["second_derivative_w1"], 6.0)
        np.testing.assert_array_equal(outputs["hessian_of_w"], [[6.0, 2.0], [2.0, 0.0]])
        # softplus at -5, 1, 30, 100, 1000: exp overflows float32 from 89 on.
        np.testing.assert_array_equal(softplus_values(result, "my_softplus")[3:], [INF, INF])
        np.testing.assert_array_equal(result.gradients["my_softplus"][3:], [NAN, NAN])
        np.testing.assert_array_equal(result.gradients["my_better_softplus"][3:], [1.0, 1.0])
        np.testing.assert_array_equal(softplus_values(result, "softplus_where")[3:],
                                      [100.0, 1000.0])
        np.testing.assert_array_equal(result.gradients["softplus_where"][3:], [NAN, NAN])
        for fixed in ("softplus_double_where", "stable_softplus"):
            np.testing.assert_array_equal(softplus_values(result, fixed)[3:], [100.0, 1000.0])
            np.testing.assert_array_equal(result.gradients[fixed][3:], [1.0, 1.0])

    def test_graph_rewrites_log_of_one_plus_into_log1p(self):
        # GRAPPLER_LOG1P: with Grappler's arithmetic optimizer off, the TF1 Session computes
        # log(exp(z) + 1) exactly as eager TensorFlow does; with it on (the default) it does not.
        z = np.float32([-5.0, 1.0])
        eager = tf2_autodiff.my_softplus(tf.constant(z)).numpy()
        results = {}
        for optimize in (True, False):
            with tf.Graph().as_default():
                # As in the trace, a variable: a constant is folded, and on a placeholder
                # the rewrite did not happen (TF 2.21).
                value = tf1_autodiff.my_softplus(v1.get_variable("z", initializer=z))
                rewrite = v1.ConfigProto()
                if not optimize:
                    rewrite.graph_options.rewrite_options.arithmetic_optimization = 2  # OFF
                with v1.Session(config=rewrite) as sess:
                    sess.run(v1.global_variables_initializer())
                    results[optimize] = sess.run(value)
        np.testing.assert_array_equal(results[False], eager)
        self.assertFalse(np.array_equal(results[True], eager))
        np.testing.assert_allclose(results[True], np.log1p(np.exp(z.astype(np.float64))),
                                   rtol=1e-7)

    def test_tf1_hessians_cross_terms_only_inside_one_source(self):
        # PITFALLS #23: tf.hessians(z, [w1, w2]) gives d²z/dw1² and d²z/dw2² (here it even raises,
        # as autodiff_basics shows); packed in one vector w the cross terms are inside the block.
        report = self.report(0)
        self.assertEqual(report.tf1.outputs["second_derivative_w1"], 6.0)
        self.assertEqual(report.tf1.outputs["hessian_of_w"][0, 1], 2.0)

    def test_planted_non_persistent_tape_is_caught(self):
        # PITFALLS #23: a non-persistent tape asked twice.
        def gradients_one_source_at_a_time(w1, w2):
            with tf.GradientTape() as tape:
                z = tf2_autodiff.f(w1, w2)
            return [tape.gradient(z, w1), tape.gradient(z, w2)]

        # (the harness reports the side's RuntimeError, wrapped or not)
        with self.assertRaisesRegex(Exception, "A non-persistent GradientTape"):
            self.assert_caught("outputs",
                               gradients_one_source_at_a_time=gradients_one_source_at_a_time)

    def test_planted_missing_watch_is_caught(self):
        def gradients_of_constants(c1, c2):
            with tf.GradientTape() as tape:
                z = tf2_autodiff.f(c1, c2)
            return tape.gradient(z, [c1, c2])

        report = self.assert_caught("outputs", gradients_of_constants=gradients_of_constants)
        self.assertIn("gradients_of_constants", report.check("outputs").detail)

    def test_planted_list_of_targets_summed_is_caught(self):
        # tape.gradient of the list sums over the targets (PITFALLS #23): one row, not three.
        def gradients_target_by_target(w1, w2):
            with tf.GradientTape() as tape:
                targets = [tf2_autodiff.f(w1, w2 + offset)
                           for offset in tf2_autodiff.HP.target_offsets]
            summed = tape.gradient(targets, [w1, w2])
            return [summed], tf.stack(summed)

        report = self.assert_caught("outputs", gradients_target_by_target=gradients_target_by_target)
        self.assertIn("TF2 lacks", report.check("outputs").detail)

    def test_planted_gradient_instead_of_jacobian_is_caught(self):
        # outer_tape.gradient of a vector sums its entries: [8, 2], not the 2x2 Hessian.
        def hessian_of_a_vector(w):
            with tf.GradientTape() as outer_tape:
                with tf.GradientTape() as inner_tape:
                    z = tf2_autodiff.f(w[0], w[1])
                dz_dw = inner_tape.gradient(z, w)
            return outer_tape.gradient(dz_dw, w)

        report = self.assert_caught("outputs", hessian_of_a_vector=hessian_of_a_vector)
        self.assertIn("hessian_of_w: shape", report.check("outputs").detail)

    def test_planted_float32_finite_differences_are_caught(self):
        # In float32, 5 + 1e-6 rounds to 5 + 9.5e-7: the difference quotient is off by 2.2.
        original = tf2_autodiff.finite_differences

        def in_float32(w1, w2):
            w1, w2 = tf.cast(w1, tf.float32), tf.cast(w2, tf.float32)
            return [tf.cast(d, tf.float64) for d in original(w1, w2)]

        report = self.assert_caught("outputs", finite_differences=in_float32, random_start=False)
        self.assertGreater(report.check("outputs").max_abs_diff, 1.0)

    def test_planted_custom_gradient_left_out_is_caught(self):
        def my_better_softplus(z):
            exp = tf.exp(z)
            return tf.math.log(exp + 1)

        report = self.assert_caught("gradients", my_better_softplus=my_better_softplus,
                                    SOFTPLUS_VARIANTS={**tf2_autodiff.SOFTPLUS_VARIANTS,
                                                       "my_better_softplus": my_better_softplus},
                                    random_start=False)
        self.assertIn("my_better_softplus: NaN/inf differ", report.check("gradients").detail)

    def test_planted_single_where_as_the_fix_is_caught(self):
        report = self.assert_caught(
            "gradients", random_start=False,
            SOFTPLUS_VARIANTS={**tf2_autodiff.SOFTPLUS_VARIANTS,
                               "softplus_double_where": tf2_autodiff.softplus_where})
        self.assertIn("softplus_double_where: NaN/inf differ", report.check("gradients").detail)

    def test_planted_wrong_stable_gradient_is_caught(self):
        # The gradient of softplus is sigmoid(z) = 1 - 1/(1 + e^z); 1/(1 + e^z) is sigmoid(-z).
        @tf.custom_gradient
        def stable_softplus(z):
            def stable_softplus_gradients(grad):
                return grad / (1 + tf.exp(z))
            return (tf.math.log(1 + tf.exp(-tf.abs(z))) + tf.maximum(0.0, z),
                    stable_softplus_gradients)

        report = self.assert_caught("gradients", SOFTPLUS_VARIANTS={
            **tf2_autodiff.SOFTPLUS_VARIANTS, "stable_softplus": stable_softplus})
        self.assertGreater(report.check("gradients").max_abs_diff, 0.4)


def test_variables_are_the_book_values():
    report = harness.compare("autodiff")
    assert report.tf1.variables["w1"] == 5.0 and report.tf1.variables["w2"] == 3.0
