"""Automatic differentiation: first and second derivatives with `tf.gradients`; TF1 style.

Sources: Chollet, Deep Learning with Python 2nd ed., ch. 3, "The gradient tape"
(fchollet/deep-learning-with-python-notebooks, chapter03); Géron, Hands-On Machine Learning 2nd
ed., ch. 12, "Computing gradients using autodiff" (ageron/handson-ml2, notebook 12, cells
[168]-[191]; TF1 counterpart in ageron/handson-ml, notebook 09).

Computes d(x²)/dx = 6 at x = 3, once for a variable and once for a constant; the speed (0) and
acceleration (9.8) of the position 4.9·t² at t = 0; for f(w1, w2) = 3·w1² + 2·w1·w2 at (5, 3)
the gradients [36, 10] and the Hessian [[6, 2], [2, None]]; the gradients [30, None] when
2·w1·w2 is behind `stop_gradient`; and [136, 30], the gradients of three targets summed.

What changes in TF2:
- `tf.gradients(y, x)` on a graph becomes a `tf.GradientTape` that records the forward pass;
- a tape watches variables only: a constant needs `tape.watch`, where `tf.gradients` just works;
- a second derivative takes two nested tapes (`tf.gradients` applied twice in TF1), and several
  `gradient` calls on one tape take `persistent=True`.
Both APIs return None for a source a target does not depend on; the trace records it as NaN.
"""
import tensorflow.compat.v1 as tf
import numpy as np

from tf1to2 import hparams, mapping
from tf1to2.harness import Trace

HP = hparams.AUTODIFF_BASICS


def square(x):
    return tf.square(x)


def position_at(time):
    return 4.9 * time ** 2


def f(w1, w2):
    return 3 * w1 ** 2 + 2 * w1 * w2


def value_and_gradient(function, x):
    y = function(x)
    return y, tf.gradients(y, x)[0]


def speed_and_acceleration(time):
    position = position_at(time)
    speed = tf.gradients(position, time)[0]
    acceleration = tf.gradients(speed, time)[0]
    return speed, acceleration


def gradients_and_hessian(w1, w2):
    z = f(w1, w2)
    gradients = tf.gradients(z, [w1, w2])
    hessian = [tf.gradients(gradient, [w1, w2]) for gradient in gradients]
    return z, gradients, hessian


def gradients_through_stop_gradient(w1, w2):
    z = 3 * w1 ** 2 + tf.stop_gradient(2 * w1 * w2)
    return tf.gradients(z, [w1, w2])


def gradients_summed_over_targets(w1, w2):
    targets = [f(w1, w2 + offset) for offset in HP.target_offsets]
    return tf.gradients(targets, [w1, w2])


def trace(seed=0, steps=0, initial_values=None):
    """Everything the books print. Nothing is random or trained: ``seed`` and ``steps`` are
    accepted for the common signature and not used."""
    with tf.Graph().as_default():
        input_var = tf.get_variable("input_var", initializer=HP.x)
        input_const = tf.constant(HP.x)
        time = tf.get_variable("time", initializer=HP.time)
        w1 = tf.get_variable("w1", initializer=HP.w1)
        w2 = tf.get_variable("w2", initializer=HP.w2)
        variables = {v.op.name: v for v in tf.global_variables()}

        result_var, gradient_var = value_and_gradient(square, input_var)
        result_const, gradient_const = value_and_gradient(square, input_const)
        speed, acceleration = speed_and_acceleration(time)
        z, gradients, hessian = gradients_and_hessian(w1, w2)
        fetches = {
            "variables": variables,
            "outputs": {"square_of_var": result_var, "square_of_const": result_const,
                        "speed": speed, "acceleration": acceleration, "f": z,
                        "hessian": hessian,
                        "stop_gradient_gradients": gradients_through_stop_gradient(w1, w2),
                        "summed_gradients": gradients_summed_over_targets(w1, w2)},
            "gradients": {"input_var": gradient_var, "input_const": gradient_const,
                          "w1": gradients[0], "w2": gradients[1]},
        }
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            # A Session cannot fetch None: this runs the tensors and records each None as NaN.
            return Trace(**mapping.run_none_as_nan(sess, fetches))


def main():
    result = trace()
    # A gradient that is None (not connected) prints as nan.
    for name, value in {**result.gradients, **result.outputs}.items():
        print(f"{name}:", np.asarray(value, dtype=np.float32))


if __name__ == "__main__":
    main()
