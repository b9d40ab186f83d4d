"""dqn: placeholders + Session.run + AdamOptimizer vs keras.Model + GradientTape + tf.function.

Besides the base class's checks (network outputs, targets, loss and gradients on a fixed batch
of CartPole transitions, 50 Adam updates, and 20 played episodes), this file explains any
different action of the played episodes (a near tie that rounding flipped, or a real
difference), checks that the tf.functions trace once, and plants the migration's mistakes.
"""
import dataclasses
import os
import tempfile

from unittest import mock

import keras
import numpy as np
import pytest
import tensorflow as tf
from parameterized import parameterized

from tf1to2 import testing
from tf1to2 import cli, harness, hparams, rl, tolerances
from tf1to2.errors import UserError
from tf2_style import dqn as tf2_dqn

HP = hparams.DQN


class TargetInsideTape(tf2_dqn.Agent):
    """Computes y under the tape: the gradient also flows through max_a Q(s', a)."""

    @tf.function
    def compute_gradients(self, states, actions, rewards, next_states, dones):
        with tf.GradientTape() as tape:
            targets = tf2_dqn.compute_targets(rewards, self.model(next_states), dones)
            loss = tf2_dqn.compute_loss(targets, self.model(states), actions)
        return targets, loss, tape.gradient(loss, self.model.trainable_variables)


class Float64Rewards(tf2_dqn.Agent):
    """Feeds float64 rewards, as the handbook's `map(np.array, zip(*batch))` made them."""

    def compute_gradients(self, states, actions, rewards, next_states, dones):
        return super().compute_gradients(states, actions, rewards.astype(np.float64),
                                         next_states, dones)


class BatchReadInsideFunction(tf2_dqn.Agent):
    """Reads the replay batch from a Python attribute inside the tf.function (PITFALLS #22)."""

    def update(self, states, actions, rewards, next_states, dones):
        self.batch = (states, actions, rewards, next_states, dones)
        return self.update_with_latest_batch()

    @tf.function
    def update_with_latest_batch(self):
        # Python runs only while tracing: the first batch is frozen into the graph as constants.
        _, loss, gradients = self.compute_gradients(*self.batch)
        self.optimizer.apply_gradients(zip(gradients, self.model.trainable_variables))
        return loss


def summed_loss(targets, q_values, actions):
    """Reduction "sum" on [N, 1] columns: the squared errors summed over the batch.

    (On 1-D [N] tensors Keras's MSE already averages over the last axis, which is the batch, so
    the reduction has nothing left to reduce and "sum" would silently give the mean.)
    """
    q_taken = tf.reduce_sum(q_values * tf.one_hot(actions, depth=rl.ACTIONS), axis=1)
    return keras.losses.MeanSquaredError(reduction="sum")(targets[:, tf.newaxis],
                                                          q_taken[:, tf.newaxis])


def masked_loss(targets, q_values, actions):
    """TF1's other idiom, `mean_squared_error(y, Q, weights=one_hot)`, ported to Keras weights.

    TF1 divides by the 32 nonzero weights (SUM_BY_NONZERO_WEIGHTS); Keras's
    sum_over_batch_size divides by all 64 weighted elements (PITFALLS #12).
    """
    every_action_target = tf.repeat(targets[:, tf.newaxis], rl.ACTIONS, axis=1)
    return keras.losses.MeanSquaredError()(every_action_target[..., tf.newaxis],
                                           q_values[..., tf.newaxis],
                                           sample_weight=tf.one_hot(actions, depth=rl.ACTIONS))


