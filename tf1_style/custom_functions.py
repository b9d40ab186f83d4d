"""Custom activation, initialiser, regulariser and constraint on the housing net, TF1 graph style.

Source: Géron, Hands-On ML 2nd ed., ch. 12, "Custom Activation Functions, Initializers,
Regularizers, and Constraints" (notebook 12 cells [83]-[98]); TF1 counterpart in handson-ml
notebook 11 (cells [90]-[110], `kernel_regularizer` with `tf.layers.dense`). my_softplus,
my_glorot_initializer, my_l1_regularizer (0.01) and my_positive_weights on the output layer of
Dense(30, selu, lecun_normal) → Dense(1), trained on California housing by SGD with the
mean squared error plus the regularisation loss.

What changes in TF2:
- `tf.layers.dense(..., kernel_initializer=, kernel_regularizer=, kernel_constraint=)` becomes
  `keras.layers.Dense` with the same arguments, in a `keras.Sequential`;
- the regulariser becomes a `keras.regularizers.Regularizer` subclass whose `get_config` saves
  its factor, so a saved model can be loaded again;
- `tf.losses.get_regularization_loss()` (a graph collection) becomes `model.losses`; either way
  the training loop adds it to the loss by hand;
- `GradientDescentOptimizer.minimize` becomes a tape and `keras.optimizers.SGD`; both optimizers
  apply a variable's constraint after each update.
"""
import tensorflow.compat.v1 as tf
import numpy as np

import random

from tf1to2 import mapping
from tf1to2.data import housing
from tf1to2.harness import Trace
from tf1to2.hparams import geron

HP = geron.HOUSING_REGRESSION
CUSTOM = geron.CUSTOM_FUNCTIONS


def my_softplus(z):
    return tf.math.log(tf.exp(z) + 1.0)


def my_glorot_initializer(shape, dtype=tf.float32):
    stddev = tf.sqrt(2.0 / (shape[0] + shape[1]))
    return tf.random.normal(shape, stddev=stddev, dtype=dtype)


def my_l1_regularizer(weights):
    return tf.reduce_sum(tf.abs(CUSTOM.l1_factor * weights))


def my_positive_weights(weights):
    return tf.where(weights < 0.0, tf.zeros_like(weights), weights)


def build_model(inputs):
    hidden = tf.layers.dense(inputs, HP.hidden_units, activation=tf.nn.selu,
                             kernel_initializer=tf.initializers.lecun_normal())
    return tf.layers.dense(hidden, 1, activation=my_softplus,
                           kernel_initializer=my_glorot_initializer,
                           kernel_regularizer=my_l1_regularizer,
                           kernel_constraint=my_positive_weights)


def regularization_loss():
    # tf.layers puts each regulariser's value in the REGULARIZATION_LOSSES collection; nothing
    # adds it to the loss unless the code does (PITFALLS #14).
    return tf.losses.get_regularization_loss()


def compute_loss(y_true, y_pred, regularization):
    return tf.losses.mean_squared_error(y_true, y_pred) + regularization


def build_optimizer():
    # The book's "nadam" has no TF1 tf.train optimizer: plain SGD on both sides.
    return tf.train.GradientDescentOptimizer(HP.learning_rate)


def train_and_evaluate(seed, data, batches, initial_values=None):
    """Train on ``batches``; a Trace of the check batch, every step and the validation loss."""
    X_check, y_check = next(data.random_batches(HP.batch_size, 1, seed))
    random.seed(seed)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        X = tf.placeholder(tf.float32, [None, 8], name="X")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        y_pred = build_model(X)
        regularization = regularization_loss()
        loss = compute_loss(y, y_pred, regularization)
        variables = {v.op.name: v for v in tf.trainable_variables()}
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))
        # minimize() applies each variable's constraint after its update.
        train_op = build_optimizer().minimize(loss)

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed_dict = {X: X_check, y: y_check}
            result = Trace(variables=sess.run(variables),
                           outputs={"predictions": sess.run(y_pred, feed_dict)},
                           loss=sess.run({"loss": loss, "regularization": regularization},
                                         feed_dict),
                           gradients=sess.run(gradients, feed_dict))
            for X_batch, y_batch in batches:
                step_loss, _ = sess.run([loss, train_op], {X: X_batch, y: y_batch})
                result.record_step(step_loss, sess.run(variables))
            result.metrics["valid_loss"] = sess.run(loss, {X: data.X_valid[:HP.eval_examples],
                                                           y: data.y_valid[:HP.eval_examples]})
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    data = housing.load(HP.data_source)
    return train_and_evaluate(seed, data, data.random_batches(HP.batch_size, steps, seed),
                              initial_values)


def main():
    data = housing.load()
    result = train_and_evaluate(0, data, data.random_batches(HP.batch_size, 1000, seed=0))
    print(f"data: {data.source}; 1000 SGD steps, final batch loss {result.losses[-1]:.4f}, "
          f"validation loss (first {HP.eval_examples}) {result.metrics['valid_loss']:.4f}")
    print("output kernel (never negative):", np.round(result.final_variables["dense_1/kernel"].ravel(), 3))


if __name__ == "__main__":
    main()
