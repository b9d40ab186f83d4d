"""Streaming metrics: precision and a streaming Huber metric over batches, TF2 style (Keras 3).

Source: Géron, Hands-On ML 2nd ed., ch. 12, "Custom Metrics" (notebook 12 cells [99]-[133]):
`keras.metrics.Precision` and the book's `HuberMetric`. Precision is 0.8 after the book's first
batch and 0.5 after both; the Huber metric (threshold 2) is 14 after its first batch and 7 after
both. Then the same metrics stream over a pretend classifier's probabilities and scores.

What changed from TF1:
- each `tf.metrics.*` (value, update_op) pair over LOCAL variables became a metric object:
  `keras.metrics.Precision`, and the book's `HuberMetric(keras.metrics.Metric)` subclass with
  `add_weight`, `update_state`, `result` and a `get_config` that saves its threshold;
- `sess.run(tf.local_variables_initializer())` became `reset_state()`;
- v1 precision counts every nonzero prediction as positive, so the TF1 code thresholds the
  probabilities itself; Keras' Precision thresholds at 0.5.
"""
import keras
import numpy as np
import tensorflow as tf

from tf1to2 import data, mapping
from tf1to2.harness import Trace
from tf1to2.hparams import geron

HP = geron.STREAMING_METRICS


def create_huber(threshold):
    def huber_fn(y_true, y_pred):
        error = y_true - y_pred
        is_small_error = tf.abs(error) < threshold
        squared_loss = tf.square(error) / 2
        linear_loss = threshold * tf.abs(error) - threshold ** 2 / 2
        return tf.where(is_small_error, squared_loss, linear_loss)
    return huber_fn


class HuberMetric(keras.metrics.Metric):
    """The book's streaming Huber metric: the sum of the Huber losses over the values seen."""

    def __init__(self, threshold=1.0, **kwargs):
        super().__init__(**kwargs)
        self.threshold = threshold
        self.huber_fn = create_huber(threshold)
        self.total = self.add_weight(name="total", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        metric = self.huber_fn(y_true, y_pred)
        self.total.assign_add(tf.reduce_sum(metric))
        self.count.assign_add(tf.cast(tf.size(y_true), tf.float32))

    def result(self):
        return self.total / self.count

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


def build_metrics():
    """Each metric as an object that holds its own state; reset_state() resets it."""
    # Keras' Precision counts a prediction as positive when it is > 0.5 (its default threshold).
    return {"precision": keras.metrics.Precision(thresholds=HP.threshold, name="precision"),
            "huber": HuberMetric(HP.huber_threshold, name="huber_metric")}


def evaluate(metric, batches):
    """Reset the metric, then stream the batches through it: its value after each."""
    metric.reset_state()
    running = []
    for batch in batches:
        metric.update_state(*batch)
        running.append(metric.result().numpy())
    return running


def tf1_names(metrics):
    """The name map: each TF1 local variable and the metric variable that replaces it.

    Keras' Precision keeps one count per threshold (shape [1]); v1 keeps a scalar.
    """
    def scalar(variable):
        return mapping.Converted(variable, lambda value: np.reshape(value, [1]),
                                 lambda value: np.reshape(value, []))
    precision, huber = metrics["precision"], metrics["huber"]
    return {"precision/true_positives/count": scalar(precision.true_positives),
            "precision/false_positives/count": scalar(precision.false_positives),
            "huber_metric/total": huber.total, "huber_metric/count": huber.count}


def trace(seed=0, steps=0, initial_values=None):
    """The book's two streams, then a classifier's batches (drawn with ``seed``)."""
    # The classifier: probabilities of class 1 and its scores as regressions of the 0/1 labels.
    scores = [(labels, logits[:, 1] - logits[:, 0]) for labels, logits in
              data.classifier_batches(HP.batch_sizes, HP.skill, seed=seed, classes=2)]
    streams = {"book_precision": [(np.array(labels, np.int32), np.array(predictions, np.float32))
                                  for labels, predictions in HP.precision_batches],
               "book_huber": [(np.array(y_true, np.float32), np.array(y_pred, np.float32))
                              for y_true, y_pred in HP.huber_batches],
               "classifier_precision": [(labels, 1 / (1 + np.exp(-score)))
                                        for labels, score in scores],
               "classifier_huber": [(labels[:, np.newaxis].astype(np.float32), score[:, np.newaxis])
                                    for labels, score in scores]}
    metrics = build_metrics()
    huber_fn = create_huber(HP.huber_threshold)
    state = tf1_names(metrics)

    result = Trace()
    for name, batches in streams.items():
        metric = "precision" if "precision" in name else "huber"
        result.metrics[name] = evaluate(metrics[metric], batches)
        result.metrics[f"{name}/state"] = {key: value for key, value in mapping.read(state).items()
                                           if key.startswith(metric)}
        if metric == "huber":
            result.outputs.update({f"{name}/{number}": huber_fn(*batch).numpy()
                                   for number, batch in enumerate(batches)})
    return result


def main():
    result = trace()
    for name, values in result.metrics.items():
        if not name.endswith("/state"):
            print(f"{name} after each batch:", np.round(values, 4).tolist())


if __name__ == "__main__":
    main()