class DqnTest(testing.EquivalenceTest):
    EXAMPLE = "dqn"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")

    @parameterized.expand(testing.SEEDS)
    def test_played_episodes_differ_only_at_near_ties(self, seed):
        report = self.report(seed)
        tf1_metrics, tf2_metrics = report.tf1.metrics, report.tf2.metrics
        divergence = rl.first_divergence(tf1_metrics, tf2_metrics, tolerances.DQN_EPISODES)
        near_ties = rl.near_ties(tf1_metrics, tolerances.DQN_EPISODES)
        # Both sides count the same decisions as near ties (they take the same decisions).
        self.assertEqual(near_ties, rl.near_ties(tf2_metrics, tolerances.DQN_EPISODES))
        print(f"dqn seed {seed}: {len(tf1_metrics['actions'])} actions, "
              f"{int(tf1_metrics['greedy'].sum())} greedy, {near_ties} within the rounding margin")
        if divergence is not None:
            self.assertTrue(divergence.near_tie, str(divergence))

    def test_tf_functions_trace_once(self):
        # The loop passes numpy arrays of fixed shapes and dtypes, never Python numbers that
        # change (PITFALLS #22): one trace each (the update traces twice on its first call,
        # while the optimizer creates its slot variables).
        agent = tf2_dqn.Agent(0)
        for batch in rl.check_batches(0, 5, HP):
            agent.update(*batch)
            agent.act(batch.states[0])
        self.assertEqual(agent.greedy_action.experimental_get_tracing_count(), 1)
        self.assertLessEqual(agent.update.experimental_get_tracing_count(), 2)

    def test_planted_target_not_held_constant_is_caught(self):
        report = self.assert_caught("gradients", Agent=TargetInsideTape)
        self.assertTrue(report.check("loss").ok)  # the same loss value, a different gradient

    def test_planted_float64_rewards_is_caught(self):
        # PITFALLS #29: the same values in another dtype.
        # TF1's float32 placeholder casts a float64 feed silently; in a tf.function the float64
        # rewards meet float32 Q-values and AddV2 refuses them. With gamma = 1 the silent cast
        # costs nothing (r + max Q is exact in float32), so the refusal is what catches it.
        # A side that raises is reported as such (exit 3), not as a verdict.
        with mock.patch.object(tf2_dqn, "Agent", Float64Rewards):
            report = harness.compare(self.EXAMPLE, seed=0, steps=1)
        self.assertRegex(report.error, "TF2 side raised TypeError: .*(float64|double)")

    def test_planted_summed_loss_is_caught(self):
        report = self.assert_caught("loss", compute_loss=summed_loss)
        ratio = report.tf2.loss["loss"] / report.tf1.loss["loss"]
        self.assertAlmostEqual(float(ratio), HP.batch_size, places=3)

    def test_planted_masked_mean_is_caught(self):
        report = self.assert_caught("loss", compute_loss=masked_loss)
        ratio = report.tf2.loss["loss"] / report.tf1.loss["loss"]
        self.assertAlmostEqual(float(ratio), 1 / rl.ACTIONS, places=5)

    def test_planted_default_adam_epsilon_is_caught(self):
        # PITFALLS #7: Keras' Adam epsilon 1e-7 against TF1's 1e-8.
        self.assert_caught("trajectory", build_optimizer=lambda: keras.optimizers.Adam(
            learning_rate=HP.learning_rate))

    def test_planted_batch_read_inside_tf_function_is_caught(self):
        # PITFALLS #22: a Python attribute read once, at trace time.
        self.assert_caught("losses", Agent=BatchReadInsideFunction)

    def test_planted_wrong_gamma_is_caught(self):
        self.assert_caught("outputs", HP=dataclasses.replace(HP, gamma=0.99))

    def test_swapped_name_map_is_refused(self):
        original = tf2_dqn.tf1_names

        def swapped(model):
            names = original(model)
            names["dense/kernel"], names["dense_1/kernel"] = (names["dense_1/kernel"],
                                                              names["dense/kernel"])
            return names
        with mock.patch.object(tf2_dqn, "tf1_names", swapped):
            with self.assertRaisesRegex(UserError, "dense/kernel has shape"):
                harness.compare(self.EXAMPLE, steps=1)

    def test_bad_episode_count_is_a_user_error(self):
        self.assertEqual(cli.main(["compare", "dqn", "--train", "--episodes", "0"]), 2)

    @pytest.mark.slow
    def test_main_job_agrees(self):
        with tempfile.TemporaryDirectory() as directory:
            plot = os.path.join(directory, "dqn.png")
            self.assertEqual(cli.main(["compare", "dqn", "--train", "--episodes",
                                       str(HP.train_episodes), "--plot", plot]), 0)
            self.assertTrue(os.path.getsize(plot) > 0)


def test_main_job_json_is_all_that_stdout_holds(tmp_path, capsys):
    import json
    code = cli.main(["compare", "dqn", "--train", "--episodes", "2", "--json",
                     "--plot", str(tmp_path / "dqn.png")])
    out, err = capsys.readouterr()
    result = json.loads(out)  # the progress lines went to stderr
    assert code == 0 and result["agree"] and len(result["scores"]["tf1"]) == 2, result
    assert set(result["mean_score"]) == {"tf1", "tf2"}  # the headline docs/results.md shows
    assert err.startswith("dqn: 2 episodes")
