"""keras_pipeline: a Session epoch loop with streaming metrics vs compile/fit/evaluate/predict.

Both Keras APIs of the handbook are compared with the one TF1 graph: the Sequential model in
KerasPipelineSequentialTest (with the planted mistakes), the Functional model in
KerasPipelineFunctionalTest.
"""
import dataclasses
from unittest import mock

import keras
import numpy as np
from parameterized import parameterized

from tf1to2 import testing
from tf1to2 import data, harness, tolerances
from tf2_style import keras_pipeline as tf2_keras_pipeline

HP = tf2_keras_pipeline.HP
PIPELINE = tf2_keras_pipeline.PIPELINE
BATCHES_PER_EPOCH = PIPELINE.train_images // HP.batch_size


class UsesKerasApi:
    """Runs the whole test class with the TF2 side building its model with ``API``."""
    API = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._api = mock.patch.object(tf2_keras_pipeline, "PIPELINE",
                                     dataclasses.replace(PIPELINE, api=cls.API))
        cls._api.start()

    @classmethod
    def tearDownClass(cls):
        cls._api.stop()
        super().tearDownClass()

    def test_builds_with_its_api(self):
        images = np.zeros((1, 28, 28, 1), np.float32)
        model = tf2_keras_pipeline.build_model(images)
        self.assertEqual(isinstance(model, keras.Sequential), self.API == "sequential")
        self.assertEqual([layer.name for layer in model.layers if layer.weights],
                         ["hidden", "logits"])

    @parameterized.expand(testing.SEEDS)
    def test_first_forward_pass_is_exact(self, seed):
        # The outputs tolerance allows for the Adam drift in the logits after training; the
        # logits before training are compared on their own, strictly.
        report = self.report(seed)
        np.testing.assert_allclose(report.tf2.outputs["logits"], report.tf1.outputs["logits"],
                                   rtol=tolerances.FLOAT32_FORWARD.rtol,
                                   atol=tolerances.FLOAT32_FORWARD.atol)

    def test_fit_logs_the_running_mean_of_batch_losses(self):
        report = self.report(0)
        self.assertEqual(len(report.tf2.losses), PIPELINE.epochs * BATCHES_PER_EPOCH)
        for epoch, logged in enumerate(report.tf2.metrics["epoch_loss"]):
            start = epoch * BATCHES_PER_EPOCH
            batch_losses = report.tf2.losses[start:start + BATCHES_PER_EPOCH]
            self.assertAlmostEqual(logged, np.mean(batch_losses), places=5)
            self.assertNotAlmostEqual(logged, batch_losses[-1], places=2)


class KerasPipelineSequentialTest(UsesKerasApi, testing.EquivalenceTest):
    EXAMPLE = "keras_pipeline"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")
    API = "sequential"

    def test_same_batches_in_the_same_order(self):
        mnist = data.mnist_subset(data.mnist(HP.check_data_source), PIPELINE.train_images,
                                  PIPELINE.eval_images)
        epochs = list(data.epoch_arrays(mnist, HP.batch_size, 2, seed=0))
        batches = list(data.epoch_batches(mnist, HP.batch_size, 2, seed=0))
        np.testing.assert_array_equal(np.concatenate([labels for _, labels in epochs]),
                                      np.concatenate([labels for _, labels in batches]))
        self.assertFalse(np.array_equal(epochs[0][1], epochs[1][1]))  # reshuffled per epoch

    def test_partial_last_epoch(self):
        # 25 steps: one epoch of 20 batches, then the first 5 batches of the next.
        report = self.assert_equivalent_with(steps=25)
        self.assertEqual(len(report.tf2.losses), 25)
        self.assertEqual(len(report.tf2.metrics["epoch_loss"]), 2)

    def assert_equivalent_with(self, steps):
        report = harness.compare(self.EXAMPLE, seed=0, steps=steps)
        self.assertTrue(report.equivalent, report.table())
        return report

    def test_planted_shuffle_left_on_is_caught(self):
        fit = keras.Model.fit

        def fit_with_shuffle(model, *args, **kwargs):
            return fit(model, *args, **dict(kwargs, shuffle=True))
        report = self.assert_caught(
            "losses", patches=[mock.patch.object(keras.Model, "fit", fit_with_shuffle)])
        self.assertGreater(report.check("losses").max_abs_diff, 0.1)

    def test_planted_default_adam_epsilon_is_caught(self):
        # PITFALLS #7: Keras' Adam epsilon 1e-7 against TF1's 1e-8.
        report = self.assert_caught("trajectory", HP=dataclasses.replace(HP, adam_epsilon=1e-7))
        self.assertGreater(report.check("trajectory").max_abs_diff, 1e-3)

    def test_planted_softmax_output_with_from_logits_is_caught(self):
        # PITFALLS #11: probabilities where the loss expects logits.
        build_model = tf2_keras_pipeline.build_model

        def build_model_with_softmax(images):
            model = build_model(images)
            return keras.Model(model.inputs, keras.layers.Softmax()(model.outputs[0]))
        with self.assertWarnsRegex(UserWarning, "from_logits=True"):
            report = self.assert_caught("outputs", build_model=build_model_with_softmax)
        self.assertGreater(report.check("outputs").max_abs_diff, 1.0)
        # Keras 3 (TensorFlow backend) recognises a Softmax output and takes its input as the
        # logits, warning about from_logits=True: the training itself is unchanged.
        self.assertTrue(report.check("loss").ok and report.check("trajectory").ok)

    def test_planted_running_mean_taken_as_batch_loss_is_caught(self):
        class RecordRunningMean(tf2_keras_pipeline.RecordSteps):
            def on_train_batch_end(self, batch, logs=None):
                self.recorder.record(float(logs["loss"]))
        report = self.assert_caught("losses", RecordSteps=RecordRunningMean)
        self.assertGreater(report.check("losses").max_abs_diff, 0.1)


class KerasPipelineFunctionalTest(UsesKerasApi, testing.EquivalenceTest):
    EXAMPLE = "keras_pipeline"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")
    API = "functional"
    # The name map is the same function for both APIs; the Sequential class tests it from random
    # starts, which keeps this file within its time budget.
    RANDOM_START = False
