"""Autodiff beyond the basics: finite differences, one source at a time, constants, per-target
gradients, Hessians of a vector, and the softplus NaN fixed by a custom gradient; TF1 style.

Source: Géron, Hands-On Machine Learning 2nd ed., ch. 12, "Computing Gradients Using Autodiff"
(ageron/handson-ml2, notebook 12, cells [168]-[191]; TF1 counterpart ageron/handson-ml,
notebook 09). d(x²)/dx, the nested Hessian of f, stop_gradient and the summed gradient of a list
of targets are in the autodiff_basics pair; this one covers the rest of the section.

For f(w1, w2) = 3·w1² + 2·w1·w2 at (5, 3): the finite differences (36.000003, 10.000000 in
float64), the gradients taken one source at a time, the gradients with respect to constants,
the gradients of f(w1, w2 + 2), f(w1, w2 + 5), f(w1, w2 + 7) one target at a time (summed:
[136, 30]), d²f/dw1² alone, and the full Hessian [[6, 2], [2, 0]] of f over the vector w =
[w1, w2]. Then softplus at -5, 1, 30, 100, 1000: log(exp(z) + 1) overflows at 100 (value inf,
gradient NaN); a custom gradient gives gradient 1 there; a `tf.where` gives the right value but
still a NaN gradient; a second `tf.where` or a stable custom gradient fixes both.

What changes in TF2:
- `tf.gradients(z, w1)` and `tf.gradients(z, w2)` on one graph become two `gradient` calls on a
  `persistent=True` tape (a plain tape frees its record after the first call);
- `tf.gradients` of constants just works; a tape must `watch` them;
- per-target gradients: one `tf.gradients` per target, or one persistent tape;
- `tf.hessians(z, w)` becomes two nested tapes, the outer one's `jacobian` of the inner gradient;
  `tf.hessians` has the cross terms only inside one source, never between two (PITFALLS #23);
- `tf.custom_gradient` is the same decorator in a graph and eagerly; the functions do not change.
"""
import tensorflow.compat.v1 as tf
import numpy as np

from tf1to2 import mapping
from tf1to2.harness import Trace
from tf1to2.hparams.geron_training import AUTODIFF as HP
from tf1_style.autodiff_basics import f  # f(w1, w2) = 3·w1² + 2·w1·w2, as in autodiff_basics


def finite_differences(w1, w2):
    # Géron's first approximation, here on float64 tensors: (f(w + eps) - f(w)) / eps.
    return [(f(w1 + HP.eps, w2) - f(w1, w2)) / HP.eps,
            (f(w1, w2 + HP.eps) - f(w1, w2)) / HP.eps]


def gradients_one_source_at_a_time(w1, w2):
    z = f(w1, w2)
    dz_dw1 = tf.gradients(z, w1)[0]
    dz_dw2 = tf.gradients(z, w2)[0]
    return [dz_dw1, dz_dw2]


def gradients_of_constants(c1, c2):
    z = f(c1, c2)
    return tf.gradients(z, [c1, c2])


def gradients_target_by_target(w1, w2):
    targets = [f(w1, w2 + offset) for offset in HP.target_offsets]
    per_target = [tf.gradients(z, [w1, w2]) for z in targets]
    return per_target, tf.reduce_sum(tf.stack(per_target), axis=0)


def second_derivative_of_one_source(w1, w2):
    # tf.hessians differentiates each source by itself: d²z/dw1², no d²z/dw1dw2 (PITFALLS #23).
    return tf.hessians(f(w1, w2), w1)[0]


def hessian_of_a_vector(w):
    # One source holding both weights: here the cross terms are inside the block.
    return tf.hessians(f(w[0], w[1]), w)[0]


def my_softplus(z):
    return tf.math.log(tf.exp(z) + 1.0)


@tf.custom_gradient
def my_better_softplus(z):
    exp = tf.exp(z)

    def my_softplus_gradients(grad):
        return grad / (1 + 1 / exp)
    return tf.math.log(exp + 1), my_softplus_gradients


def softplus_where(z):
    # The value is right above the threshold, but the branch not taken still has a NaN gradient.
    return tf.where(z > HP.softplus_threshold, z, my_softplus(z))


def softplus_double_where(z):
    # The fix: keep the large inputs out of the other branch too.
    safe_z = tf.where(z > HP.softplus_threshold, tf.zeros_like(z), z)
    return tf.where(z > HP.softplus_threshold, z, my_softplus(safe_z))


@tf.custom_gradient
def stable_softplus(z):
    def stable_softplus_gradients(grad):
        return grad * (1 - 1 / (1 + tf.exp(z)))
    return tf.math.log(1 + tf.exp(-tf.abs(z))) + tf.maximum(0.0, z), stable_softplus_gradients


SOFTPLUS_VARIANTS = {"my_softplus": my_softplus, "my_better_softplus": my_better_softplus,
                     "softplus_where": softplus_where,
                     "softplus_double_where": softplus_double_where,
                     "stable_softplus": stable_softplus}


def value_and_gradient(function, x):
    y = function(x)
    return y, tf.gradients(y, x)[0]


def trace(seed=0, steps=0, initial_values=None):
    """Everything the book prints. Nothing is random or trained: ``seed`` and ``steps`` are
    accepted for the common signature and not used."""
    with tf.Graph().as_default():
        w1 = tf.get_variable("w1", initializer=HP.w1)
        w2 = tf.get_variable("w2", initializer=HP.w2)
        w = tf.get_variable("w", initializer=np.float32([HP.w1, HP.w2]))
        x = tf.get_variable("x", initializer=np.float32(HP.softplus_inputs))
        variables = {v.op.name: v for v in tf.global_variables()}
        # The finite differences and the constants follow the variables' values, so that a
        # random start moves them too.
        w1_64, w2_64 = tf.cast(w1, tf.float64), tf.cast(w2, tf.float64)
        c1, c2 = tf.identity(w1), tf.identity(w2)

        per_target, summed = gradients_target_by_target(w1, w2)
        softplus = {name: value_and_gradient(function, x)
                    for name, function in SOFTPLUS_VARIANTS.items()}
        fetches = {
            "variables": variables,
            "outputs": {"finite_differences": finite_differences(w1_64, w2_64),
                        "gradients_one_source_at_a_time": gradients_one_source_at_a_time(w1, w2),
                        "gradients_of_constants": gradients_of_constants(c1, c2),
                        "gradients_per_target": per_target, "gradients_summed": summed,
                        "second_derivative_w1": second_derivative_of_one_source(w1, w2),
                        "hessian_of_w": hessian_of_a_vector(w),
                        # by element: an inf (softplus at 100) must not hide a
                        # difference in the finite entries of the same array
                        **{name: dict(enumerate(tf.unstack(value)))
                           for name, (value, _) in softplus.items()}},
            "gradients": {name: gradient for name, (_, gradient) in softplus.items()},
        }
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            # A Session cannot fetch None: this runs the tensors and records each None as NaN.
            return Trace(**mapping.run_none_as_nan(sess, fetches))


def main():
    result = trace()
    for name, value in result.outputs.items():
        print(f"{name}:", np.asarray(value))
    for name, value in result.gradients.items():
        print(f"d {name} / dx:", value)


if __name__ == "__main__":
    main()
