"""A hand-written linear layer and mean-squared-error loss, TF2 style (Keras 3).

Source: TensorFlow handbook (snowkylin), "Custom layers" and "Custom losses",
`model/custom/linear.py` at 9a9cd00 (which trains with Adam; this pair keeps the TF1 branch's
gradient descent). The model of `linear_dense` (X = [[1, 2, 3], [4, 5, 6]], y = [[10], [20]],
100 steps of gradient descent with lr 0.01 on the mean squared error), written with a layer class
whose `build` creates a kernel w [in, units] and a bias b [units], both zeros, and a loss class.

What changed from TF1:
- the layer's `tf.variable_scope` + `tf.get_variable` became a `keras.layers.Layer` subclass
  whose `build` calls `add_weight` (with keywords: Keras 3's `add_variable` takes shape and
  initializer positionally);
- the loss class became a `keras.losses.Loss` subclass: `call` returns one loss per sample and
  the base class weights and averages them;
- placeholders, feed_dict and Session.run became plain tensors and calls, and
  `GradientDescentOptimizer.minimize` became `GradientTape` plus `keras.optimizers.SGD`.
"""
import keras
import tensorflow as tf

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.CUSTOM_LINEAR_LAYER


class LinearLayer(keras.layers.Layer):
    def __init__(self, units, name="linear_layer"):
        super().__init__(name=name)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(name="w", shape=(input_shape[-1], self.units),
                                 initializer="zeros")
        self.b = self.add_weight(name="b", shape=(self.units,),
                                 initializer="zeros")

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


class LinearModel(keras.Model):
    def __init__(self, name="linear_model"):
        super().__init__(name=name)
        self.layer = LinearLayer(units=HP.units)

    def call(self, inputs):
        return self.layer(inputs)


class MeanSquaredError(keras.losses.Loss):
    def call(self, y_true, y_pred):
        # One loss per sample: the Loss base class applies the sample weights, then divides by
        # the batch size. A call that returned the batch mean would lose the weighting.
        return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)


def build_model(inputs):
    model = LinearModel()
    model(inputs)  # Keras creates the weights on the first call.
    return model


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    return {"linear_model/linear_layer/w": model.layer.w,
            "linear_model/linear_layer/b": model.layer.b}


def trace(seed=0, steps=HP.steps, initial_values=None):
    X, y = data.linear_dense()
    sample_weight = data.linear_dense_sample_weights()
    keras.utils.set_random_seed(seed)
    model = build_model(X)
    loss_object = MeanSquaredError()
    variables = tf1_names(model)
    optimizer = keras.optimizers.SGD(learning_rate=HP.learning_rate)

    @tf.function
    def train_step(X, y):
        with tf.GradientTape() as tape:
            loss = loss_object(y, model(X))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables),
                                      model.trainable_variables))
        return loss

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        y_pred = model(X)
        loss = loss_object(y, y_pred)
    gradients = tape.gradient(loss, model.trainable_variables)
    result = Trace(variables=mapping.read(variables),
                   outputs={"y_pred": y_pred.numpy()},
                   loss={"loss": loss.numpy(),
                         "weighted_loss": loss_object(y, y_pred, sample_weight).numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients))
    for _ in range(steps):
        step_loss = train_step(X, y)
        result.record_step(step_loss, mapping.read(variables))
    result.outputs["y_pred_trained"] = model(X).numpy()
    return result


def main():
    result = trace()
    final = result.final_variables
    print("w:", final["linear_model/linear_layer/w"].ravel(),
          "b:", final["linear_model/linear_layer/b"])
    print("predictions:", result.outputs["y_pred_trained"].ravel())


if __name__ == "__main__":
    main()
