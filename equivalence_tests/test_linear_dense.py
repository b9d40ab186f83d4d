"""linear_dense: tf.layers.dense + GradientDescentOptimizer vs keras Dense + GradientTape + SGD."""
import dataclasses

from unittest import mock

import keras
import tensorflow as tf

from tf1to2 import testing
from tf1to2 import harness
from tf1to2.errors import UserError
from tf2_style import linear_dense as tf2_linear_dense


class LinearDenseTest(testing.EquivalenceTest):
    EXAMPLE = "linear_dense"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")

    def test_book_result(self):
        # The handbook prints this model after 100 steps (kernel ~[0.408, 1.191, 1.974], bias ~0.783).
        final = self.report(0).tf2.final_variables
        self.assertAlmostEqual(float(final["dense/bias"][0]), 0.78322077, places=5)

    def test_planted_wrong_learning_rate_is_caught(self):
        self.assert_caught("trajectory", HP=dataclasses.replace(
            tf2_linear_dense.HP, learning_rate=0.011))

    def test_planted_sum_instead_of_mean_is_caught(self):
        self.assert_caught("loss", compute_loss=lambda y_true, y_pred: tf.reduce_sum(
            tf.square(y_pred - y_true)))

    def test_planted_missing_bias_is_caught(self):
        class NoBias(tf2_linear_dense.LinearModel):
            def call(self, inputs):
                return self.dense(inputs) - self.dense.bias
        self.assert_caught("outputs", LinearModel=NoBias)

    def test_planted_keras_default_kernel_initialiser_is_caught(self):
        # The TF2 weights are copied from TF1 in every other check, so only the initialisation
        # check sees a Dense left at Keras' glorot_uniform where TF1 had zeros (PITFALLS #28).
        class GlorotKernel(tf2_linear_dense.LinearModel):
            def __init__(self):
                keras.Model.__init__(self)
                self.dense = keras.layers.Dense(units=tf2_linear_dense.HP.units, name="dense",
                                                bias_initializer="zeros")
        check = self.assert_caught("initialisation", LinearModel=GlorotKernel)
        self.assertIn("dense/kernel: TF1 initialises it to fixed values", check.detail)
        self.assertNotIn("dense/bias", check.detail)

    def test_swapped_name_map_is_refused(self):
        def swapped(model):
            return {"dense/kernel": model.dense.bias, "dense/bias": model.dense.kernel}
        with mock.patch.object(tf2_linear_dense, "tf1_names", swapped):
            with self.assertRaisesRegex(UserError, "dense/kernel has shape"):
                harness.compare(self.EXAMPLE)
