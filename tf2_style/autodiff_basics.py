"""Automatic differentiation: first and second derivatives with `tf.GradientTape`; TF2 style.

Sources: Chollet, Deep Learning with Python 2nd ed., ch. 3, "The gradient tape"
(fchollet/deep-learning-with-python-notebooks, chapter03); Géron, Hands-On Machine Learning 2nd
ed., ch. 12, "Computing gradients using autodiff" (ageron/handson-ml2, notebook 12, cells
[168]-[191]; TF1 counterpart in ageron/handson-ml, notebook 09).

Computes d(x²)/dx = 6 at x = 3, once for a variable and once for a constant; the speed (0) and
acceleration (9.8) of the position 4.9·t² at t = 0; for f(w1, w2) = 3·w1² + 2·w1·w2 at (5, 3)
the gradients [36, 10] and the Hessian [[6, 2], [2, None]]; the gradients [30, None] when
2·w1·w2 is behind `stop_gradient`; and [136, 30], the gradients of three targets summed.

What changed from TF1:
- `tf.gradients(y, x)` on a graph became a `tf.GradientTape` that records the forward pass;
- a tape watches variables only: a constant needs `tape.watch`, where `tf.gradients` just works;
- a second derivative takes two nested tapes (`tf.gradients` applied twice in TF1), and several
  `gradient` calls on one tape take `persistent=True`.
Both APIs return None for a source a target does not depend on; the trace records it as NaN.
"""
import tensorflow as tf
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
    with tf.GradientTape() as tape:
        tape.watch(x)  # A tape records variables by itself; a constant only once watched.
        y = function(x)
    return y, tape.gradient(y, x)


def speed_and_acceleration(time):
    with tf.GradientTape() as outer_tape:
        with tf.GradientTape() as inner_tape:
            position = position_at(time)
        speed = inner_tape.gradient(position, time)
    acceleration = outer_tape.gradient(speed, time)
    return speed, acceleration


def gradients_and_hessian(w1, w2):
    with tf.GradientTape(persistent=True) as hessian_tape:
        with tf.GradientTape() as jacobian_tape:
            z = f(w1, w2)
        gradients = jacobian_tape.gradient(z, [w1, w2])
    hessian = [hessian_tape.gradient(gradient, [w1, w2]) for gradient in gradients]
    del hessian_tape
    return z, gradients, hessian


def gradients_through_stop_gradient(w1, w2):
    with tf.GradientTape() as tape:
        z = 3 * w1 ** 2 + tf.stop_gradient(2 * w1 * w2)
    return tape.gradient(z, [w1, w2])


def gradients_summed_over_targets(w1, w2):
    with tf.GradientTape() as tape:
        targets = [f(w1, w2 + offset) for offset in HP.target_offsets]
    return tape.gradient(targets, [w1, w2])


def trace(seed=0, steps=0, initial_values=None):
    """Everything the books print. Nothing is random or trained: ``seed`` and ``steps`` are
    accepted for the common signature and not used."""
    input_var = tf.Variable(HP.x, name="input_var")
    input_const = tf.constant(HP.x)
    time = tf.Variable(HP.time, name="time")
    w1 = tf.Variable(HP.w1, name="w1")
    w2 = tf.Variable(HP.w2, name="w2")
    variables = {"input_var": input_var, "time": time, "w1": w1, "w2": w2}
    if initial_values is not None:
        mapping.assign(variables, initial_values)

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
    # The values exist already; this turns them into numpy arrays and each None into NaN.
    return Trace(**mapping.none_as_nan(fetches))


def main():
    result = trace()
    # A gradient that is None (not connected) prints as nan.
    for name, value in {**result.gradients, **result.outputs}.items():
        print(f"{name}:", np.asarray(value, dtype=np.float32))


if __name__ == "__main__":
    main()
