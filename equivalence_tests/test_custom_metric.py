"""custom_metric: tf.metrics.accuracy and a local-variable metric vs Keras metric objects."""
import contextlib
import dataclasses
from unittest import mock

import keras
import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1
from parameterized import parameterized

from tf1to2 import harness, testing
from tf1_style import custom_metric as tf1_custom_metric
from tf2_style import custom_metric as tf2_custom_metric

HP = tf2_custom_metric.HP
EVALUATIONS = [f"evaluation_{number}" for number in range(1, len(HP.skills) + 1)]


class CustomMetricTest(testing.EquivalenceTest):
    EXAMPLE = "custom_metric"
    QUANTITIES = ("outputs", "metrics")

    @parameterized.expand(testing.SEEDS)
    def test_custom_metric_matches_tf_metrics_accuracy_and_keras_own(self, seed):
        report = self.report(seed)
        for evaluation in EVALUATIONS:
            tf1_accuracy = report.tf1.metrics[evaluation]["accuracy"]
            tf2_custom = report.tf2.metrics[evaluation]["sparse_categorical_accuracy"]
            tf2_keras = report.tf2.metrics[evaluation]["accuracy"]
            np.testing.assert_array_equal(tf2_custom, tf1_accuracy)
            np.testing.assert_array_equal(tf2_custom, tf2_keras)
            # One value after the reset (0) and one after each batch; the last is the plain mean.
            self.assertEqual(len(tf2_custom), len(HP.batch_sizes) + 1)
            self.assertEqual(tf2_custom[0], 0.0)
            predictions = report.tf2.outputs[evaluation]
            self.assertEqual(len(predictions), sum(HP.batch_sizes))

    def test_state_keeps_tf1_meanings(self):
        state = self.report(0).tf2.metrics["evaluation_2"]["state"]
        samples = sum(HP.batch_sizes)
        self.assertEqual(state["accuracy/count"], samples)               # Keras Mean: samples
        self.assertEqual(state["sparse_categorical_accuracy/total"], samples)  # handbook: samples
        self.assertEqual(state["accuracy/total"], state["sparse_categorical_accuracy/count"])

    def test_result_dtypes(self):
        # TF divides int32 by int32 in float64; Keras 3 variables follow Keras' promotion (float32).
        metric = tf2_custom_metric.SparseCategoricalAccuracy()
        self.assertEqual(metric.result().dtype, tf.float32)
        self.assertEqual((tf.constant(3) / tf.constant(4)).dtype, tf.float64)
        self.assertEqual((metric.count / metric.total).dtype, "float32")
        with tf1.Graph().as_default():
            self.assertEqual((tf1.constant(3) / tf1.constant(4)).dtype, tf.float64)

    def test_keras3_renamed_reset_states_to_reset_state(self):
        metric = keras.metrics.SparseCategoricalAccuracy()
        self.assertTrue(hasattr(metric, "reset_state"))
        self.assertFalse(hasattr(metric, "reset_states"))

    def test_tf1_metrics_need_local_variables_initializer(self):
        with tf1.Graph().as_default():
            labels = tf1.placeholder(tf.int32, [None])
            logits = tf1.placeholder(tf.float32, [None, HP.classes])
            metrics = tf1_custom_metric.build_metrics(labels, logits)
            with tf1.Session() as session:
                session.run(tf1.global_variables_initializer())  # not the local ones
                with self.assertRaises(tf.errors.OpError):
                    session.run(metrics["accuracy"][1],
                                {labels: [1], logits: np.eye(HP.classes)[[1]]})

    def test_planted_forgotten_reset_is_caught(self):
        # PITFALLS #17: a metric not reset between streams.
        def evaluate_without_reset(metrics, batches):
            running = {name: [metric.result().numpy()] for name, metric in metrics.items()}
            for batch_labels, batch_logits in batches:
                for name, metric in metrics.items():
                    metric.update_state(batch_labels, batch_logits)
                    running[name].append(metric.result().numpy())
            return running
        report = self.assert_caught("metrics", evaluate=evaluate_without_reset)
        self.assertGreater(report.check("metrics").max_abs_diff, 0.1)

    def test_planted_counting_in_uint8_is_caught(self):
        # More than 255 correct predictions in the batch of 400 wrap around.
        class CountingInUint8(tf2_custom_metric.SparseCategoricalAccuracy):
            def update_state(self, y_true, y_pred, sample_weight=None):
                predictions = tf.argmax(y_pred, axis=-1, output_type=tf.int32)
                values = tf.cast(tf.equal(y_true, predictions), tf.uint8)
                self.total.assign_add(tf.shape(y_true)[0])
                self.count.assign_add(tf.cast(tf.reduce_sum(values), tf.int32))
        report = self.assert_caught("metrics", SparseCategoricalAccuracy=CountingInUint8)
        self.assertGreater(report.check("metrics").max_abs_diff, 0.1)

    def test_planted_mean_of_batch_accuracies_is_caught(self):
        # Averaging per-batch accuracies weighs a batch of 1 like a batch of 400.
        class MeanOfBatchAccuracies(tf2_custom_metric.SparseCategoricalAccuracy):
            def __init__(self, name="sparse_categorical_accuracy", **kwargs):
                keras.metrics.Metric.__init__(self, name=name, **kwargs)
                self.total = self.add_weight(name="total", shape=(), initializer="zeros")
                self.count = self.add_weight(name="count", shape=(), initializer="zeros")

            def update_state(self, y_true, y_pred, sample_weight=None):
                predictions = tf.argmax(y_pred, axis=-1, output_type=tf.int32)
                self.total.assign_add(1.0)
                self.count.assign_add(tf.reduce_mean(tf.cast(tf.equal(y_true, predictions),
                                                             tf.float32)))
        report = self.assert_caught("metrics", SparseCategoricalAccuracy=MeanOfBatchAccuracies)
        self.assertGreater(report.check("metrics").max_abs_diff, 0.01)

    def test_planted_handbook_division_is_caught(self):
        # The handbook's `count / total`: NaN before the first update (TF1 and Keras give 0).
        class HandbookResult(tf2_custom_metric.SparseCategoricalAccuracy):
            def result(self):
                return self.count / self.total
        report = self.assert_caught("metrics", SparseCategoricalAccuracy=HandbookResult)
        self.assertIn("NaN/inf differ", report.check("metrics").detail)

    def test_planted_argmax_over_wrong_axis_is_caught(self):
        class ArgmaxOverBatch(tf2_custom_metric.SparseCategoricalAccuracy):
            def update_state(self, y_true, y_pred, sample_weight=None):
                predictions = tf.argmax(y_pred, axis=0, output_type=tf.int32)
                values = tf.cast(tf.equal(y_true, predictions), tf.int32)
                self.total.assign_add(tf.shape(y_true)[0])
                self.count.assign_add(tf.reduce_sum(values))
        # With batches of other sizes than the 10 classes the shapes do not even broadcast ...
        # (a crash of a side is reported as such, not as a verdict):
        with self.assertRaisesRegex(harness.SideError, "TF2 side raised InvalidArgumentError"):
            self.assert_caught("metrics", SparseCategoricalAccuracy=ArgmaxOverBatch)
        # ... with batches of exactly 10 it runs and gives wrong values.
        tens = dataclasses.replace(HP, batch_sizes=(10,) * 5)
        with contextlib.ExitStack() as stack:
            stack.enter_context(mock.patch.object(tf1_custom_metric, "HP", tens))
            report = self.assert_caught("metrics", SparseCategoricalAccuracy=ArgmaxOverBatch,
                                        HP=tens)
        self.assertTrue(report.check("outputs").ok)

    def test_planted_swapped_state_names_is_caught(self):
        # tf.metrics.accuracy's total counts correct predictions; the handbook's counts samples.
        tf1_names = tf2_custom_metric.tf1_names

        def swapped(metrics):
            names = tf1_names(metrics)
            names["accuracy/total"], names["accuracy/count"] = (names["accuracy/count"],
                                                                names["accuracy/total"])
            return names
        self.assert_caught("metrics", tf1_names=swapped)
