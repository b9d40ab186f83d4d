"""custom_linear_layer: a layer built with variable_scope/get_variable and a loss class vs a
keras.layers.Layer (build/add_weight/call) and a keras.losses.Loss subclass."""
import contextlib
import types
from unittest import mock

import keras
import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1

from tf1to2 import testing
from tf1to2 import data, harness, mapping
from tf1to2.errors import UserError
from tf2_style import custom_linear_layer as tf2_custom_linear_layer

W, B = "linear_model/linear_layer/w", "linear_model/linear_layer/b"


def keras_with_optimizer(**optimizers):
    """A stand-in for the keras module whose `keras.optimizers` names other optimizers."""
    return types.SimpleNamespace(**{name: getattr(keras, name) for name in ("layers", "losses",
                                                                              "utils", "Model")},
                                 optimizers=types.SimpleNamespace(**optimizers))


def mock_patch(**patches):
    """Patch globals of the TF2 module (as assert_caught does) for a comparison run by hand."""
    stack = contextlib.ExitStack()
    for name, value in patches.items():
        stack.enter_context(mock.patch.object(tf2_custom_linear_layer, name, value))
    return stack


class CustomLinearLayerTest(testing.EquivalenceTest):
    EXAMPLE = "custom_linear_layer"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")

    def test_book_result(self):
        # The same model and training as linear_dense: kernel ~[0.408, 1.191, 1.974], bias ~0.783.
        report = self.report(0)
        for trace in (report.tf1, report.tf2):
            np.testing.assert_allclose(trace.final_variables[W].ravel(),
                                       [0.40784496, 1.191065, 1.9742855], rtol=1e-6)
            np.testing.assert_allclose(trace.final_variables[B], [0.78322077], rtol=1e-6)

    def test_tf1_variable_names_come_from_the_scopes(self):
        self.assertEqual(sorted(self.report(0).tf1.variables), [B, W])
        self.assertEqual(self.report(0).tf1.variables[W].shape, (3, 1))

    def test_weighted_loss_weighs_each_sample(self):
        # At zero weights the per-sample losses are 10² = 100 and 20² = 400; weights (1, 0) keep
        # the first, and both sides divide by the batch size (2), not by the nonzero weights.
        for trace in (self.report(0).tf1, self.report(0).tf2):
            self.assertEqual(float(trace.loss["loss"]), 250.0)
            self.assertEqual(float(trace.loss["weighted_loss"]), 50.0)

    def test_tf1_losses_default_reduction_divides_by_nonzero_weights(self):
        # PITFALLS #12: tf.losses.mean_squared_error's SUM_BY_NONZERO_WEIGHTS gives 100, not 50.
        X, y = data.linear_dense()
        with tf1.Graph().as_default(), tf1.Session() as sess:
            loss = tf1.losses.mean_squared_error(y, np.zeros_like(y),
                                                 weights=data.linear_dense_sample_weights()[:, None])
            self.assertEqual(sess.run(loss), 100.0)

    def test_keras3_add_variable_takes_shape_and_initializer_positionally(self):
        # tf.keras (Keras 2) had add_weight(name, shape, ...) and the alias add_variable; Keras 3
        # has add_variable(shape, initializer, ...) and refuses a positional name in add_weight.
        class PositionalName(keras.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight("w", [input_shape[-1], 1])

            def call(self, inputs):
                return tf.matmul(inputs, self.w)

        class AddVariableOldStyle(keras.layers.Layer):
            def build(self, input_shape):
                self.w = self.add_variable("w", [input_shape[-1], 1])

            def call(self, inputs):
                return tf.matmul(inputs, self.w)

        inputs = np.ones((2, 3), np.float32)
        with self.assertRaisesRegex(ValueError, "`name` must be passed as a keyword"):
            PositionalName()(inputs)
        with self.assertRaisesRegex(ValueError, "Could not interpret initializer identifier"):
            AddVariableOldStyle()(inputs)

    def test_planted_scalar_returning_loss_is_caught(self):
        # The handbook's Loss.call returns the batch mean: the same loss without weights, but the
        # weights then scale the mean (250·(1 + 0)/2 = 125) instead of each sample's loss (50).
        class HandbookMeanSquaredError(keras.losses.Loss):
            def call(self, y_true, y_pred):
                return tf.reduce_mean(tf.square(y_pred - y_true))

        report = self.assert_caught("loss", MeanSquaredError=HandbookMeanSquaredError)
        self.assertTrue(report.check("trajectory").ok, report.table())

    def test_planted_summed_loss_is_caught(self):
        class SummedMeanSquaredError(tf2_custom_linear_layer.MeanSquaredError):
            def __init__(self):
                super().__init__(reduction="sum")

        self.assert_caught("loss", MeanSquaredError=SummedMeanSquaredError)

    def test_planted_division_by_the_weights_is_caught(self):
        # PITFALLS #12 the other way round: dividing by the sum of the weights (1), as
        # tf.losses' default does for 0/1 weights, instead of by the batch size (2).
        class WeightedMeanSquaredError(tf2_custom_linear_layer.MeanSquaredError):
            def __init__(self):
                super().__init__(reduction="mean_with_sample_weight")

        report = self.assert_caught("loss", random_start=False,
                                    MeanSquaredError=WeightedMeanSquaredError)
        self.assertEqual(float(report.tf2.loss["weighted_loss"]), 100.0)
        self.assertEqual(report.check("loss").max_abs_diff, 50.0)

    def test_planted_missing_bias_is_caught(self):
        # build creates b but call forgets it: b gets no gradient, which the name map refuses.
        class NoBias(tf2_custom_linear_layer.LinearLayer):
            def call(self, inputs):
                return tf.matmul(inputs, self.w)

        with self.assertRaisesRegex(UserError, f"no gradient for {B}"):
            self.assert_caught("outputs", LinearLayer=NoBias)

    def test_planted_transposed_kernel_is_caught(self):
        # A kernel created [units, in] computes the same thing with transpose_b, but it is not the
        # TF1 layout: copying TF1 values through the plain name map is refused.
        class TransposedKernel(tf2_custom_linear_layer.LinearLayer):
            def build(self, input_shape):
                self.w = self.add_weight(name="w", shape=(self.units, input_shape[-1]),
                                         initializer="zeros")
                self.b = self.add_weight(name="b", shape=(self.units,), initializer="zeros")

            def call(self, inputs):
                return tf.matmul(inputs, self.w, transpose_b=True) + self.b

        with self.assertRaisesRegex(UserError, r"w has shape \[3, 1\], the model expects \[1, 3\]"):
            self.assert_caught("variables", LinearLayer=TransposedKernel)

        # A map that converts the layout both ways makes it equivalent again.
        def transposing_names(model):
            return {W: mapping.Converted(model.layer.w, np.transpose, np.transpose),
                    B: model.layer.b}

        with mock_patch(LinearLayer=TransposedKernel, tf1_names=transposing_names):
            report = harness.compare(self.EXAMPLE, initial_values=harness.random_initial_values(
                self.report(0).tf1.variables, 0))
        self.assertTrue(report.equivalent, report.table())

    def test_planted_adam_as_in_the_handbooks_tf2_file_is_caught(self):
        # The handbook's TF2 custom/linear.py trains with Adam(0.01), its TF1 file with plain GD.
        report = self.assert_caught("trajectory",
                                    keras=keras_with_optimizer(SGD=keras.optimizers.Adam))
        self.assertTrue(report.check("loss").ok)

