"""data_parallel: TF1 towers vs MirroredStrategy on two logical CPUs, both equal to one device."""
import dataclasses
from unittest import mock

import keras
import numpy as np
import pytest
import tensorflow as tf

from tf1to2 import data, harness, testing
from tf1to2.tolerances import distribute as dtol
from tf1_style import data_parallel as tf1_data_parallel
from tf2_style import data_parallel as tf2_data_parallel
from tf2_style import mlp as tf2_mlp

HP = tf2_data_parallel.HP


def single_device(seed, steps):
    """The reference: the mlp's model and mean loss on ONE device, the whole global batch, SGD."""
    mnist = data.mnist("bundled")
    images, labels = next(mnist.random_batches(HP.global_batch_size, 1, seed))
    keras.utils.set_random_seed(seed)
    model = tf2_mlp.build_model(images[:1])
    optimizer = keras.optimizers.SGD(learning_rate=HP.learning_rate)
    variables = tf2_mlp.tf1_names(model)
    with tf.GradientTape() as tape:
        logits = model(images)
        loss = tf2_mlp.compute_loss(labels, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    result = harness.Trace(variables={k: v.numpy() for k, v in variables.items()},
                           outputs={"logits": logits.numpy()}, loss={"loss": loss.numpy()},
                           gradients={name: g.numpy() for name, g in zip(
                               variables, gradients)})
    for batch_images, batch_labels in mnist.random_batches(HP.global_batch_size, steps, seed):
        with tf.GradientTape() as tape:
            loss = tf2_mlp.compute_loss(batch_labels, model(batch_images))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        result.record_step(loss, {k: v.numpy() for k, v in variables.items()})
    return result


def summed_gradients(tower_gradients):
    """The tower mistake: the towers' gradients added, not averaged (2x with two towers)."""
    return [(tf.add_n([gradient for gradient, _ in pairs]), pairs[0][1])
            for pairs in zip(*tower_gradients)]


def replica_mean_loss(labels, logits):
    """A mean over the REPLICA's batch (tf.reduce_mean), then summed by the all-reduce: 2x."""
    return tf.reduce_mean(
        keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))


def per_replica_batch_as_global(labels, logits):
    """compute_average_loss told the replica's batch (25) as the global one: gradients 2x."""
    per_example = keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    return tf.nn.compute_average_loss(per_example,
                                      global_batch_size=HP.global_batch_size // HP.replicas)


class OutsideScope:
    """A strategy whose scope() does nothing: the model is built outside strategy.scope()."""
    def __init__(self, strategy):
        self.strategy = strategy

    def __getattr__(self, name):
        return getattr(self.strategy, name)

    def scope(self):
        return mock.MagicMock()


class DataParallelTest(testing.EquivalenceTest):
    EXAMPLE = "data_parallel"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")

    def test_two_devices_are_used(self):
        self.assertTrue(tf1_data_parallel.TWO_DEVICES and tf2_data_parallel.TWO_DEVICES)
        self.assertEqual(tf2_data_parallel.build_strategy().num_replicas_in_sync, 2)

    def test_both_sides_equal_one_device(self):
        for seed in testing.SEEDS:
            reference = single_device(seed, HP.steps)
            report = self.report(seed)
            for side in (report.tf1, report.tf2):
                for quantity in ("outputs", "loss", "gradients", "losses", "trajectory"):
                    check = harness.compare_values(quantity, getattr(reference, quantity),
                                                   getattr(side, quantity), dtol.REPLICA_SGD)
                    self.assertTrue(check.ok, f"seed {seed} {quantity}: {check.max_abs_diff}")

    def test_planted_loss_not_scaled_by_global_batch_is_caught(self):
        """PITFALLS #45: a replica's loss averaged over its own shard."""
        report = self.assert_caught("gradients", replica_loss=replica_mean_loss)
        tf1, tf2 = report.tf1.gradients, report.tf2.gradients
        np.testing.assert_allclose(tf2["dense_1/bias"], 2 * tf1["dense_1/bias"], atol=1e-6)

    def test_planted_per_replica_batch_as_global_is_caught(self):
        report = self.assert_caught("gradients", replica_loss=per_replica_batch_as_global)
        self.assertFalse(report.check("trajectory").ok)

    def test_planted_variables_outside_strategy_scope_is_caught(self):
        # Built outside strategy.scope(), the model's variables are plain ones on /cpu:0: the
        # replica step cannot update them and the TF2 side raises, which is a failed verdict.
        original = tf2_data_parallel.build_strategy
        with mock.patch.object(tf2_data_parallel, "build_strategy",
                               lambda: OutsideScope(original())):
            report = harness.compare(self.EXAMPLE, seed=0, steps=2)
        self.assertFalse(report.equivalent)
        self.assertIn("TF2 side raised", report.error or "")

    def test_keras_loss_objects_scale_by_the_replicas_themselves(self):
        # Keras 3's Loss.__call__ multiplies its batch mean by 1/num_replicas_in_sync inside a
        # strategy: the mlp's loss object needs no compute_average_loss (dividing again by the
        # global batch would halve the gradients).
        with mock.patch.object(tf2_data_parallel, "replica_loss", tf2_mlp.compute_loss):
            report = harness.compare(self.EXAMPLE, seed=0, steps=2)
        self.assertTrue(report.equivalent, report.table())

    def test_planted_tower_gradients_summed_is_caught(self):
        with mock.patch.object(tf1_data_parallel, "_average_gradients", summed_gradients):
            report = harness.compare(self.EXAMPLE, seed=0, steps=2)
        self.assertFalse(report.check("gradients").ok)
        self.assertFalse(report.equivalent)
