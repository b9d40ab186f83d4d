"""A regressor with an internal reconstruction loss and a reconstruction-error metric, TF1 style.

Source: Géron, Hands-On Machine Learning 2nd ed., ch. 12, "Losses and Metrics Based on Model
Internals" (ageron/handson-ml2, notebook 12, cells [165]-[167]). Five Dense(30, selu,
lecun_normal) layers; an auxiliary Dense(8) reconstructs the inputs from the last hidden layer
and 0.05 · the reconstruction MSE is added to the loss; Dense(1) predicts; the mean
reconstruction error is a streaming metric. California housing, plain SGD (the book's "nadam"
has no TF1 `tf.train` optimizer; see custom_training_loop for a TF1 Nadam).

What changes in TF2:
- `tf.losses.add_loss(term)` into the graph's LOSSES collection and `tf.losses.get_total_loss()`
  become `self.add_loss(term)` inside `call` and `model.losses` summed by hand in the loop
  (PITFALLS #14);
- the reconstruction `tf.layers.dense` (sized by the placeholder's last dimension) becomes a
  `Dense(n_inputs)` created in `build`, once (PITFALLS #21);
- the streaming `tf.metrics.mean` on local variables, reset by re-initialising them, becomes a
  `keras.metrics.Mean` held by the model and `reset_state()`.
"""
import tensorflow.compat.v1 as tf

import random

from tf1to2 import mapping
from tf1to2.data import housing
from tf1to2.harness import Trace
from tf1to2.hparams.geron_losses import INTERNAL_LOSSES as HP


def build_model(X):
    Z = X
    for i in range(HP.hidden_layers):
        Z = tf.layers.dense(Z, HP.units, activation=tf.nn.selu,
                            kernel_initializer=tf.initializers.lecun_normal(),
                            name=f"hidden{i + 1}")
    reconstruction = tf.layers.dense(Z, X.shape[-1], name="reconstruct")
    return tf.layers.dense(Z, HP.outputs, name="output"), reconstruction


def compute_loss(X, y, y_pred, reconstruction):
    """(the reconstruction term, the total loss), both through the graph's LOSSES collection."""
    tf.losses.mean_squared_error(labels=y, predictions=y_pred)  # added to LOSSES
    reconstruction_loss = tf.reduce_mean(tf.square(reconstruction - X))
    reconstruction_term = HP.reconstruction_weight * reconstruction_loss
    tf.losses.add_loss(reconstruction_term)
    return reconstruction_term, tf.losses.get_total_loss()


def build_optimizer():
    # The book's "nadam" has no TF1 tf.train optimizer: plain SGD on both sides.
    return tf.train.GradientDescentOptimizer(HP.learning_rate)


def _streaming_mean(X, reconstruction):
    """The streaming mean of the reconstruction error: (value, update_op, reset_op)."""
    with tf.variable_scope("reconstruction_error"):
        value, update_op = tf.metrics.mean(tf.reduce_mean(tf.square(reconstruction - X)))
    reset_op = tf.variables_initializer(
        tf.get_collection(tf.GraphKeys.LOCAL_VARIABLES, scope="reconstruction_error"))
    return value, update_op, reset_op


def evaluate(sess, metric, X, batches):
    """The mean reconstruction error over ``batches`` (the metric reset first)."""
    value, update_op, reset_op = metric
    sess.run(reset_op)
    for X_batch in batches:
        sess.run(update_op, {X: X_batch})
    return sess.run(value)


def trace(seed=0, steps=HP.steps, initial_values=None):
    data = housing.load(HP.check_data_source)
    X_check, y_check = data.X_valid[:HP.batch_size], data.y_valid[:HP.batch_size]
    random.seed(seed)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)  # the graph seed of lecun_normal's truncated normal
        X = tf.placeholder(tf.float32, [None, data.X_train.shape[1]], name="X")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        y_pred, reconstruction = build_model(X)
        reconstruction_term, loss = compute_loss(X, y, y_pred, reconstruction)
        metric = _streaming_mean(X, reconstruction)
        variables = {v.op.name: v for v in tf.trainable_variables()}
        # Zeros, not None, for a variable the loss does not reach (the reconstruction layer,
        # whose only path to the loss is the internal term).
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()),
                                                     unconnected_gradients="zero")))
        train_op = build_optimizer().minimize(loss)

        with tf.Session() as sess:
            sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed_dict = {X: X_check, y: y_check}
            result = Trace(variables=sess.run(variables),
                           outputs={"predictions": sess.run(y_pred, feed_dict)},
                           loss=sess.run({"reconstruction_term": reconstruction_term,
                                          "total": loss}, feed_dict),
                           gradients=sess.run(gradients, feed_dict))
            sess.run(metric[2])  # the training steps' metric starts from zero
            for X_batch, y_batch in data.random_batches(HP.batch_size, steps, seed):
                step_loss, _, _ = sess.run([loss, train_op, metric[1]], {X: X_batch, y: y_batch})
                result.record_step(step_loss, sess.run(variables))
            result.metrics["train_reconstruction_error"] = sess.run(metric[0])
            valid_batches = [data.X_valid[i * HP.batch_size:(i + 1) * HP.batch_size]
                             for i in range(HP.eval_batches)]
            result.metrics["valid_reconstruction_error"] = evaluate(sess, metric, X,
                                                                    valid_batches)
    return result


def main():
    result = trace()
    print("variables:", {name: value.shape for name, value in result.variables.items()})
    print(f"{len(result.losses)} steps, loss {result.losses[0]:.4f} -> {result.losses[-1]:.4f}")
    print("metrics:", {name: round(float(value), 4) for name, value in result.metrics.items()})


if __name__ == "__main__":
    main()
