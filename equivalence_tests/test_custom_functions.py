"""custom_functions: tf.layers.dense with custom functions, graph regularisation losses and
constraints vs Keras 3 Dense with the same functions, model.losses and a regulariser class."""
import dataclasses
import tempfile

import keras
import numpy as np
import tensorflow as tf
from parameterized import parameterized

from tf1to2 import testing
from tf1to2.data import housing
from tf1_style import custom_functions as tf1_cf
from tf2_style import custom_functions as tf2_cf

CUSTOM_OBJECTS = {"my_softplus": tf2_cf.my_softplus,
                  "my_glorot_initializer": tf2_cf.my_glorot_initializer,
                  "MyL1Regularizer": tf2_cf.MyL1Regularizer,
                  "my_positive_weights": tf2_cf.my_positive_weights}


class CustomFunctionsTest(testing.EquivalenceTest):
    EXAMPLE = "custom_functions"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")

    @parameterized.expand(["tf1", "tf2"])
    def test_constraint_keeps_the_output_kernel_non_negative(self, side):
        result = getattr(self.report(0), side)
        self.assertLess(result.variables["dense_1/kernel"].min(), 0.0)  # it starts with some
        for variables in result.trajectory:  # and after every update none is left
            self.assertGreaterEqual(variables["dense_1/kernel"].min(), 0.0)
            self.assertLess(variables["dense/kernel"].min(), 0.0)  # only where it is set

    def test_the_books_softplus_overflows_where_tf_nn_softplus_does_not(self):
        """PITFALLS #34: log(exp(z) + 1) is inf past z = 88.7 in float32, on both sides alike
        (the pair keeps the book's function); tf.nn.softplus gives z there."""
        z = tf.constant([0.0, 20.0, 88.0, 89.0, 200.0])
        stable = tf.nn.softplus(z).numpy()
        with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
            tf1_values = sess.run(tf1_cf.my_softplus(tf.constant(z.numpy())))
        for values in (tf1_values, tf2_cf.my_softplus(z).numpy()):
            np.testing.assert_allclose(values[:3], stable[:3], rtol=1e-6)
            self.assertTrue(np.isinf(values[3:]).all(), values)
        np.testing.assert_allclose(stable[3:], [89.0, 200.0])

    def test_regularization_is_the_l1_of_the_output_kernel(self):
        report = self.report(0)
        kernel = report.tf1.variables["dense_1/kernel"]
        self.assertAlmostEqual(report.tf1.loss["regularization"],
                               0.01 * np.abs(kernel).sum(), places=6)
        self.assertEqual(float(tf2_cf.my_l1_regularizer(kernel)),
                         float(tf2_cf.MyL1Regularizer(0.01)(kernel)))

    def test_regularizer_config_round_trip(self):
        config = tf2_cf.MyL1Regularizer(0.01).get_config()
        self.assertEqual(config, {"factor": 0.01})
        self.assertEqual(tf2_cf.MyL1Regularizer.from_config(config).factor, 0.01)

    def test_saved_model_with_custom_objects_predicts_the_same(self):
        model = tf2_cf.build_model()
        X = housing.load("bundled").X_valid[:64]
        path = self.enterContext(tempfile.TemporaryDirectory()) + "/custom_parts.keras"
        model.save(path)
        loaded = keras.models.load_model(path, custom_objects=CUSTOM_OBJECTS)
        np.testing.assert_array_equal(loaded(X), model(X))
        self.assertEqual(loaded.layers[1].kernel_regularizer.factor, 0.01)
        with self.assertRaises(Exception):  # the custom functions are not known without them
            keras.models.load_model(path)

    def test_planted_regularization_loss_left_out_is_caught(self):
        # PITFALLS #14: a custom loop that forgets model.losses trains without the l1 term.
        report = self.assert_caught("loss", regularization_loss=lambda model: tf.constant(0.0))
        self.assertFalse(report.check("gradients").ok)
        self.assertFalse(report.check("trajectory").ok)

    def test_planted_constraint_not_applied_is_caught(self):
        def without_constraint():
            return keras.Sequential([
                keras.Input(shape=(8,)),
                keras.layers.Dense(30, activation="selu", kernel_initializer="lecun_normal"),
                keras.layers.Dense(1, activation=tf2_cf.my_softplus,
                                   kernel_initializer=tf2_cf.my_glorot_initializer,
                                   kernel_regularizer=tf2_cf.MyL1Regularizer(0.01))])
        report = self.assert_caught("trajectory", build_model=without_constraint)
        self.assertTrue(report.check("gradients").ok)  # the first gradient is the same

    def test_planted_l1_factor_ten_times_too_large_is_caught(self):
        report = self.assert_caught("loss", CUSTOM=dataclasses.replace(tf2_cf.CUSTOM,
                                                                        l1_factor=0.1))
        self.assertFalse(report.check("trajectory").ok)

