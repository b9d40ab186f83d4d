"""Graph basics: constants, placeholders, variables and update ops, matmul, gradients; TF1 style.

Source: TensorFlow handbook (snowkylin), appendix "graph execution": `basic/graph/1plus1.py`,
`aplusb.py`, `variable_with_initializer.py`, `AmatmulB.py` at 3e6dacb; basics:
`basic/eager/grad.py` at 3e6dacb (with the 0.5 factor that later versions drop).

Computes 1 + 1 = 2; a + b = 5 for a = 2, b = 3; a counter variable increased five times
(1, 2, 3, 4, 5), then doubled (10); the scatter_nd_update example of the TensorFlow docs;
ones[2, 3] · ones[3, 2] = [[3, 3], [3, 3]]; d(x²)/dx = 6 at x = 3; and the handbook's
L = 0.5·Σ(X·w + b − y)² = 62.5 with ∂L/∂w = [35, 50], ∂L/∂b = 15.

What changes in TF2:
- graph-building functions become `@tf.function`s (the handbook's `*_tffunc.py`), and
  `Session.run` becomes calling them;
- placeholders and `feed_dict` become function arguments;
- `tf.assign`, `tf.assign_add`, `tf.scatter_nd_update` become methods of `tf.Variable`, which
  act at once; `tf.tensor_scatter_update` is renamed `tf.tensor_scatter_nd_update`;
- `tf.gradients` becomes `tf.GradientTape`.
"""
import tensorflow.compat.v1 as tf
import numpy as np

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.GRAPH_BASICS


def one_plus_one():
    a = tf.constant(1)
    b = tf.constant(1)
    return a + b


def add(a, b):
    return a + b


def plus_one(variable):
    return tf.assign_add(variable, 1.0)


def double(variable):
    return tf.assign(variable, 2.0 * variable)


def scatter_into_variable(variable, indices, updates):
    return tf.scatter_nd_update(variable, indices, updates)


def scatter_into_tensor(tensor, indices, updates):
    return tf.tensor_scatter_update(tensor, indices, updates)


def ones_product():
    A = tf.ones(shape=[2, 3])
    B = tf.ones(shape=[3, 2])
    return tf.matmul(A, B)


def square_and_gradient(x):
    y = tf.square(x)
    return y, tf.gradients(y, x)[0]


def compute_loss(X, y, w, b):
    return 0.5 * tf.reduce_sum(tf.square(tf.matmul(X, w) + b - y))


def loss_and_gradients(X, y, w, b):
    L = compute_loss(X, y, w, b)
    w_grad, b_grad = tf.gradients(L, [w, b])
    return L, w_grad, b_grad


def trace(seed=0, steps=0, initial_values=None):
    """Everything the handbook prints. Nothing is random or trained: ``seed`` and ``steps`` are
    accepted for the common signature and not used."""
    X, y, w_start, b_start = data.handbook_gradient_problem()
    vector_start, indices, updates = data.scatter_problem()
    with tf.Graph().as_default():
        # Building the graph computes nothing; every value below comes from `sess.run`.
        c = one_plus_one()
        a_ = tf.placeholder(dtype=tf.int32)
        b_ = tf.placeholder(dtype=tf.int32)
        a_plus_b = add(a_, b_)
        counter = tf.get_variable("counter", shape=[], initializer=tf.zeros_initializer())
        plus_one_op = plus_one(counter)
        double_op = double(counter)
        vector = tf.get_variable("vector", initializer=vector_start)
        scatter_op = scatter_into_variable(vector, indices, updates)
        scattered_tensor = scatter_into_tensor(tf.constant(vector_start), indices, updates)
        product = ones_product()
        x = tf.get_variable("x", initializer=HP.x)
        square, dsquare_dx = square_and_gradient(x)
        w = tf.get_variable("w", initializer=w_start)
        b = tf.get_variable("b", initializer=b_start)
        L, w_grad, b_grad = loss_and_gradients(X, y, w, b)
        variables = {v.op.name: v for v in tf.global_variables()}

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            result = Trace(variables=sess.run(variables))
            result.outputs["one_plus_one"] = sess.run(c)
            result.outputs["a_plus_b"] = sess.run(a_plus_b, feed_dict={a_: HP.a, b_: HP.b})
            # An update op changes the variable each time it runs, never while it is built.
            counts = []
            for _ in range(HP.increments):
                sess.run(plus_one_op)
                counts.append(sess.run(counter))
            result.outputs["counter"] = counts
            sess.run(double_op)
            result.outputs["counter_doubled"] = sess.run(counter)
            sess.run(scatter_op)
            result.outputs["scattered_variable"] = sess.run(vector)
            result.outputs["scattered_tensor"] = sess.run(scattered_tensor)
            result.outputs["ones_product"] = sess.run(product)
            result.outputs["square"], result.gradients["x"] = sess.run([square, dsquare_dx])
            result.loss["loss"], result.gradients["w"], result.gradients["b"] = sess.run(
                [L, w_grad, b_grad])
    return result


def main():
    result = trace()
    for name, value in result.outputs.items():
        print(f"{name}:", np.asarray(value))
    print("L:", result.loss["loss"], "dL/dw:", result.gradients["w"].ravel(),
          "dL/db:", result.gradients["b"], "d(x²)/dx:", result.gradients["x"])


if __name__ == "__main__":
    main()
