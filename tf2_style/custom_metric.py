"""Streaming accuracy: `keras.metrics.SparseCategoricalAccuracy` and a custom `Metric`, TF2 style.

Source: TensorFlow handbook (snowkylin), "Models and layers", the custom metric
`SparseCategoricalAccuracy` of `utils.py` (lines 22-34) at 18d858d.
Two evaluations of a classifier's logits, each over batches of different sizes, each starting
from a reset; after every batch the running accuracy is read.

What changed from TF1:
- `tf.metrics.accuracy` (a (value, update_op) pair over LOCAL variables) became the metric
  object `keras.metrics.SparseCategoricalAccuracy` with `update_state` and `result`;
- the hand-written metric (int32 local variables and `assign_add` ops) became a
  `keras.metrics.Metric` subclass with `add_weight`, `update_state`, `result`, `reset_state`;
- `sess.run(tf.local_variables_initializer())` before each evaluation became `reset_state()`.
"""
import keras
import numpy as np
import tensorflow as tf

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.CUSTOM_METRIC


class SparseCategoricalAccuracy(keras.metrics.Metric):
    """The handbook's metric: samples seen (total) and correct predictions (count), in int32."""

    def __init__(self, name="sparse_categorical_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_weight(name="total", shape=(), dtype="int32", initializer="zeros")
        self.count = self.add_weight(name="count", shape=(), dtype="int32", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        predictions = tf.argmax(y_pred, axis=-1, output_type=tf.int32)
        values = tf.cast(tf.equal(y_true, predictions), tf.int32)
        self.total.assign_add(tf.shape(y_true)[0])
        self.count.assign_add(tf.reduce_sum(values))

    def result(self):
        # The handbook's `count / total` is NaN before the first update: divide in float32, with 0
        # for an empty metric, as tf.metrics.accuracy and Keras' own metric do.
        return tf.math.divide_no_nan(tf.cast(self.count, tf.float32),
                                     tf.cast(self.total, tf.float32))

    def reset_state(self):  # Keras 3 name; Keras 2 called it reset_states
        self.total.assign(0)
        self.count.assign(0)


def build_metrics():
    """Each metric as an object that holds its own state."""
    return {"accuracy": keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
            "sparse_categorical_accuracy": SparseCategoricalAccuracy()}


def evaluate(metrics, batches):
    """Reset the metrics, then update them batch by batch: their values after the reset and
    after each update."""
    for metric in metrics.values():
        metric.reset_state()
    running = {name: [metric.result().numpy()] for name, metric in metrics.items()}
    for batch_labels, batch_logits in batches:
        for name, metric in metrics.items():
            metric.update_state(batch_labels, batch_logits)
            running[name].append(metric.result().numpy())
    return running


def tf1_names(metrics):
    """The name map: each TF1 local variable and the metric variable that replaces it.

    Note the swapped meanings: tf.metrics.accuracy's `total` sums the correct predictions and
    its `count` the samples (like Keras' Mean), while the handbook's metric has them the other
    way round.
    """
    accuracy, custom = metrics["accuracy"], metrics["sparse_categorical_accuracy"]
    return {"accuracy/total": accuracy.total, "accuracy/count": accuracy.count,
            "sparse_categorical_accuracy/total": custom.total,
            "sparse_categorical_accuracy/count": custom.count}


def trace(seed=0, steps=0, initial_values=None):
    metrics = build_metrics()
    state = tf1_names(metrics)

    result = Trace()
    for evaluation, skill in enumerate(HP.skills, 1):
        batches = data.classifier_batches(HP.batch_sizes, skill, seed=[seed, evaluation],
                                          classes=HP.classes)
        key = f"evaluation_{evaluation}"
        result.outputs[key] = np.concatenate([tf.argmax(batch_logits, axis=-1, output_type=tf.int32)
                                              for _, batch_logits in batches])
        result.metrics[key] = evaluate(metrics, batches)
        result.metrics[key]["state"] = mapping.read(state)
    return result


def main():
    result = trace()
    for evaluation, values in result.metrics.items():
        for name in ("accuracy", "sparse_categorical_accuracy"):
            print(f"{evaluation}, {name} after each batch:", np.round(values[name][1:], 4))


if __name__ == "__main__":
    main()
