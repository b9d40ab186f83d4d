"""Linear model with one dense layer, TF2 style (Keras 3).

Source: TensorFlow handbook (snowkylin), "Models and layers", `linear/linear.py` at 101a350.
Fits X = [[1, 2, 3], [4, 5, 6]] to y = [[10], [20]] with a zero-initialised dense layer and
100 steps of gradient descent (lr 0.01) on the mean squared error.

What changed from TF1:
- placeholders, feed_dict and Session.run became plain tensors and calls;
- `tf.layers.dense` became a `keras.layers.Dense` held by a `keras.Model` subclass;
- `GradientDescentOptimizer.minimize` became `GradientTape` plus `keras.optimizers.SGD`.
"""
import keras
import tensorflow as tf

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.LINEAR_DENSE


class LinearModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(units=HP.units, name="dense",
                                        kernel_initializer="zeros",
                                        bias_initializer="zeros")

    def call(self, inputs):
        return self.dense(inputs)


def build_model(inputs):
    model = LinearModel()
    model(inputs)  # Keras creates the weights on the first call.
    return model


def compute_loss(y_true, y_pred):
    return tf.reduce_mean(tf.square(y_pred - y_true))


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    return {"dense/kernel": model.dense.kernel, "dense/bias": model.dense.bias}


def trace(seed=0, steps=HP.steps, initial_values=None):
    X, y = data.linear_dense()
    keras.utils.set_random_seed(seed)
    model = build_model(X)
    variables = tf1_names(model)
    optimizer = keras.optimizers.SGD(learning_rate=HP.learning_rate)

    @tf.function
    def train_step(X, y):
        with tf.GradientTape() as tape:
            loss = compute_loss(y, model(X))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        y_pred = model(X)
        loss = compute_loss(y, y_pred)
    gradients = tape.gradient(loss, model.trainable_variables)
    result = Trace(variables=mapping.read(variables),
                   outputs={"y_pred": y_pred.numpy()},
                   loss={"loss": loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients))
    for _ in range(steps):
        step_loss = train_step(X, y)
        result.record_step(step_loss, mapping.read(variables))
    result.outputs["y_pred_trained"] = model(X).numpy()
    return result


def main():
    result = trace()
    print("kernel:", result.final_variables["dense/kernel"].ravel(),
          "bias:", result.final_variables["dense/bias"])
    print("predictions:", result.outputs["y_pred_trained"].ravel())


if __name__ == "__main__":
    main()
