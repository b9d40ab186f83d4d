"""mlp: tf.layers, AdamOptimizer and tf.metrics.accuracy vs a Keras 3 model, Adam and metric."""
import dataclasses
import json
from unittest import mock

import keras
import numpy as np
import pytest
from parameterized import parameterized
import tensorflow as tf

from tf1to2 import testing
from tf1to2 import cli, harness, tracing
from tf2_style import mlp as tf2_mlp

TF1_NAMES_IN_CREATION_ORDER = ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"]


def forgetful_evaluate(model, accuracy, images, labels):
    """`evaluate` without `reset_state()`: TF2's forgotten `local_variables_initializer`."""
    for start in range(0, len(labels), tf2_mlp.HP.eval_batch_size):
        accuracy.update_state(labels[start:start + tf2_mlp.HP.eval_batch_size],
                              model(images[start:start + tf2_mlp.HP.eval_batch_size]))
    return accuracy.result().numpy()


class DeclaredOutOfOrder(tf2_mlp.MLP):
    """The same model with its layers declared output first: Keras lists variables in that order."""
    def __init__(self):
        keras.Model.__init__(self)
        self.dense2 = keras.layers.Dense(units=tf2_mlp.MODEL.classes)
        self.dense1 = keras.layers.Dense(units=tf2_mlp.MODEL.hidden_units, activation="relu")
        self.flatten = keras.layers.Flatten()


class MlpTest(testing.EquivalenceTest):
    EXAMPLE = "mlp"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")

    def test_initial_weights_are_equal_by_seeding_alone(self):
        # alignment="seed": nothing is copied, so this is the proof that seeding aligns them.
        self.assertEqual(self.report(0).check("variables").max_abs_diff, 0.0)

    def test_twenty_steps_learn(self):
        metrics = self.report(0).tf1.metrics
        self.assertLess(metrics["eval_accuracy_initial"], 0.2)
        self.assertGreater(metrics["eval_accuracy"], 0.7)

    def test_given_initial_values_go_through_the_name_map(self):
        values = harness.random_initial_values(self.report(0).tf1.variables, seed=0, scale=0.05)
        report = harness.compare(self.EXAMPLE, seed=0, steps=0, initial_values=values)
        self.assertTrue(report.equivalent, report.table())
        np.testing.assert_array_equal(report.tf2.variables["dense_1/kernel"],
                                      values["dense_1/kernel"])

    def test_planted_softmax_then_crossentropy_is_caught(self):
        # The handbook's HEAD: a softmax at the end of the model, Keras' cross-entropy of the
        # probabilities, which clips them to [1e-7, 1 - 1e-7] (PITFALLS #11).
        def on_probabilities(labels, logits):
            return keras.losses.SparseCategoricalCrossentropy()(labels, tf.nn.softmax(logits))
        report = self.assert_caught("loss", compute_loss=on_probabilities)
        self.assertGreater(report.check("loss").max_abs_diff, 1.0)
        # In tf.function Keras 3 finds the Softmax op and uses its input, so training is not
        # affected: only the eagerly computed confident-logits loss shows the mistake.
        self.assertTrue(report.check("losses").ok)

    def test_planted_keras_default_adam_epsilon_is_caught(self):
        # PITFALLS #7: Keras' Adam epsilon 1e-7 against TF1's 1e-8.
        report = self.assert_caught("trajectory", HP=dataclasses.replace(
            tf2_mlp.HP, adam_epsilon=keras.optimizers.Adam().epsilon))
        self.assertFalse(report.check("outputs").ok)  # already after the first step

    def test_adam_epsilon_defaults_differ(self):
        # TF1's default is the shared hyperparameter; Keras' is ten times larger (PITFALLS #7).
        self.assertEqual(tf.compat.v1.train.AdamOptimizer(1e-3)._epsilon,
                         tf2_mlp.HP.adam_epsilon)
        self.assertEqual(keras.optimizers.Adam().epsilon, 1e-7)

    def test_planted_forgotten_metric_reset_is_caught(self):
        # PITFALLS #17: a metric not reset between evaluations.
        report = self.assert_caught("metrics", evaluate=forgetful_evaluate)
        self.assertGreater(report.check("metrics").max_abs_diff, 0.1)

    def test_planted_column_major_flatten_is_caught(self):
        class ColumnMajor(tf2_mlp.MLP):
            def call(self, images):
                return super().call(tf.transpose(images, [0, 2, 1, 3]))
        self.assert_caught("outputs", MLP=ColumnMajor)

    def test_planted_wrong_learning_rate_is_caught(self):
        report = self.assert_caught("trajectory", HP=dataclasses.replace(
            tf2_mlp.HP, learning_rate=1.1e-3))
        self.assertFalse(report.check("outputs").ok)  # already after the first step

    @parameterized.expand(testing.SEEDS)
    def test_planted_adam_changes_are_caught_step_by_step(self, seed):
        # A decaying learning rate, beta_1 0.95 and amsgrad, each against the unpatched control
        # on the same TF1 trace (PITFALLS #8: the whole trajectory drifts, one step does not).
        tracing.assert_adam_mistakes_caught(self, seed, tf2_mlp.HP)

    def test_planted_name_map_by_model_variables_order_is_caught(self):
        # Keras lists model.variables in the order the layers were declared in __init__; TF1
        # lists them in the order they were created (called). Zipping the two is not a map.
        model = DeclaredOutOfOrder()
        model(np.zeros((1, 28, 28, 1), np.float32))
        self.assertEqual([tuple(v.shape) for v in model.variables],
                         [(100, 10), (10,), (784, 100), (100,)])

        def by_order(model):
            return dict(zip(TF1_NAMES_IN_CREATION_ORDER, model.variables))
        report = self.assert_caught("variables", MLP=DeclaredOutOfOrder, tf1_names=by_order,
                                    steps=1)
        self.assertIn("shape", report.check("variables").detail)


