"""A custom training loop on California housing, TF1 graph style.

Source: Géron, Hands-On Machine Learning 2nd ed., ch. 12, "Custom Training Loops"
(ageron/handson-ml2, notebook 12, cells [192]-[204]; TF1 counterpart ageron/handson-ml,
notebook 09). Dense(30, elu, he_normal, l2 0.05) → Dense(1, l2 0.05); random batches of 32;
loss = mean squared error + the regularisation losses; Nadam (lr 0.01); after each step every
variable's constraint is applied; a running mean of the loss and the mean absolute error,
shown in a progress bar and reset at each epoch; the validation MAE at the end.

What changes in TF2:
- placeholders, feed_dict and Session.run become plain tensors and calls, the step a
  `tf.function` with a `GradientTape`;
- `tf.layers.dense` becomes a `keras.Sequential` of `Dense` layers;
- slim/contrib's `l2_regularizer(s)`, s·Σw²/2, becomes `keras.regularizers.l2(s / 2)`, s·Σw²
  (PITFALLS #13), and the regularisation losses of the graph collection become `model.losses`,
  added by hand in both loops (PITFALLS #14);
- the Nadam written as a TF1 optimizer (`tf1to2.nadam_v1`) becomes `keras.optimizers.Nadam`;
- the streaming `tf.metrics.mean` / `mean_absolute_error` on LOCAL variables, reset by
  re-initialising them, become `keras.metrics.Mean` / `MeanAbsoluteError` and `reset_state()`.
"""
import tensorflow.compat.v1 as tf

import sys

import tf_slim as slim

from tf1to2 import mapping
from tf1to2.data import housing
from tf1to2.harness import Trace
from tf1to2.hparams.geron_training import CUSTOM_TRAINING_LOOP as HP
from tf1to2.nadam_v1 import NadamOptimizer


def build_model(X):
    # slim's (formerly contrib's) l2_regularizer(s) is s·tf.nn.l2_loss(w) = s·Σw²/2: twice the
    # scale gives Keras' l2(0.05) = 0.05·Σw² (PITFALLS #13).
    l2_reg = slim.l2_regularizer(2 * HP.l2)
    hidden = tf.layers.dense(X, HP.hidden_units, activation=tf.nn.elu,
                             kernel_initializer=tf.initializers.he_normal(),
                             kernel_regularizer=l2_reg,
                             kernel_constraint=tf.keras.constraints.max_norm(HP.max_norm))
    return tf.layers.dense(hidden, 1, kernel_regularizer=l2_reg)


def compute_loss(y, y_pred, regularization_losses):
    """The total loss and its two parts: the mean squared error and the regularisation."""
    main_loss = tf.losses.mean_squared_error(labels=y, predictions=y_pred)
    return tf.add_n([main_loss] + regularization_losses), main_loss, tf.add_n(regularization_losses)


def build_optimizer():
    return NadamOptimizer(learning_rate=HP.learning_rate, beta_1=HP.beta_1, beta_2=HP.beta_2,
                          epsilon=HP.epsilon)


def build_train_op(loss):
    train_op = build_optimizer().minimize(loss)
    # The book applies every constraint after each step (the optimizer has done it once already;
    # see docs/custom_training_loop.md).
    with tf.control_dependencies([train_op]):
        return tf.group([variable.assign(variable.constraint(variable))
                         for variable in tf.trainable_variables()
                         if variable.constraint is not None])


def build_metrics(y, y_pred, loss):
    # Streaming metrics: (value, update_op) pairs over LOCAL variables, which only
    # re-initialising resets. The reset op is built here once.
    metrics = {"mean_loss": tf.metrics.mean(loss, name="mean_loss"),
               "mean_absolute_error": tf.metrics.mean_absolute_error(
                   labels=y, predictions=y_pred, name="mean_absolute_error")}
    return metrics, tf.local_variables_initializer()


def print_status_bar(step, total, values, stream, width=30):
    """Géron's progress bar: one line, rewritten after each step."""
    if stream is None:
        return
    done = width * step // total
    metrics = " - ".join(f"{name}: {value:.4f}" for name, value in values.items())
    print(f"\r{step}/{total} [{'=' * done}{'.' * (width - done)}] - {metrics}",
          end="\n" if step == total else "", file=stream, flush=True)


def evaluate(sess, metrics, X, y):
    """The mean absolute error over a whole split (the metric reset first)."""
    metrics, reset_op = metrics
    value, update_op = metrics["mean_absolute_error"]
    sess.run(reset_op)
    sess.run(update_op, {"X:0": X, "y:0": y})
    return sess.run(value)


def train_and_evaluate(seed, data, batches, steps_per_epoch, initial_values=None,
                       progress=None, record_variables=True):
    """Train on ``batches`` (epochs of ``steps_per_epoch``) and return a Trace."""
    X_check, y_check = data.X_valid[:HP.batch_size], data.y_valid[:HP.batch_size]
    with tf.Graph().as_default():
        tf.set_random_seed(seed)  # the graph seed of he_normal's truncated normal
        X = tf.placeholder(tf.float32, [None, data.X_train.shape[1]], name="X")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        y_pred = build_model(X)
        # The regularisation losses wait in a graph collection: add them by hand (PITFALLS #14).
        loss, main_loss, regularization = compute_loss(y, y_pred,
                                                       tf.losses.get_regularization_losses())
        variables = {v.op.name: v for v in tf.trainable_variables()}
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))
        train_op = build_train_op(loss)
        metrics = build_metrics(y, y_pred, loss)
        values = {name: value for name, (value, _) in metrics[0].items()}
        update_ops = [update_op for _, update_op in metrics[0].values()]

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed_dict = {X: X_check, y: y_check}
            result = Trace(variables=sess.run(variables),
                           outputs={"predictions": sess.run(y_pred, feed_dict)},
                           loss=sess.run({"loss": loss, "main_loss": main_loss,
                                          "regularization": regularization}, feed_dict),
                           gradients=sess.run(gradients, feed_dict))
            sess.run(metrics[1])
            for step, (X_batch, y_batch) in enumerate(batches, 1):
                step_loss, _, _ = sess.run([loss, train_op, update_ops],
                                           {X: X_batch, y: y_batch})
                result.record_step(step_loss, sess.run(variables) if record_variables else {})
                epoch, step_in_epoch = divmod(step - 1, steps_per_epoch)
                print_status_bar(step_in_epoch + 1, steps_per_epoch, sess.run(values), progress)
                if step_in_epoch + 1 == steps_per_epoch:  # end of an epoch: record and reset
                    result.metrics.update({f"epoch_{epoch + 1}/{name}": value
                                           for name, value in sess.run(values).items()})
                    sess.run(metrics[1])
            result.metrics["valid_mean_absolute_error"] = evaluate(
                sess, metrics, data.X_valid, data.y_valid)
    return result


def trace(seed=0, steps=HP.steps, initial_values=None):
    data = housing.load(HP.check_data_source)
    return train_and_evaluate(seed, data, data.random_batches(HP.batch_size, steps, seed),
                              max(1, steps // HP.check_epochs), initial_values)


def main():
    data = housing.load()
    steps_per_epoch = len(data.X_train) // HP.batch_size
    result = train_and_evaluate(
        0, data, data.random_batches(HP.batch_size, HP.epochs * steps_per_epoch, seed=0),
        steps_per_epoch, record_variables=False, progress=sys.stderr)
    print(f"data: {data.source}; {len(result.losses)} steps, final loss {result.losses[-1]:.4f}")
    print(f"validation MAE: {result.metrics['valid_mean_absolute_error']:.4f}")


if __name__ == "__main__":
    main()
