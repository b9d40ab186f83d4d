"""A residual regressor whose first block is applied four times with shared weights, TF1 style.

Source: Géron, Hands-On Machine Learning 2nd ed., ch. 12, "Custom Models" (ageron/handson-ml2,
notebook 12, cells [154]-[164]). Dense(30, elu, he_normal) → residual block 1 (two Dense(30,
elu) layers, output = input + their result) applied 1 + 3 times with the SAME weights → residual
block 2 → Dense(1); mean squared error, Nadam, on California housing.

What changes in TF2:
- `tf.make_template("block1", residual_block)`, whose first call creates the variables and
  whose later calls reuse them, becomes one `ResidualBlock` layer object called four times;
- functions over `tf.layers.dense` become `keras.layers.Layer` and `keras.Model` subclasses
  holding their layers;
- the Nadam written as a TF1 optimizer (`tf1to2.nadam_v1`) becomes `keras.optimizers.Nadam`.
"""
import tensorflow.compat.v1 as tf

from tf1to2 import mapping
from tf1to2.data import housing
from tf1to2.harness import Trace
from tf1to2.hparams.geron_training import RESIDUAL_MODEL as HP
from tf1to2.nadam_v1 import NadamOptimizer


def build_model(X):
    def residual_block(inputs):
        Z = inputs
        for i in range(HP.block_layers):
            Z = tf.layers.dense(Z, HP.units, activation=tf.nn.elu,
                                kernel_initializer=tf.initializers.he_normal(), name=f"dense_{i}")
        return inputs + Z

    # A template creates its variables on the first call and reuses them on every later one
    # (the same as variable_scope("block1", reuse=tf.AUTO_REUSE)).
    block1 = tf.make_template("block1", residual_block)
    block2 = tf.make_template("block2", residual_block)
    Z = tf.layers.dense(X, HP.units, activation=tf.nn.elu,
                        kernel_initializer=tf.initializers.he_normal(), name="hidden1")
    for _ in range(1 + 3):
        Z = block1(Z)
    Z = block2(Z)
    return tf.layers.dense(Z, HP.outputs, name="output")


def compute_loss(y, y_pred):
    return tf.losses.mean_squared_error(labels=y, predictions=y_pred)


def build_optimizer():
    return NadamOptimizer(learning_rate=HP.learning_rate)


def trace(seed=0, steps=HP.steps, initial_values=None):
    data = housing.load(HP.check_data_source)
    X_check, y_check = data.X_valid[:HP.batch_size], data.y_valid[:HP.batch_size]
    with tf.Graph().as_default():
        tf.set_random_seed(seed)  # the graph seed of he_normal's truncated normal
        X = tf.placeholder(tf.float32, [None, data.X_train.shape[1]], name="X")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
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
                           outputs={"predictions": sess.run(y_pred, feed_dict)},
                           loss={"loss": sess.run(loss, feed_dict)},
                           gradients=sess.run(gradients, feed_dict))
            for X_batch, y_batch in data.random_batches(HP.batch_size, steps, seed):
                step_loss, _ = sess.run([loss, train_op], {X: X_batch, y: y_batch})
                result.record_step(step_loss, sess.run(variables))
    return result


def main():
    result = trace()
    print("variables:", {name: value.shape for name, value in result.variables.items()})
    print(f"{len(result.losses)} steps, loss {result.losses[0]:.4f} -> {result.losses[-1]:.4f}")


if __name__ == "__main__":
    main()
