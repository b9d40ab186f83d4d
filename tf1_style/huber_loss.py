"""Huber losses on the housing net, saved and restored; TF1 graph style.

Source: Géron, Hands-On ML 2nd ed., ch. 12, "Custom Loss Functions" and "Saving and Loading
Models That Contain Custom Components" (notebook 12 cells [60]-[82]), written as the TF1 code of
its time: a hand-written `tf.where` Huber (threshold 1), `tf.losses.huber_loss(delta=2.0)` for
the threshold-2 loss the book trains with, Dense(30, selu, lecun_normal) → Dense(1) trained on
California housing by SGD, and a `tf.train.Saver` round trip.

What changes in TF2:
- `tf.losses.huber_loss(delta=2.0)` becomes the book's `HuberLoss(keras.losses.Loss)` with a
  `get_config` that saves the threshold (`create_huber(2.0)` is the function version);
- with sample weights, `tf.losses.*` divide by the number of nonzero weights
  (SUM_BY_NONZERO_WEIGHTS) and Keras by the batch size: the TF2 side divides explicitly;
- `tf.train.Saver` save/restore becomes `model.save("….keras")` and `keras.models.load_model`
  with `custom_objects`;
- `GradientDescentOptimizer.minimize` becomes a tape and `keras.optimizers.SGD`.
"""
import tensorflow.compat.v1 as tf
import numpy as np

import os
import random
import tempfile

from tf1to2 import mapping
from tf1to2.data import housing
from tf1to2.harness import Trace
from tf1to2.hparams import geron

HP = geron.HOUSING_REGRESSION
HUBER = geron.HUBER_LOSS


def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small_error = tf.abs(error) < 1
    squared_loss = tf.square(error) / 2
    linear_loss = tf.abs(error) - 0.5
    return tf.where(is_small_error, squared_loss, linear_loss)


def create_huber(threshold=1.0):
    def huber_fn(y_true, y_pred):
        return tf.losses.huber_loss(y_true, y_pred, delta=threshold,
                                    reduction=tf.losses.Reduction.NONE)
    return huber_fn


def build_model(inputs):
    hidden = tf.layers.dense(inputs, HP.hidden_units, activation=tf.nn.selu,
                             kernel_initializer=tf.initializers.lecun_normal())
    return tf.layers.dense(hidden, 1)


def compute_loss(y_true, y_pred, sample_weight=None):
    # The mean over the batch; with weights, the weighted sum over the number of nonzero weights
    # (the default reduction SUM_BY_NONZERO_WEIGHTS, PITFALLS #12).
    return tf.losses.huber_loss(y_true, y_pred, delta=HUBER.threshold,
                                weights=1.0 if sample_weight is None else sample_weight)


def build_optimizer():
    # The book's "nadam" has no TF1 tf.train optimizer: plain SGD on both sides.
    return tf.train.GradientDescentOptimizer(HP.learning_rate)


def save_and_restore(sess, X, y_pred, X_check):
    """Save the variables with a Saver, restore them in a new session, predict again."""
    saver = tf.train.Saver()
    with tempfile.TemporaryDirectory() as directory:
        path = saver.save(sess, os.path.join(directory, "huber_model"))
        with tf.Session() as restored:
            saver.restore(restored, path)
            return restored.run(y_pred, {X: X_check})


def train_and_evaluate(seed, data, batches, initial_values=None):
    """Train on ``batches``; a Trace of the check batch, every step and the restored model."""
    X_check, y_check = next(data.random_batches(HP.batch_size, 1, seed))
    weights_check = np.resize(np.array(HUBER.weight_pattern, np.float32), y_check.shape)
    random.seed(seed)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        X = tf.placeholder(tf.float32, [None, 8], name="X")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        weights = tf.placeholder(tf.float32, [None, 1], name="weights")
        y_pred = build_model(X)
        loss = compute_loss(y, y_pred)
        losses = {"loss": loss, "weighted": compute_loss(y, y_pred, weights),
                  "huber_fn": tf.reduce_mean(huber_fn(y, y_pred)),
                  "create_huber": tf.reduce_mean(create_huber(HUBER.threshold)(y, y_pred))}
        variables = {v.op.name: v for v in tf.trainable_variables()}
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))
        train_op = build_optimizer().minimize(loss)

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed_dict = {X: X_check, y: y_check, weights: weights_check}
            result = Trace(variables=sess.run(variables),
                           outputs={"predictions": sess.run(y_pred, feed_dict)},
                           loss=sess.run(losses, feed_dict),
                           gradients=sess.run(gradients, feed_dict))
            for X_batch, y_batch in batches:
                step_loss, _ = sess.run([loss, train_op], {X: X_batch, y: y_batch})
                result.record_step(step_loss, sess.run(variables))
            result.outputs["trained_predictions"] = sess.run(y_pred, {X: X_check})
            result.outputs["restored_predictions"] = save_and_restore(sess, X, y_pred, X_check)
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    data = housing.load(HP.data_source)
    return train_and_evaluate(seed, data, data.random_batches(HP.batch_size, steps, seed),
                              initial_values)


def main():
    data = housing.load()
    result = train_and_evaluate(0, data, data.random_batches(HP.batch_size, 1000, seed=0))
    print(f"data: {data.source}; 1000 SGD steps, final batch loss {result.losses[-1]:.4f}")
    print("restored model predicts as the trained one:", np.array_equal(
        result.outputs["restored_predictions"], result.outputs["trained_predictions"]))


if __name__ == "__main__":
    main()
