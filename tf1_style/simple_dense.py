"""A hand-written dense layer, TF1 graph style.

Source: Chollet, *Deep Learning with Python* 2nd ed., ch. 3, "Layers: the building blocks of
deep learning": `SimpleDense(units=32, activation=tf.nn.relu)` applied to `tf.ones((2, 784))`
gives a (2, 32) output. Its kernel starts random normal, its bias at zero.

What changes in TF2:
- a function creating its weights with `tf.get_variable` in a variable scope becomes a
  `keras.layers.Layer` subclass creating them in `build` with `add_weight`;
- `tf.random_normal_initializer(stddev=0.05)` becomes the `"random_normal"` initialiser, whose
  stddev is 0.05; TF1's `random_normal_initializer()` without arguments has stddev **1.0**
  (PITFALLS #19), so the TF1 code states 0.05.
"""
import tensorflow.compat.v1 as tf

import numpy as np

from tf1to2 import mapping
from tf1to2.harness import Trace
from tf1to2.hparams.chollet import SIMPLE_DENSE as HP


def _simple_dense(inputs, units, activation=None, name="simple_dense"):
    input_dim = inputs.shape[-1]
    with tf.variable_scope(name):
        # TF1's random_normal_initializer() defaults to stddev 1.0, Keras' "random_normal" to 0.05.
        W = tf.get_variable("W", [input_dim, units],
                            initializer=tf.random_normal_initializer(stddev=HP.kernel_stddev))
        b = tf.get_variable("b", [units], initializer=tf.zeros_initializer())
        y = tf.matmul(inputs, W) + b
        return activation(y) if activation is not None else y


def build_model(inputs):
    return _simple_dense(inputs, units=HP.units, activation=tf.nn.relu)


def initialiser_statistics(kernel):
    """A freshly initialised kernel's mean, standard deviation and share of values beyond two
    standard deviations (4.6% for a normal; 0 for a uniform or a truncated normal)."""
    std = np.std(kernel)
    return {"kernel_mean": np.mean(kernel), "kernel_std": std,
            "kernel_beyond_2_std": np.mean(np.abs(kernel - np.mean(kernel)) > 2 * std,
                                           dtype=np.float32)}


def trace(seed=0, steps=0, initial_values=None):
    inputs = np.ones((HP.batch, HP.input_dim), np.float32)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        outputs = build_model(tf.constant(inputs))
        loss = tf.reduce_mean(outputs)  # a scalar to take gradients of (through the relu)
        variables = {v.op.name: v for v in tf.trainable_variables()}
        gradients = dict(zip(variables, tf.gradients(loss, list(variables.values()))))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            own = initialiser_statistics(sess.run(variables["simple_dense/W"]))
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            result = Trace(variables=sess.run(variables), outputs={"outputs": sess.run(outputs)},
                           loss={"loss": sess.run(loss)}, gradients=sess.run(gradients),
                           metrics=own)
    return result


def main():
    result = trace()
    print("output shape:", result.outputs["outputs"].shape)
    print(f"initial kernel: mean {result.metrics['kernel_mean']:.4f}, "
          f"std {result.metrics['kernel_std']:.4f}")


if __name__ == "__main__":
    main()
