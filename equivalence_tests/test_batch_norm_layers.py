"""batch_norm_layers: tf.layers.batch_normalization + UPDATE_OPS vs Keras 3 BatchNormalization."""
import dataclasses
import types
from unittest import mock

import numpy as np

from tf1to2 import harness, testing
from tf1_style import batch_norm_layers as tf1_bn
from tf2_style import batch_norm_layers as tf2_bn

MOVING = ("batch_normalization/moving_mean", "batch_normalization/moving_variance")


def without_update_ops(optimizer, loss):
    """The classic TF1 mistake: minimize() alone, UPDATE_OPS never run."""
    return optimizer.minimize(loss)


class BatchNormLayersTest(testing.EquivalenceTest):
    SLOW_SEEDS = True  # seeds 1 and 2 with -m slow: keeps CI within its time
    EXAMPLE = "batch_norm_layers"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")
    # Seeded, not copied, but the name map is tested from a random start too (below).
    RANDOM_START = True
    RANDOM_SCALE = 0.3

    def _initial_values(self, seed, random_start):
        values = super()._initial_values(seed, random_start)
        if values is not None:  # a variance must be positive: the random one is |N(0, .3²)| + .5
            name = "batch_normalization/moving_variance"
            values[name] = np.abs(values[name]) + np.float32(0.5)
        return values

    def tf1_mistake(self, **tf1_patches):
        """Plant a mistake in the TF1 module (the control is the unpatched report)."""
        self.assertTrue(self.report(0).equivalent, self.report(0).table())
        with mock.patch.multiple(tf1_bn, **tf1_patches):
            return harness.compare(self.EXAMPLE, seed=0)

    def test_moving_averages_move(self):
        trace = self.report(0).tf1
        for name in MOVING:
            self.assertGreater(np.abs(trace.final_variables[name] - trace.variables[name]).max(),
                               1e-2, name)

    def test_tf1_composite_ops_equal_keras_too(self):
        # fused=True (the default here, and tf.layers' choice for 4-D inputs) is the base test's.
        with mock.patch.object(tf1_bn, "HP", dataclasses.replace(tf1_bn.HP, fused=False)):
            report = harness.compare(self.EXAMPLE, seed=1)
        self.assertTrue(report.equivalent, report.table())

    def test_planted_tf1_update_ops_not_run_is_caught(self):
        # PITFALLS #15: UPDATE_OPS never run.
        # The train op without tf.control_dependencies(UPDATE_OPS): the moving averages keep
        # their initial values (mean 0, variance 1), so inference normalises by those.
        report = self.tf1_mistake(build_train_step=without_update_ops)
        self.assertFalse(report.check("trajectory").ok)
        self.assertFalse(report.check("outputs").ok)
        for name in MOVING:
            np.testing.assert_array_equal(report.tf1.final_variables[name],
                                          report.tf1.variables[name])
        # The training-mode losses do not see it: batch statistics are used there.
        self.assertTrue(report.check("losses").ok)

    def test_planted_tf1_build_without_python_random_seed_is_caught(self):
        # PITFALLS #18: tf_keras (behind tf.layers) draws its initialisers' seeds from Python's
        # random, which no TensorFlow seed reaches: the TF1 program without random.seed(seed)
        # starts from other weights than Keras 3 seeded alike, at every run.
        self.assertTrue(self.report(0).equivalent, self.report(0).table())
        with mock.patch.object(tf1_bn, "random", types.SimpleNamespace(seed=lambda seed: None)):
            report = harness.compare(self.EXAMPLE, seed=0, steps=0)
        self.assertFalse(report.check("variables").ok, report.table())
        self.assertGreater(report.check("variables").max_abs_diff, 0.1)

    def test_planted_training_flag_left_at_inference_is_caught(self):
        # model(x) in the train step: Keras 3 normalises by the moving averages and never
        # updates them (PITFALLS #16).
        report = self.assert_caught("losses", HP=dataclasses.replace(tf2_bn.HP, training=False))
        self.assertFalse(report.check("trajectory").ok)

    def test_planted_slim_decay_is_caught(self):
        # momentum 0.999 (slim.batch_norm's decay) against tf.layers' 0.99 (PITFALLS #15).
        report = self.assert_caught("trajectory", HP=dataclasses.replace(tf2_bn.HP,
                                                                         momentum=0.999))
        self.assertTrue(report.check("losses").ok)  # only the moving averages differ

    def test_planted_frozen_batch_norm_is_caught(self):
        # PITFALLS #16: a frozen Keras 3 batch norm runs in inference mode.
        # Keras 3: a BatchNormalization with trainable=False runs in inference mode even when
        # called with training=True (tf.layers' did not): freezing it for fine-tuning changes
        # the forward pass, not only which weights train.
        class Frozen(tf2_bn.BatchNormNet):
            def __init__(self):
                super().__init__()
                self.batch_norm.trainable = False
        self.assert_caught("outputs", BatchNormNet=Frozen)
