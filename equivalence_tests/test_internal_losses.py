"""internal_losses: tf.losses.add_loss + get_total_loss against add_loss + model.losses."""
import dataclasses

import keras
import numpy as np
import tensorflow as tf

from tf1to2 import testing
from tf1_style import internal_losses as tf1_internal
from tf2_style import internal_losses as tf2_internal

v1 = tf.compat.v1
EXPECTED_TF1_NAMES = [f"hidden{i}/{w}" for i in range(1, 6) for w in ("kernel", "bias")] + [
    "reconstruct/kernel", "reconstruct/bias", "output/kernel", "output/bias"]


def loss_without_internal_losses(model, y, y_pred):
    """PITFALLS #14: the custom loop's loss without model.losses."""
    return tf.reduce_mean(keras.losses.mean_squared_error(y, y_pred))


def evaluate_without_reset(model, batches):
    """The metric read after the new batches without reset_state(): it mixes in older calls."""
    for X_batch in batches:
        model(X_batch)
    return model.reconstruction_mean.result().numpy()


class ReconstructionBuiltInCall(tf2_internal.ReconstructingRegressor):
    """PITFALLS #21: a reconstruction layer created inside call, a new one (new weights) per call;
    the one built in build (which the name map copies the TF1 weights into) is never used."""
    def build(self, batch_input_shape):
        super().build(batch_input_shape)
        self.reconstruct.build((None, tf2_internal.HP.units))

    def call(self, inputs):
        Z = inputs
        for layer in self.hidden:
            Z = layer(Z)
        reconstruction = keras.layers.Dense(inputs.shape[-1])(Z)
        reconstruction_loss = tf.reduce_mean(tf.square(reconstruction - inputs))
        self.add_loss(tf2_internal.HP.reconstruction_weight * reconstruction_loss)
        self.reconstruction_mean.update_state(reconstruction_loss)
        return self.out(Z)


class ReconstructionAssignedInCall(ReconstructionBuiltInCall):
    """The same mistake written as an attribute: ``self.reconstruct = Dense(...)`` in call."""
    def build(self, batch_input_shape):
        pass

    def call(self, inputs):
        self.reconstruct = keras.layers.Dense(inputs.shape[-1])
        return super().call(inputs)


class InternalLossesTest(testing.EquivalenceTest):
    EXAMPLE = "internal_losses"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")
    # N(0, 0.15²) random starts, about lecun_normal's scale (1/√30 = 0.18): from the default
    # N(0, 0.5²) the five selu layers grow activations ~2.7× each and SGD diverges (losses 1e8).
    RANDOM_SCALE = 0.15

    def test_reconstruction_layer_learns_only_through_the_internal_loss(self):
        # Both sides give the reconstruction layer a nonzero gradient (from the 0.05 term alone).
        report = self.report(0)
        for side in (report.tf1, report.tf2):
            self.assertGreater(np.abs(side.gradients["reconstruct/kernel"]).max(), 1e-3)
        # TF1: the LOSSES collection holds the prediction MSE and the added term.
        with tf.Graph().as_default():
            X = v1.placeholder(tf.float32, [None, 8])
            y_pred, reconstruction = tf1_internal.build_model(X)
            tf1_internal.compute_loss(X, v1.placeholder(tf.float32, [None, 1]), y_pred,
                                      reconstruction)
            self.assertEqual(len(v1.losses.get_losses()), 2)
            self.assertEqual([v.op.name for v in v1.trainable_variables()], EXPECTED_TF1_NAMES)

    def test_model_creates_the_reconstruction_layer_once(self):
        model = tf2_internal.build_model(np.zeros((2, 8), np.float32))
        before = [id(v) for v in model.trainable_variables]
        model(np.ones((3, 8), np.float32))
        self.assertEqual([id(v) for v in model.trainable_variables], before)
        self.assertEqual(len(before), len(EXPECTED_TF1_NAMES))
        self.assertEqual(sorted(tf2_internal.tf1_names(model)), sorted(EXPECTED_TF1_NAMES))
        self.assertEqual(len(model.losses), 1)  # the last call's internal loss, not all calls'
        self.assertIn(model.reconstruction_mean, model.metrics)

    def test_planted_internal_loss_left_out_is_caught(self):
        # PITFALLS #14: model.losses left out of a custom loop's loss.
        report = self.assert_caught("loss", compute_loss=loss_without_internal_losses)
        self.assertFalse(report.check("gradients").ok)  # the reconstruction layer's gradient: 0

    def test_planted_weight_dropped_is_caught(self):
        self.assert_caught("loss", HP=dataclasses.replace(tf2_internal.HP,
                                                          reconstruction_weight=1.0))

    def test_planted_metric_not_reset_is_caught(self):
        # PITFALLS #17: a metric not reset.
        self.assert_caught("metrics", evaluate=evaluate_without_reset)

    def test_planted_reconstruction_built_in_call_is_caught(self):
        # PITFALLS #21: a layer created in call, new weights per call.
        # Eager calls only (steps=0): in the tf.function train step, Keras' new variables on the
        # second trace raise "tf.function only supports singleton tf.Variables".
        report = self.assert_caught("loss", steps=0,
                                    ReconstructingRegressor=ReconstructionBuiltInCall)
        self.assertFalse(report.check("gradients").ok)  # the name-mapped layer gets zeros

    def test_keras_refuses_a_layer_assigned_in_call(self):
        # Keras 3 rejects the attribute form of PITFALLS #21 loudly once the model is built.
        with self.assertRaisesRegex(ValueError, "cannot add new elements of state"):
            ReconstructionAssignedInCall(1)(np.zeros((2, 8), np.float32))
