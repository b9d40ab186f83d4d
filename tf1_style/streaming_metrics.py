"""Streaming metrics: precision and a streaming Huber metric over batches, TF1 graph style.

Source: Géron, Hands-On ML 2nd ed., ch. 12, "Custom Metrics" (notebook 12 cells [99]-[133]),
written as the TF1 code of its time: `tf.metrics.precision` and `tf.metrics.mean` of
`tf.losses.huber_loss`. Precision is 0.8 after the book's first batch and 0.5 after both; the
Huber metric (threshold 2) is 14 after its first batch and 7 after both. Then the same metrics
stream over a pretend classifier's probabilities and scores.

What changes in TF2:
- each `tf.metrics.*` (value, update_op) pair over LOCAL variables becomes a metric object:
  `keras.metrics.Precision`, and the book's `HuberMetric(keras.metrics.Metric)` subclass with
  `add_weight`, `update_state`, `result` and a `get_config` that saves its threshold;
- `sess.run(tf.local_variables_initializer())` becomes `reset_state()`;
- v1 precision counts every nonzero prediction as positive, so the TF1 code thresholds the
  probabilities itself; Keras' Precision thresholds at 0.5.
"""
import tensorflow.compat.v1 as tf
import numpy as np

from tf1to2 import data
from tf1to2.harness import Trace
from tf1to2.hparams import geron

HP = geron.STREAMING_METRICS


def create_huber(threshold):
    def huber_fn(y_true, y_pred):
        return tf.losses.huber_loss(y_true, y_pred, delta=threshold,
                                    reduction=tf.losses.Reduction.NONE)
    return huber_fn


def build_metrics(labels, predictions, y_true, y_pred):
    """Each metric as a (value, update_op) pair; their state lives in LOCAL variables."""
    # v1 precision casts its predictions to bool: every nonzero one is a positive (PITFALLS #17).
    # Probabilities must be thresholded first, as Keras' Precision does.
    positive = tf.greater(predictions, HP.threshold)
    metrics = {"precision": tf.metrics.precision(labels=labels, predictions=positive,
                                                 name="precision"),
               "huber": tf.metrics.mean(create_huber(HP.huber_threshold)(y_true, y_pred),
                                        name="huber_metric")}
    # Nothing resets them but re-initialising the local variables: build that op once, here.
    return metrics, tf.local_variables_initializer()


def evaluate(session, reset_op, metric, feeds):
    """Reset the metrics, then stream the batches through one of them: its value after each."""
    value, update_op = metric
    session.run(reset_op)
    running = []
    for feed_dict in feeds:
        # Read the value in a run of its own: fetched with update_op in one run, it may be read
        # before the update, or halfway through it.
        session.run(update_op, feed_dict)
        running.append(session.run(value))
    return running


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
    with tf.Graph().as_default():
        labels = tf.placeholder(tf.int32, [None], name="labels")
        predictions = tf.placeholder(tf.float32, [None], name="predictions")
        y_true = tf.placeholder(tf.float32, [None, 1], name="y_true")
        y_pred = tf.placeholder(tf.float32, [None, 1], name="y_pred")
        metrics, reset_op = build_metrics(labels, predictions, y_true, y_pred)
        huber_values = create_huber(HP.huber_threshold)(y_true, y_pred)
        state = {v.op.name: v for v in tf.local_variables()}

        result = Trace()
        with tf.Session() as sess:
            for name, batches in streams.items():
                metric, inputs = (("precision", (labels, predictions)) if "precision" in name
                                  else ("huber", (y_true, y_pred)))
                feeds = [dict(zip(inputs, batch)) for batch in batches]
                result.metrics[name] = evaluate(sess, reset_op, metrics[metric], feeds)
                result.metrics[f"{name}/state"] = {
                    key: value for key, value in sess.run(state).items()
                    if key.startswith(metric)}
                if metric == "huber":
                    result.outputs.update({f"{name}/{number}": sess.run(huber_values, feed)
                                           for number, feed in enumerate(feeds)})
    return result


def main():
    result = trace()
    for name, values in result.metrics.items():
        if not name.endswith("/state"):
            print(f"{name} after each batch:", np.round(values, 4).tolist())


if __name__ == "__main__":
    main()
