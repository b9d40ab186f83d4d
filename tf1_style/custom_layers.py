"""Custom layers: an exp layer, MyDense, a two-in three-out layer, training-only noise; TF1 style.

Source: Géron, Hands-On ML 2nd ed., ch. 12, "Custom Layers" (notebook 12 cells [134]-[153]),
written as the TF1 code of its time: each layer a function over `tf.get_variable` in its own
`variable_scope`, the training switch a `placeholder_with_default(False)` and `tf.cond`.
exp([-1, 0, 1]); MyDense(30, relu) → MyDense(1) (glorot_normal kernels, zero biases) trained on
California housing by SGD with the mean squared error; X1 + X2, X1 · X2, X1 / X2; and Gaussian
noise (stddev 1) added in training only.

What changes in TF2:
- each layer function becomes a `keras.layers.Layer`: `Lambda` for the stateless exp, a subclass
  with `build`/`add_weight`/`call`/`compute_output_shape`/`get_config` for MyDense, a `call`
  that takes and returns lists for the multi-layer;
- the `training` placeholder and `tf.cond` become the `training` argument of `call`;
- `GradientDescentOptimizer.minimize` becomes a tape and `keras.optimizers.SGD`.
"""
import tensorflow.compat.v1 as tf
import numpy as np

import random

from tf1to2 import mapping
from tf1to2.data import housing
from tf1to2.harness import Trace
from tf1to2.hparams import geron

HP = geron.HOUSING_REGRESSION
LAYERS = geron.CUSTOM_LAYERS


def exponential_layer(X):
    return tf.exp(X)


def my_dense(X, units, activation=None):
    with tf.variable_scope(None, default_name="my_dense"):
        kernel = tf.get_variable("kernel", [X.shape[-1], units],
                                 initializer=tf.glorot_normal_initializer())
        bias = tf.get_variable("bias", [units], initializer=tf.zeros_initializer())
        Z = X @ kernel + bias
        return Z if activation is None else activation(Z)


def my_multi_layer(X):
    X1, X2 = X
    return [X1 + X2, X1 * X2, X1 / X2]


def add_gaussian_noise(X, stddev, training):
    # The training switch is a boolean tensor: tf.cond picks the branch when the graph runs.
    return tf.cond(training, lambda: X + tf.random.normal(tf.shape(X), stddev=stddev), lambda: X)


def build_model(X):
    hidden = my_dense(X, HP.hidden_units, activation=tf.nn.relu)
    return my_dense(hidden, 1)


def compute_loss(y_true, y_pred):
    return tf.losses.mean_squared_error(y_true, y_pred)


def build_optimizer():
    # The book's "nadam" has no TF1 tf.train optimizer: plain SGD on both sides.
    return tf.train.GradientDescentOptimizer(HP.learning_rate)


def train_and_evaluate(seed, data, batches, initial_values=None):
    """The three small layers, then MyDense trained on ``batches``; one Trace of all of it."""
    X_check, y_check = next(data.random_batches(HP.batch_size, 1, seed))
    X_noise = np.zeros([LAYERS.noise_samples, 1], np.float32)
    random.seed(seed)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        # The training switch: False unless a run feeds True.
        training = tf.placeholder_with_default(False, shape=[], name="training")
        X = tf.placeholder(tf.float32, [None, 8], name="X")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        layers = {"exponential": exponential_layer(tf.constant(LAYERS.exponential_inputs)),
                  **dict(zip(["multi/sum", "multi/product", "multi/quotient"],
                             my_multi_layer([tf.constant(x) for x in LAYERS.multi_inputs])))}
        noise_input = tf.placeholder(tf.float32, [None, None], name="noise_input")
        noisy = add_gaussian_noise(noise_input, LAYERS.noise_stddev, training)
        y_pred = build_model(X)
        loss = compute_loss(y, y_pred)
        variables = {v.op.name: v for v in tf.trainable_variables()}
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))
        train_op = build_optimizer().minimize(loss)

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed_dict = {X: X_check, y: y_check}
            result = Trace(variables=sess.run(variables),
                           outputs={"predictions": sess.run(y_pred, feed_dict),
                                    "noise/inference": sess.run(noisy, {noise_input: X_check}),
                                    **sess.run(layers)},
                           loss={"loss": sess.run(loss, feed_dict)},
                           gradients=sess.run(gradients, feed_dict))
            noise = sess.run(noisy, {noise_input: X_noise, training: True})
            result.metrics.update({"noise/training_mean": noise.mean(),
                                   "noise/training_std": noise.std()})
            for X_batch, y_batch in batches:
                step_loss, _ = sess.run([loss, train_op], {X: X_batch, y: y_batch})
                result.record_step(step_loss, sess.run(variables))
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    data = housing.load(HP.data_source)
    return train_and_evaluate(seed, data, data.random_batches(HP.batch_size, steps, seed),
                              initial_values)


def main():
    data = housing.load()
    result = train_and_evaluate(0, data, data.random_batches(HP.batch_size, 1000, seed=0))
    print(f"data: {data.source}; 1000 SGD steps, final batch loss {result.losses[-1]:.4f}")
    print("exp:", result.outputs["exponential"], "noise in training: mean "
          f"{result.metrics['noise/training_mean']:.3f}, std {result.metrics['noise/training_std']:.3f}")


if __name__ == "__main__":
    main()
