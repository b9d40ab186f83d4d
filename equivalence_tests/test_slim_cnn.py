"""slim_cnn: tf-slim (arg_scope, batch_norm, dropout, l2_regularizer, create_train_op) vs Keras 3."""
import dataclasses
from unittest import mock

import keras
import numpy as np

from tf1to2 import harness, testing
from tf1to2.errors import UserError
from tf2_style import slim_cnn as tf2_slim_cnn

MODEL = tf2_slim_cnn.MODEL


class AtInference(tf2_slim_cnn.SlimCNN):
    """The training flag left at inference: batch norm uses (and never updates) its averages."""
    def call(self, images, training=False):
        return super().call(images, training=False)


class SlimCnnTest(testing.EquivalenceTest):
    SLOW_SEEDS = True  # seeds 1 and 2 with -m slow: keeps CI within its time
    EXAMPLE = "slim_cnn"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")
    RANDOM_SCALE = 0.03  # about glorot's scale; 0.1 makes 10 SGD steps chaotic (7e-3 apart)

    def _initial_values(self, seed, random_start):
        values = super()._initial_values(seed, random_start)
        if values is not None:  # a variance must be positive: |N(0, .03²)| + .5
            for name in values:
                if name.endswith("moving_variance"):
                    values[name] = np.abs(values[name]) + np.float32(0.5)
        return values

    def test_slim_variables_and_their_count(self):
        # scale=False: slim's batch norm has beta and the two averages, no gamma.
        self.assertEqual(sorted(self.report(0).tf1.variables), sorted(
            [f"{block}/{name}" for block in ("conv1", "conv2")
             for name in ("weights", "BatchNorm/beta", "BatchNorm/moving_mean",
                          "BatchNorm/moving_variance")]
            + [f"{layer}/{name}" for layer in ("fc3", "fc4") for name in ("weights", "biases")]))

    def test_moving_averages_move_and_weight_decay_counts(self):
        report = self.report(0)
        trace = report.tf1
        self.assertGreater(np.abs(trace.final_variables["conv2/BatchNorm/moving_mean"]).max(), 1e-3)
        self.assertGreater(trace.loss["total_loss"] - trace.loss["loss"], 1e-4)

    def test_planted_keras_default_momentum_is_caught(self):
        # Keras' momentum 0.99 against slim's decay 0.999 (PITFALLS #15).
        report = self.assert_caught("trajectory", MODEL=dataclasses.replace(
            MODEL, batch_norm_decay=0.99))
        self.assertTrue(report.check("losses").ok)  # training mode uses batch statistics

    def test_planted_scale_false_ignored_is_refused(self):
        # Keras' default scale=True adds a gamma slim does not have: the name map refuses it.
        with mock.patch.object(tf2_slim_cnn, "MODEL",
                               dataclasses.replace(MODEL, batch_norm_scale=True)):
            with self.assertRaisesRegex(UserError, "missing conv1/BatchNorm/gamma, "
                                                   "conv2/BatchNorm/gamma$"):
                harness.compare(self.EXAMPLE)

    def test_planted_training_flag_left_at_inference_is_caught(self):
        # PITFALLS #16: the train step without training=True.
        report = self.assert_caught("losses", SlimCNN=AtInference)
        self.assertFalse(report.check("trajectory").ok)

    def test_planted_keras_l2_with_slims_factor_is_caught(self):
        # keras.regularizers.L2(s) where slim had l2_regularizer(s): twice the decay (PITFALLS #13).
        report = self.assert_caught("loss", MODEL=dataclasses.replace(
            MODEL, weight_decay=2 * MODEL.weight_decay))
        self.assertTrue(np.isclose(report.check("loss").max_abs_diff,
                                   report.tf1.loss["total_loss"] - report.tf1.loss["loss"],
                                   rtol=1e-3))

    def test_planted_forgotten_regularisation_losses_is_caught(self):
        # get_total_loss() added them; a custom loop must add model.losses itself (PITFALLS #14).
        def cross_entropy_only(labels, logits, model):
            loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)
            return loss, loss
        self.assert_caught("loss", compute_loss=cross_entropy_only)

    def test_name_map_missing_a_variable_is_refused_with_the_list(self):
        complete = tf2_slim_cnn.tf1_names

        def one_missing(model):
            names = complete(model)
            del names["conv2/BatchNorm/moving_variance"]
            return names
        with mock.patch.object(tf2_slim_cnn, "tf1_names", one_missing):
            with self.assertRaisesRegex(UserError, r"extra conv2/BatchNorm/moving_variance$"):
                harness.compare(self.EXAMPLE, steps=0)


def test_dropout_keep_prob_is_one_minus_keras_rate():
    # slim.dropout(keep_prob=0.8) and Dropout(rate=0.2): kept units scaled by 1/0.8, the rest 0,
    # and the identity at inference. The masks come from different random streams.
    import tensorflow.compat.v1 as tf1
    import tf_slim as slim
    ones = np.ones((200, 100), np.float32)
    with tf1.Graph().as_default():
        is_training = tf1.placeholder_with_default(False, [])
        out = slim.dropout(tf1.constant(ones), 0.8, is_training=is_training)
        with tf1.Session() as sess:
            tf1_training, tf1_inference = sess.run(out, {is_training: True}), sess.run(out)
    layer = keras.layers.Dropout(0.2)
    tf2_training, tf2_inference = layer(ones, training=True).numpy(), layer(ones).numpy()
    for training, inference in ((tf1_training, tf1_inference), (tf2_training, tf2_inference)):
        np.testing.assert_array_equal(inference, ones)
        assert set(np.unique(training)) == {0.0, np.float32(1.25)}
        assert abs((training == 0).mean() - 0.2) < 0.01
