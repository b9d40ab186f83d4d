"""simple_dense: Chollet's SimpleDense, tf.get_variable in a variable scope vs a Keras Layer."""
import keras

from tf1to2 import testing
from tf2_style import simple_dense as tf2_simple_dense


def with_kernel_initializer(initializer):
    """SimpleDense whose kernel uses ``initializer``: a planted mistake."""
    class Planted(tf2_simple_dense.SimpleDense):
        def build(self, input_shape):
            self.W = self.add_weight(shape=(input_shape[-1], self.units), initializer=initializer)
            self.b = self.add_weight(shape=(self.units,), initializer="zeros")
    return Planted


class SimpleDenseTest(testing.EquivalenceTest):
    SLOW_SEEDS = True  # seeds 1 and 2 with -m slow: keeps CI within its time
    EXAMPLE = "simple_dense"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "metrics")

    def test_output_shape_and_relu(self):
        outputs = self.report(0).tf2.outputs["outputs"]
        self.assertEqual(outputs.shape, (2, 32))
        self.assertGreaterEqual(outputs.min(), 0.0)

    def test_both_initialisers_are_normal_with_stddev_0_05(self):
        for side in (self.report(0).tf1, self.report(0).tf2):
            self.assertAlmostEqual(float(side.metrics["kernel_std"]), 0.05, delta=1e-3)
            self.assertAlmostEqual(float(side.metrics["kernel_beyond_2_std"]), 0.0455, delta=5e-3)

    def test_planted_random_normal_stddev_1_is_caught(self):
        # tf.random_normal_initializer() defaults to stddev 1.0 (PITFALLS #19): the same
        # mistake on the TF2 side, RandomNormal(stddev=1.0).
        report = self.assert_caught("metrics", SimpleDense=with_kernel_initializer(
            keras.initializers.RandomNormal(stddev=1.0)))
        self.assertGreater(report.check("metrics").max_abs_diff, 0.9)
        self.assertTrue(report.check("outputs").ok)  # the copied weights hide it elsewhere

    def test_planted_glorot_uniform_is_caught(self):
        # PITFALLS #28: an initialiser mistake the copied weights hide.
        # Keras Dense's default has nearly the same std here (sqrt(2 / 816) = 0.0495): only the
        # shape of the distribution tells it apart.
        report = self.assert_caught("metrics",
                                    SimpleDense=with_kernel_initializer("glorot_uniform"))
        self.assertEqual(float(report.tf2.metrics["kernel_beyond_2_std"]), 0.0)
