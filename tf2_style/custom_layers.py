"""Custom layers: an exp layer, MyDense, a two-in three-out layer, training-only noise; TF2 style.

Source: Géron, Hands-On ML 2nd ed., ch. 12, "Custom Layers" (notebook 12 cells [134]-[153]):
the book's `Lambda`, `MyDense`, `MyMultiLayer` and `AddGaussianNoise`, on Keras 3.
exp([-1, 0, 1]); MyDense(30, relu) → MyDense(1) (glorot_normal kernels, zero biases) trained on
California housing by SGD with the mean squared error; X1 + X2, X1 · X2, X1 / X2; and Gaussian
noise (stddev 1) added in training only.

What changed from TF1:
- each layer function became a `keras.layers.Layer`: `Lambda` for the stateless exp, a subclass
  with `build`/`add_weight`/`call`/`compute_output_shape`/`get_config` for MyDense, a `call`
  that takes and returns lists for the multi-layer;
- the `training` placeholder and `tf.cond` became the `training` argument of `call`;
- `GradientDescentOptimizer.minimize` became a tape and `keras.optimizers.SGD`.
"""
import keras
import numpy as np
import tensorflow as tf

from tf1to2 import mapping
from tf1to2.data import housing
from tf1to2.harness import Trace
from tf1to2.hparams import geron

HP = geron.HOUSING_REGRESSION
LAYERS = geron.CUSTOM_LAYERS


def exponential_layer(X):
    return keras.layers.Lambda(lambda x: tf.exp(x))(X)


class MyDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, batch_input_shape):
        self.kernel = self.add_weight(name="kernel", shape=[batch_input_shape[-1], self.units],
                                      initializer="glorot_normal")
        self.bias = self.add_weight(name="bias", shape=[self.units], initializer="zeros")

    def call(self, X):
        return self.activation(X @ self.kernel + self.bias)

    def compute_output_shape(self, batch_input_shape):
        # Keras 3 passes a tuple (the book's TensorShape.as_list() is gone).
        return tuple(batch_input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": keras.activations.serialize(self.activation)}


def my_dense(X, units, activation=None):
    return MyDense(units, activation=activation)(X)


class MyMultiLayer(keras.layers.Layer):
    def call(self, X):
        X1, X2 = X
        return [X1 + X2, X1 * X2, X1 / X2]

    def compute_output_shape(self, batch_input_shape):
        batch_input_shape_1, batch_input_shape_2 = batch_input_shape
        return [batch_input_shape_1] * 3


def my_multi_layer(X):
    return MyMultiLayer()(X)


class AddGaussianNoise(keras.layers.Layer):
    def __init__(self, stddev, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev

    def call(self, X, training=None):
        if training:
            return X + tf.random.normal(tf.shape(X), stddev=self.stddev)
        return X

    def compute_output_shape(self, batch_input_shape):
        return batch_input_shape


def add_gaussian_noise(X, stddev, training):
    # The training switch is the `training` argument of call(): a Python bool.
    return AddGaussianNoise(stddev)(X, training=training)


def build_model():
    return keras.Sequential([keras.Input(shape=(8,)),
                             MyDense(HP.hidden_units, activation="relu"),
                             MyDense(1)])


def compute_loss(y_true, y_pred):
    return keras.losses.MeanSquaredError()(y_true, y_pred)


def build_optimizer():
    # The book's "nadam" has no TF1 tf.train optimizer: plain SGD on both sides.
    return keras.optimizers.SGD(learning_rate=HP.learning_rate)


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    hidden, output = model.layers
    return {"my_dense/kernel": hidden.kernel, "my_dense/bias": hidden.bias,
            "my_dense_1/kernel": output.kernel, "my_dense_1/bias": output.bias}


def train_and_evaluate(seed, data, batches, initial_values=None):
    """The three small layers, then MyDense trained on ``batches``; one Trace of all of it."""
    X_check, y_check = next(data.random_batches(HP.batch_size, 1, seed))
    X_noise = np.zeros([LAYERS.noise_samples, 1], np.float32)
    keras.utils.set_random_seed(seed)
    layers = {"exponential": exponential_layer(tf.constant(LAYERS.exponential_inputs)),
              **dict(zip(["multi/sum", "multi/product", "multi/quotient"],
                         my_multi_layer([tf.constant(x) for x in LAYERS.multi_inputs])))}
    model = build_model()
    variables = tf1_names(model)
    optimizer = build_optimizer()

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
        y_pred = model(X_check)
        loss = compute_loss(y_check, y_pred)
    gradients = tape.gradient(loss, model.trainable_variables)
    result = Trace(variables=mapping.read(variables),
                   outputs={"predictions": y_pred.numpy(),
                            "noise/inference": add_gaussian_noise(
                                X_check, LAYERS.noise_stddev, training=False).numpy(),
                            **{name: value.numpy() for name, value in layers.items()}},
                   loss={"loss": loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients))
    noise = add_gaussian_noise(X_noise, LAYERS.noise_stddev, training=True).numpy()
    result.metrics.update({"noise/training_mean": noise.mean(),
                           "noise/training_std": noise.std()})
    for X_batch, y_batch in batches:
        step_loss = train_step(X_batch, y_batch)
        result.record_step(step_loss, mapping.read(variables))
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
