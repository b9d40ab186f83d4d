"""Streaming accuracy: `tf.metrics.accuracy` and a hand-written version, TF1 graph style.

Source: TensorFlow handbook (snowkylin), "Models and layers", the custom metric
`SparseCategoricalAccuracy` of `utils.py` (lines 22-34) at 18d858d, written here as TF1 code.
Two evaluations of a classifier's logits, each over batches of different sizes, each starting
from a reset; after every batch the running accuracy is read.

What changes in TF2:
- `tf.metrics.accuracy` (a (value, update_op) pair over LOCAL variables) becomes the metric
  object `keras.metrics.SparseCategoricalAccuracy` with `update_state` and `result`;
- the hand-written metric (int32 local variables and `assign_add` ops) becomes a
  `keras.metrics.Metric` subclass with `add_weight`, `update_state`, `result`, `reset_state`;
- `sess.run(tf.local_variables_initializer())` before each evaluation becomes `reset_state()`.
"""
import tensorflow.compat.v1 as tf
import numpy as np

from tf1to2 import data, hparams
from tf1to2.harness import Trace

HP = hparams.CUSTOM_METRIC


def build_metrics(labels, logits):
    """Each metric as a (value, update_op) pair; their state lives in LOCAL variables."""
    predictions = tf.argmax(logits, axis=-1, output_type=tf.int32)
    accuracy = tf.metrics.accuracy(labels=labels, predictions=predictions, name="accuracy")

    # The handbook's metric: samples seen (total) and correct predictions (count), in int32.
    with tf.variable_scope("sparse_categorical_accuracy"):
        local = dict(dtype=tf.int32, initializer=tf.zeros_initializer(), trainable=False,
                     collections=[tf.GraphKeys.LOCAL_VARIABLES])
        total = tf.get_variable("total", [], **local)
        count = tf.get_variable("count", [], **local)
    values = tf.cast(tf.equal(labels, predictions), tf.int32)
    update_total = tf.assign_add(total, tf.shape(labels)[0])
    update_count = tf.assign_add(count, tf.reduce_sum(values))
    # int32 / int32 would give float64 (and NaN before the first update): divide in float32.
    value = tf.div_no_nan(tf.cast(count, tf.float32), tf.cast(total, tf.float32))
    update_op = tf.div_no_nan(tf.cast(update_count, tf.float32), tf.cast(update_total, tf.float32))
    return {"accuracy": accuracy, "sparse_categorical_accuracy": (value, update_op)}


def evaluate(session, metrics, batches, labels, logits):
    """Reset the metrics, then update them batch by batch: their values after the reset and
    after each update."""
    session.run(tf.local_variables_initializer())
    running = {name: [session.run(value)] for name, (value, _) in metrics.items()}
    for batch_labels, batch_logits in batches:
        # An update op returns the value after its update; reading `value` in the same run as
        # `update_op` could give the value from before it.
        updated = session.run({name: update_op for name, (_, update_op) in metrics.items()},
                              {labels: batch_labels, logits: batch_logits})
        for name, value in updated.items():
            running[name].append(value)
    return running


def trace(seed=0, steps=0, initial_values=None):
    with tf.Graph().as_default():
        labels = tf.placeholder(tf.int32, [None], name="labels")
        logits = tf.placeholder(tf.float32, [None, HP.classes], name="logits")
        predictions = tf.argmax(logits, axis=-1, output_type=tf.int32)
        metrics = build_metrics(labels, logits)
        state = {v.op.name: v for v in tf.local_variables()}

        result = Trace()
        with tf.Session() as sess:
            for evaluation, skill in enumerate(HP.skills, 1):
                batches = data.classifier_batches(HP.batch_sizes, skill, seed=[seed, evaluation],
                                                  classes=HP.classes)
                key = f"evaluation_{evaluation}"
                result.outputs[key] = np.concatenate([sess.run(predictions, {logits: batch_logits})
                                                      for _, batch_logits in batches])
                result.metrics[key] = evaluate(sess, metrics, batches, labels, logits)
                result.metrics[key]["state"] = sess.run(state)
    return result


def main():
    result = trace()
    for evaluation, values in result.metrics.items():
        for name in ("accuracy", "sparse_categorical_accuracy"):
            print(f"{evaluation}, {name} after each batch:", np.round(values[name][1:], 4))


if __name__ == "__main__":
    main()
