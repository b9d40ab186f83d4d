"""cnn: tf.layers.conv2d/max_pooling2d/dense + AdamOptimizer vs a Keras 3 model with Adam."""
import dataclasses
import json

import keras
import pytest
from parameterized import parameterized
import tensorflow as tf

from tf1to2 import testing
from tf1to2 import cli, tolerances, tracing
from tf2_style import cnn as tf2_cnn


def forgetful_evaluate(model, accuracy, images, labels):
    """`evaluate` without `reset_state()`: TF2's forgotten `local_variables_initializer`."""
    for start in range(0, len(labels), tf2_cnn.HP.eval_batch_size):
        accuracy.update_state(labels[start:start + tf2_cnn.HP.eval_batch_size],
                              model(images[start:start + tf2_cnn.HP.eval_batch_size]))
    return accuracy.result().numpy()


class CnnTest(testing.EquivalenceTest):
    EXAMPLE = "cnn"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")
    STEPS = 20  # the tolerances' measurement (`tf1to2 compare cnn` runs 10)
    SLOW_SEEDS = True  # a cnn report with step-by-step Adam is the suite's costliest: CI time

    def test_initial_weights_are_equal_by_seeding_alone(self):
        # alignment="seed": nothing is copied, so this is the proof that seeding aligns them.
        self.assertEqual(self.report(0).check("variables").max_abs_diff, 0.0)

    def test_first_step_agrees_far_inside_the_trajectory_tolerance(self):
        # The two Adams differ by an ulp after one step; Adam then amplifies that where the
        # momentum nearly cancels, which is why the 20-step trajectory has its own tolerance.
        report = self.report(0)
        self.assertLess(report.check("outputs").max_abs_diff, 1e-7)
        self.assertGreater(report.check("trajectory").max_abs_diff, 1e-4)
        self.assertTrue(report.check("trajectory").ok)

    def test_trajectory_records_a_sample_of_the_big_kernel(self):
        first_step = self.report(0).tf1.trajectory[0]
        self.assertNotIn("dense/kernel", first_step)
        self.assertEqual(first_step["dense/kernel[::7]"].shape, (448, 147))
        self.assertEqual(first_step["conv2d_1/kernel"].shape, (5, 5, 32, 64))

    @parameterized.expand(testing.SEEDS)
    @pytest.mark.slow  # a TF1 run and four TF2 runs per seed
    def test_planted_adam_changes_are_caught_step_by_step(self, seed):
        # A decaying learning rate, beta_1 0.95 and amsgrad, each against the unpatched control
        # on the same TF1 trace (PITFALLS #8: the whole trajectory drifts, one step does not).
        tracing.assert_adam_mistakes_caught(self, seed, tf2_cnn.HP)

    def test_planted_nchw_flatten_is_caught(self):
        # A port from channels-first code: the same 3136 numbers in another order (C, H, W).
        class ChannelsFirstFlatten(tf2_cnn.CNN):
            def call(self, images):
                x = self.pool2(self.conv2(self.pool1(self.conv1(images))))
                x = self.flatten(tf.transpose(x, [0, 3, 1, 2]))
                return self.dense2(self.dense1(x))
        self.assert_caught("outputs", steps=1, CNN=ChannelsFirstFlatten)

    def test_planted_keras_default_adam_epsilon_is_caught(self):
        # PITFALLS #7: Keras' Adam epsilon 1e-7 against TF1's 1e-8.
        report = self.assert_caught("outputs", steps=1, HP=dataclasses.replace(
            tf2_cnn.HP, adam_epsilon=keras.optimizers.Adam().epsilon))
        self.assertGreater(report.check("outputs").max_abs_diff,
                           100 * tolerances.FLOAT32_FORWARD.atol)

    def test_planted_wrong_learning_rate_is_caught(self):
        self.assert_caught("outputs", steps=1, HP=dataclasses.replace(
            tf2_cnn.HP, learning_rate=1.1e-3))

    def test_planted_softmax_then_crossentropy_is_caught(self):
        # PITFALLS #11: the loss taken on probabilities.
        def on_probabilities(labels, logits):
            return keras.losses.SparseCategoricalCrossentropy()(labels, tf.nn.softmax(logits))
        self.assert_caught("loss", steps=1, compute_loss=on_probabilities)

    def test_planted_forgotten_metric_reset_is_caught(self):
        # PITFALLS #17: a metric not reset between evaluations.
        self.assert_caught("metrics", steps=3, evaluate=forgetful_evaluate)


@pytest.mark.slow
def test_full_pass_trains_both_sides_alike(tmp_path, capsys):
    code = cli.main(["compare", "cnn", "--train", "--json", "--plot", str(tmp_path / "cnn.png")])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["equivalent"], result
    assert result["eval_accuracy"]["tf1"] >= 0.95 and result["eval_accuracy"]["tf2"] >= 0.95