def test_train_job_on_few_batches(tmp_path, capsys):
    plot = tmp_path / "mlp.png"
    code = cli.main(["compare", "mlp", "--train", "--steps", "5", "--plot", str(plot)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("data: ") and "eval accuracy: TF1 " in out
    assert "mlp (seed 0, 5 steps): EQUIVALENT" in out and str(plot) in out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_train_job_takes_100_steps_per_call_and_a_planted_mistake_shows(tmp_path, capsys):
    # The job's TF2 side is the fast form: 250 batches in calls of 1, 100, 100 and 49 steps;
    # TF1 runs its Session loop. Control first, then a doubled learning rate.
    sizes, calls = [], tracing._Recorder.calls

    def spied(recorder, batches, steps_per_call):
        for first, stacked in calls(recorder, batches, steps_per_call):
            sizes.append(len(stacked[0]))
            yield first, stacked
    argv = ["compare", "mlp", "--train", "--steps", "250", "--json",
            "--plot", str(tmp_path / "mlp.png")]
    with mock.patch.object(tracing._Recorder, "calls", spied):
        code = cli.main(argv)
    control = json.loads(capsys.readouterr().out)
    assert code == 0 and control["equivalent"], control
    assert sizes == [1, 100, 100, 49]
    doubled = dataclasses.replace(tf2_mlp.HP, learning_rate=2 * tf2_mlp.HP.learning_rate)
    with mock.patch.object(tf2_mlp, "HP", doubled):
        code = cli.main(argv)
    planted = json.loads(capsys.readouterr().out)
    assert code == 1 and not planted["equivalent"]
    losses = next(check for check in planted["checks"] if check["quantity"] == "losses")
    assert not losses["ok"], losses


def test_train_job_refuses_zero_batches(capsys):
    assert cli.main(["compare", "mlp", "--train", "--steps", "0"]) == 2
    assert "must be 1 or more" in capsys.readouterr().err


@pytest.mark.slow
def test_full_pass_reaches_90_percent_on_both_sides(tmp_path, capsys):
    code = cli.main(["compare", "mlp", "--train", "--json", "--plot", str(tmp_path / "mlp.png")])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["equivalent"], result
    assert result["eval_accuracy"]["tf1"] >= 0.90 and result["eval_accuracy"]["tf2"] >= 0.90
