"""Linear model with one dense layer, TF1 graph style.

Source: TensorFlow handbook (snowkylin), "Models and layers", `linear/linear.py` at 3e6dacb.
Fits X = [[1, 2, 3], [4, 5, 6]] to y = [[10], [20]] with a zero-initialised dense layer and
100 steps of gradient descent (lr 0.01) on the mean squared error.

What changes in TF2:
- placeholders, feed_dict and Session.run become plain tensors and calls;
- `tf.layers.dense` becomes a `keras.layers.Dense` held by a `keras.Model` subclass;
- `GradientDescentOptimizer.minimize` becomes `GradientTape` plus `keras.optimizers.SGD`.
"""
import tensorflow.compat.v1 as tf

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.LINEAR_DENSE


def build_model(inputs):
    return tf.layers.dense(inputs, units=HP.units, name="dense",
                           kernel_initializer=tf.zeros_initializer(),
                           bias_initializer=tf.zeros_initializer())


def compute_loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_pred - y_true))


def trace(seed=0, steps=HP.steps, initial_values=None):
    X, y = data.linear_dense()
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        X_ = tf.placeholder(tf.float32, [None, 3], name="X")
        y_ = tf.placeholder(tf.float32, [None, 1], name="y")
        y_pred = build_model(X_)
        loss = compute_loss(y_, y_pred)
        variables = {v.op.name: v for v in tf.trainable_variables()}
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))
        optimizer = tf.train.GradientDescentOptimizer(learning_rate=HP.learning_rate)
        train_op = optimizer.minimize(loss)

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed_dict = {X_: X, y_: y}
            result = Trace(variables=sess.run(variables),
                           outputs={"y_pred": sess.run(y_pred, feed_dict)},
                           loss={"loss": sess.run(loss, feed_dict)},
                           gradients=sess.run(gradients, feed_dict))
            for _ in range(steps):
                step_loss, _ = sess.run([loss, train_op], feed_dict)
                result.record_step(step_loss, sess.run(variables))
            result.outputs["y_pred_trained"] = sess.run(y_pred, feed_dict)
    return result


def main():
    result = trace()
    print("kernel:", result.final_variables["dense/kernel"].ravel(),
          "bias:", result.final_variables["dense/bias"])
    print("predictions:", result.outputs["y_pred_trained"].ravel())


if __name__ == "__main__":
    main()
