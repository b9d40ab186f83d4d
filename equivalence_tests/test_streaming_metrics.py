"""streaming_metrics: tf.metrics.precision/mean on local variables vs Keras metric objects."""
import collections
import dataclasses

import keras
import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1
from parameterized import parameterized

from tf1to2 import data, testing
from tf2_style import streaming_metrics as tf2_metrics

HP = tf2_metrics.HP


def classifier_probabilities(seed=0):
    """The classifier stream of the check: (labels, probabilities of class 1) per batch."""
    return [(labels, 1 / (1 + np.exp(logits[:, 0] - logits[:, 1])))
            for labels, logits in data.classifier_batches(HP.batch_sizes, HP.skill, seed, 2)]


class StreamingMetricsTest(testing.EquivalenceTest):
    EXAMPLE = "streaming_metrics"
    QUANTITIES = ("outputs", "metrics")

    @parameterized.expand(["tf1", "tf2"])
    def test_book_numbers(self, side):
        metrics = getattr(self.report(0), side).metrics
        np.testing.assert_allclose(metrics["book_precision"], [0.8, 0.5], rtol=1e-7)
        np.testing.assert_array_equal(metrics["book_huber"], [14.0, 7.0])
        # The book's precision.variables after both batches: 4 true and 4 false positives.
        self.assertEqual(metrics["book_precision/state"], {
            "precision/true_positives/count": 4.0, "precision/false_positives/count": 4.0})
        self.assertEqual(metrics["book_huber/state"],
                         {"huber_metric/total": 21.0, "huber_metric/count": 3.0})

    def test_huber_metric_saves_its_threshold(self):
        metric = tf2_metrics.HuberMetric(2.0, name="huber_metric")
        config = metric.get_config()
        self.assertEqual(config["threshold"], 2.0)
        restored = tf2_metrics.HuberMetric.from_config(config)
        self.assertEqual((restored.threshold, restored.name), (2.0, "huber_metric"))
        restored.update_state(*[np.array(part, np.float32) for part in HP.huber_batches[0]])
        self.assertEqual(restored.result().numpy(), 14.0)

    def v1_precision(self, stream, threshold):
        """v1 precision over a stream of (labels, probabilities), thresholded or not."""
        with tf1.Graph().as_default():
            labels = tf1.placeholder(tf.int32, [None])
            probabilities = tf1.placeholder(tf.float32, [None])
            predictions = probabilities if threshold is None else probabilities > threshold
            value, update_op = tf1.metrics.precision(labels, predictions)
            with tf1.Session() as sess:
                sess.run(tf1.local_variables_initializer())
                for batch_labels, batch_probabilities in stream:
                    sess.run(update_op, {labels: batch_labels, probabilities: batch_probabilities})
                return sess.run(value)

    def test_v1_precision_counts_every_nonzero_probability_as_positive(self):
        # PITFALLS #17: v1 casts its predictions to bool. On probabilities every prediction is
        # then a positive, and precision becomes the share of positive labels.
        stream = classifier_probabilities(seed=0)
        raw = self.v1_precision(stream, threshold=None)
        thresholded = self.v1_precision(stream, threshold=HP.threshold)
        keras_precision = keras.metrics.Precision()
        for labels, probabilities in stream:
            keras_precision.update_state(labels, probabilities)
        self.assertEqual(thresholded, keras_precision.result().numpy())
        positives = np.concatenate([labels for labels, _ in stream]).mean()
        self.assertAlmostEqual(raw, positives, places=6)
        self.assertGreater(thresholded - raw, 0.2)  # measured: 0.79 vs 0.55

    def test_value_fetched_with_its_update_op_may_be_stale(self):
        # PITFALLS #33: sess.run([value, update_op]): nothing orders the read of `value` after the update, so
        # it is read before it (0), after it (0.8), or between the two counts' updates (1.0).
        with tf1.Graph().as_default():
            labels = tf1.placeholder(tf.int32, [None])
            predictions = tf1.placeholder(tf.float32, [None])
            value, update_op = tf1.metrics.precision(labels, predictions)
            reset = tf1.local_variables_initializer()
            seen = collections.Counter()
            with tf1.Session() as sess:
                for _ in range(50):
                    sess.run(reset)
                    fetched, updated = sess.run([value, update_op], dict(
                        zip((labels, predictions), HP.precision_batches[0])))
                    self.assertAlmostEqual(updated, 0.8, places=6)
                    seen[round(float(fetched), 6)] += 1
        self.assertLessEqual(set(seen), {0.0, 0.8, 1.0})

    def test_planted_metric_read_before_its_update_is_caught(self):
        """The TF2 form of PITFALLS #33 (a value read before its update), which also shows the
        empty metric's NaN (PITFALLS #35)."""
        def read_first(metric, batches):
            metric.reset_state()
            running = []
            for batch in batches:
                running.append(metric.result().numpy())
                metric.update_state(*batch)
            return running
        report = self.assert_caught("metrics", evaluate=read_first)
        # The book's result() is total / count: NaN before the first update (see below).
        self.assertTrue(np.isnan(report.tf2.metrics["book_huber"][0]))
        self.assertEqual(report.tf2.metrics["book_huber"][1], 14.0)

    def test_an_empty_huber_metric_is_nan_where_v1_mean_is_zero(self):
        # PITFALLS #35: v1 mean divides with div_no_nan; the book's HuberMetric divides plainly. The pair
        # reads its metrics only after an update, where they agree.
        with tf1.Graph().as_default():
            value, _ = tf1.metrics.mean(tf1.placeholder(tf.float32, [None]))
            with tf1.Session() as sess:
                sess.run(tf1.local_variables_initializer())
                self.assertEqual(sess.run(value), 0.0)
        self.assertTrue(np.isnan(tf2_metrics.HuberMetric(2.0).result().numpy()))

    def test_planted_forgotten_reset_is_caught(self):
        # PITFALLS #17: a metric not reset between streams.
        def without_reset(metric, batches):
            running = []
            for batch in batches:
                metric.update_state(*batch)
                running.append(metric.result().numpy())
            return running
        self.assert_caught("metrics", evaluate=without_reset)

    def test_planted_v1_nonzero_semantics_kept_is_caught(self):
        # PITFALLS #17: v1 precision's bool cast kept.
        # Keeping what v1 precision did to raw probabilities (every one a positive) by a
        # threshold of 0 changes the classifier's precision; the book's 0/1 predictions agree.
        report = self.assert_caught("metrics", HP=dataclasses.replace(HP, threshold=0.0))
        np.testing.assert_array_equal(report.tf2.metrics["book_precision"],
                                      report.tf1.metrics["book_precision"])

    def test_planted_huber_metric_counting_batches_is_caught(self):
        # A mean of batch means is not the book's metric: count values, not update calls.
        class PerBatch(tf2_metrics.HuberMetric):
            def update_state(self, y_true, y_pred, sample_weight=None):
                self.total.assign_add(tf.reduce_mean(self.huber_fn(y_true, y_pred)))
                self.count.assign_add(1.0)
        report = self.assert_caught("metrics", HuberMetric=PerBatch)
        self.assertEqual(report.tf2.metrics["book_huber"], [14.0, 8.75])
