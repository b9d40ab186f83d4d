"""A hand-written dense layer, TF2 style (Keras 3).

Source: Chollet, *Deep Learning with Python* 2nd ed., ch. 3, "Layers: the building blocks of
deep learning": `SimpleDense(units=32, activation=tf.nn.relu)` applied to `tf.ones((2, 784))`
gives a (2, 32) output. Its kernel starts random normal, its bias at zero.

What changed from TF1:
- a function creating its weights with `tf.get_variable` in a variable scope became a
  `keras.layers.Layer` subclass creating them in `build` with `add_weight`;
- `tf.random_normal_initializer(stddev=0.05)` became the `"random_normal"` initialiser, whose
  stddev is 0.05; TF1's `random_normal_initializer()` without arguments has stddev **1.0**
  (PITFALLS #19), so the TF1 code states 0.05.
"""
import keras
import numpy as np
import tensorflow as tf

from tf1to2 import mapping
from tf1to2.harness import Trace
from tf1to2.hparams.chollet import SIMPLE_DENSE as HP


class SimpleDense(keras.layers.Layer):
    def __init__(self, units, activation=None):
        super().__init__()
        self.units = units
        self.activation = activation

    def build(self, input_shape):
        input_dim = input_shape[-1]
        # "random_normal" is keras.initializers.RandomNormal(stddev=0.05).
        self.W = self.add_weight(shape=(input_dim, self.units), initializer="random_normal")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, inputs):
        y = tf.matmul(inputs, self.W) + self.b
        if self.activation is not None:
            y = self.activation(y)
        return y


def build_model(inputs):
    layer = SimpleDense(units=HP.units, activation=tf.nn.relu)
    layer(inputs)  # Keras creates the weights on the first call.
    return layer


def initialiser_statistics(kernel):
    """A freshly initialised kernel's mean, standard deviation and share of values beyond two
    standard deviations (4.6% for a normal; 0 for a uniform or a truncated normal)."""
    std = np.std(kernel)
    return {"kernel_mean": np.mean(kernel), "kernel_std": std,
            "kernel_beyond_2_std": np.mean(np.abs(kernel - np.mean(kernel)) > 2 * std,
                                           dtype=np.float32)}


def tf1_names(layer):
    """The name map: each TF1 variable name and the Keras variable that replaces it."""
    return {"simple_dense/W": layer.W, "simple_dense/b": layer.b}


def trace(seed=0, steps=0, initial_values=None):
    inputs = tf.ones((HP.batch, HP.input_dim))
    keras.utils.set_random_seed(seed)
    layer = build_model(inputs)
    variables = tf1_names(layer)
    own = initialiser_statistics(layer.W.numpy())
    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        outputs = layer(inputs)
        loss = tf.reduce_mean(outputs)  # a scalar to take gradients of (through the relu)
    return Trace(variables=mapping.read(variables), outputs={"outputs": outputs.numpy()},
                 loss={"loss": loss.numpy()},
                 gradients=mapping.gradients_by_tf1_name(
                     variables, layer.trainable_variables,
                     tape.gradient(loss, layer.trainable_variables)),
                 metrics=own)


def main():
    result = trace()
    print("output shape:", result.outputs["outputs"].shape)
    print(f"initial kernel: mean {result.metrics['kernel_mean']:.4f}, "
          f"std {result.metrics['kernel_std']:.4f}")


if __name__ == "__main__":
    main()
