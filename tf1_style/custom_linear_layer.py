"""A hand-written linear layer and mean-squared-error loss, TF1 graph style.

Source: TensorFlow handbook (snowkylin), "Custom layers" and "Custom losses",
`model/custom_layer/linear.py` at 7a49efb (its graph branch) and `model/custom/linear.py` at
9a9cd00. The model of `linear_dense` (X = [[1, 2, 3], [4, 5, 6]], y = [[10], [20]], 100 steps of
gradient descent with lr 0.01 on the mean squared error), written with a layer class whose
`build` creates a kernel w [in, units] and a bias b [units], both zeros, and a loss class.

What changes in TF2:
- the layer's `tf.variable_scope` + `tf.get_variable` become a `keras.layers.Layer` subclass
  whose `build` calls `add_weight` (with keywords: Keras 3's `add_variable` takes shape and
  initializer positionally);
- the loss class becomes a `keras.losses.Loss` subclass: `call` returns one loss per sample and
  the base class weights and averages them;
- placeholders, feed_dict and Session.run become plain tensors and calls, and
  `GradientDescentOptimizer.minimize` becomes `GradientTape` plus `keras.optimizers.SGD`.
"""
import tensorflow.compat.v1 as tf

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.CUSTOM_LINEAR_LAYER


class LinearLayer:
    def __init__(self, units, name="linear_layer"):
        self.units = units
        self.name = name
        self.built = False

    def build(self, input_shape):
        with tf.variable_scope(self.name):
            self.w = tf.get_variable("w", shape=[input_shape[-1], self.units],
                                     initializer=tf.zeros_initializer())
            self.b = tf.get_variable("b", shape=[self.units],
                                     initializer=tf.zeros_initializer())
        self.built = True

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b

    def __call__(self, inputs):
        if not self.built:
            self.build(inputs.shape)
        return self.call(inputs)


class LinearModel:
    def __init__(self, name="linear_model"):
        self.name = name
        self.layer = LinearLayer(units=HP.units)

    def __call__(self, inputs):
        with tf.variable_scope(self.name):
            return self.layer(inputs)


class MeanSquaredError:
    def call(self, y_true, y_pred):
        return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)

    def __call__(self, y_true, y_pred, sample_weight=1.0):
        # tf.losses' default reduction divides by the number of nonzero weights; Keras losses
        # divide by the batch size, so this loss asks for that reduction.
        return tf.losses.compute_weighted_loss(
            self.call(y_true, y_pred), weights=sample_weight,
            reduction=tf.losses.Reduction.SUM_OVER_BATCH_SIZE)


def build_model(inputs):
    model = LinearModel()
    return model(inputs)


def trace(seed=0, steps=HP.steps, initial_values=None):
    X, y = data.linear_dense()
    sample_weight = data.linear_dense_sample_weights()
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        X_ = tf.placeholder(tf.float32, [None, 3], name="X")
        y_ = tf.placeholder(tf.float32, [None, 1], name="y")
        sample_weight_ = tf.placeholder(tf.float32, [None], name="sample_weight")
        y_pred = build_model(X_)
        loss_object = MeanSquaredError()
        loss = loss_object(y_, y_pred)
        weighted_loss = loss_object(y_, y_pred, sample_weight_)
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
                           loss={"loss": sess.run(loss, feed_dict),
                                 "weighted_loss": sess.run(weighted_loss, {
                                     X_: X, y_: y, sample_weight_: sample_weight})},
                           gradients=sess.run(gradients, feed_dict))
            for _ in range(steps):
                step_loss, _ = sess.run([loss, train_op], feed_dict)
                result.record_step(step_loss, sess.run(variables))
            result.outputs["y_pred_trained"] = sess.run(y_pred, feed_dict)
    return result


def main():
    result = trace()
    final = result.final_variables
    print("w:", final["linear_model/linear_layer/w"].ravel(),
          "b:", final["linear_model/linear_layer/b"])
    print("predictions:", result.outputs["y_pred_trained"].ravel())


if __name__ == "__main__":
    main()
