"""custom_layers: layer functions over get_variable with a training placeholder and tf.cond vs
Keras 3 custom layers (Lambda, MyDense, MyMultiLayer, AddGaussianNoise)."""
import dataclasses

import keras
import numpy as np
import tensorflow as tf
from parameterized import parameterized

from tf1to2 import testing
from tf2_style import custom_layers as tf2_layers


class RandomNormalDense(tf2_layers.MyDense):
    """MyDense with Keras' "random_normal" kernel (stddev 0.05) instead of glorot_normal."""

    def build(self, batch_input_shape):
        self.kernel = self.add_weight(name="kernel", shape=[batch_input_shape[-1], self.units],
                                      initializer="random_normal")
        self.bias = self.add_weight(name="bias", shape=[self.units], initializer="zeros")


class BookShapeDense(tf2_layers.MyDense):
    """MyDense with the book's Keras 2 compute_output_shape, which takes a TensorShape."""

    def compute_output_shape(self, batch_input_shape):
        return tf.TensorShape(batch_input_shape.as_list()[:-1] + [self.units])


class CustomLayersTest(testing.EquivalenceTest):
    EXAMPLE = "custom_layers"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")

    @parameterized.expand(["tf1", "tf2"])
    def test_book_numbers(self, side):
        result = getattr(self.report(0), side)
        np.testing.assert_allclose(result.outputs["exponential"], np.exp([-1.0, 0.0, 1.0]),
                                   rtol=1e-7)
        np.testing.assert_array_equal(result.outputs["multi/sum"], [[6, 8], [10, 12]])
        np.testing.assert_array_equal(result.outputs["multi/product"], [[5, 12], [21, 32]])
        # The noise layer is the identity unless training.
        X_check, _ = next(tf2_layers.housing.load("bundled").random_batches(32, 1, 0))
        np.testing.assert_array_equal(result.outputs["noise/inference"], X_check)
        self.assertAlmostEqual(result.metrics["noise/training_std"], 1.0, delta=0.02)

    def test_my_dense_shapes_and_config(self):
        layer = tf2_layers.MyDense(30, activation="relu", name="my_dense")
        self.assertEqual(layer.compute_output_shape((None, 8)), (None, 30))
        config = layer.get_config()
        self.assertEqual((config["units"], config["activation"]), (30, "relu"))
        restored = tf2_layers.MyDense.from_config(config)
        self.assertIs(restored.activation, keras.activations.relu)
        multi = tf2_layers.MyMultiLayer()
        self.assertEqual(multi.compute_output_shape([(None, 2), (None, 2)]), [(None, 2)] * 3)

    def test_planted_books_compute_output_shape_fails_under_keras_3(self):
        """PITFALLS #36: Keras 3 passes compute_output_shape a tuple, so the book's
        `batch_input_shape.as_list()` raises as soon as the layer meets a symbolic input."""
        self.assertEqual(tf2_layers.MyDense(30)(keras.Input((8,))).shape, (None, 30))
        with self.assertRaisesRegex(AttributeError, "'tuple' object has no attribute 'as_list'"):
            BookShapeDense(30)(keras.Input((8,)))

    def test_planted_noise_active_at_inference_is_caught(self):
        # PITFALLS #16: the noise must follow the training switch.
        class AlwaysNoisy(tf2_layers.AddGaussianNoise):
            def call(self, X, training=None):
                return X + tf.random.normal(tf.shape(X), stddev=self.stddev)
        report = self.assert_caught("outputs", AddGaussianNoise=AlwaysNoisy)
        self.assertGreater(report.check("outputs").max_abs_diff, 1.0)

    def test_planted_noise_never_active_is_caught(self):
        class NeverNoisy(tf2_layers.AddGaussianNoise):
            def call(self, X, training=None):
                return X
        report = self.assert_caught("metrics", AddGaussianNoise=NeverNoisy)
        self.assertAlmostEqual(report.check("metrics").max_abs_diff, 1.0, delta=0.01)

    def test_planted_noise_stddev_is_caught(self):
        self.assert_caught("metrics", LAYERS=dataclasses.replace(tf2_layers.LAYERS,
                                                                 noise_stddev=1.1))

    def test_planted_random_normal_kernel_is_caught_by_the_initialisation_check(self):
        # Copying the TF1 weights hides the TF2 initialiser from every other check (PITFALLS #28);
        # Keras' "random_normal" has stddev 0.05 (PITFALLS #19), glorot_normal here 0.34 and 0.25.
        def random_normal_model():
            return keras.Sequential([keras.Input(shape=(8,)),
                                     RandomNormalDense(30, activation="relu"),
                                     RandomNormalDense(1)])
        self.assertTrue(self.report(0).equivalent)
        self.assert_caught("initialisation", build_model=random_normal_model)
