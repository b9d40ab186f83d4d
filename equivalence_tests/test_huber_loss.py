"""huber_loss: tf.losses.huber_loss, a tf.where Huber and a Saver vs the book's huber_fn,
create_huber, HuberLoss(keras.losses.Loss) and a .keras save/load with custom_objects."""
import dataclasses
import os
import tempfile

import keras
import numpy as np
import tensorflow as tf
from parameterized import parameterized

from tf1to2 import testing
from tf2_style import huber_loss as tf2_huber


class HuberLossTest(testing.EquivalenceTest):
    EXAMPLE = "huber_loss"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")

    @parameterized.expand(["tf1", "tf2"])
    def test_restored_model_predicts_as_the_trained_one(self, side):
        outputs = getattr(self.report(0), side).outputs
        np.testing.assert_array_equal(outputs["restored_predictions"],
                                      outputs["trained_predictions"])
        self.assertFalse(np.array_equal(outputs["trained_predictions"], outputs["predictions"]))

    def test_book_huber_values(self):
        # create_huber(2.0) at errors 0.5, 1.5, 8: squared below the threshold, linear above.
        y_true, y_pred = np.zeros([3, 1], np.float32), np.array([[0.5], [1.5], [8.0]], np.float32)
        np.testing.assert_array_equal(tf2_huber.create_huber(2.0)(y_true, y_pred),
                                      [[0.125], [1.125], [14.0]])
        np.testing.assert_array_equal(tf2_huber.huber_fn(y_true, y_pred), [[0.125], [1.0], [7.5]])

    def test_huber_loss_config_round_trip(self):
        config = tf2_huber.HuberLoss(2.0).get_config()
        self.assertEqual(config["threshold"], 2.0)
        self.assertEqual(tf2_huber.HuberLoss.from_config(config).threshold, 2.0)

    def test_loading_needs_the_custom_loss(self):
        model = tf2_huber.build_model()
        model.compile(loss=tf2_huber.HuberLoss(2.0), optimizer="sgd")
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "model.keras")
            model.save(path)
            loaded = keras.models.load_model(path, custom_objects={"HuberLoss": tf2_huber.HuberLoss})
            self.assertEqual(loaded.loss.threshold, 2.0)
            with self.assertRaises(Exception):
                keras.models.load_model(path)

    def test_keras_default_reduction_divides_by_the_batch_size(self):
        # PITFALLS #12: with a 0/1 mask, Keras' default is the TF1 value times nonzero / N.
        loss = self.report(0).tf1.loss
        y_true, y_pred, weights = (np.zeros([32, 1], np.float32),
                                   np.linspace(-4, 4, 32, dtype=np.float32)[:, None],
                                   np.resize(np.float32(tf2_huber.HUBER.weight_pattern), [32, 1]))
        keras_default = tf2_huber.HuberLoss(2.0)(y_true, y_pred, weights)
        by_nonzero = tf2_huber.compute_loss(y_true, y_pred, weights)
        self.assertAlmostEqual(float(keras_default) / float(by_nonzero), 24 / 32, places=6)
        self.assertIn("weighted", loss)

    def test_planted_keras_default_reduction_with_sample_weights_is_caught(self):
        # PITFALLS #12: sum_over_batch_size against SUM_BY_NONZERO_WEIGHTS.
        def default_reduction(y_true, y_pred, sample_weight=None):
            return tf2_huber.HuberLoss(tf2_huber.HUBER.threshold)(y_true, y_pred, sample_weight)
        report = self.assert_caught("loss", compute_loss=default_reduction)
        self.assertTrue(report.check("trajectory").ok)  # training has no weights: unaffected

    def test_planted_default_threshold_is_caught(self):
        report = self.assert_caught("loss", HUBER=dataclasses.replace(tf2_huber.HUBER,
                                                                      threshold=1.0))
        self.assertFalse(report.check("trajectory").ok)

    def test_planted_mean_squared_error_instead_of_huber_is_caught(self):
        def mse(y_true, y_pred, sample_weight=None):
            return keras.losses.MeanSquaredError()(y_true, y_pred, sample_weight)
        self.assert_caught("loss", compute_loss=mse)
