"""Graph basics: constants, placeholders, variables and update ops, matmul, gradients; TF2 style.

Source: TensorFlow handbook (snowkylin), appendix "graph execution": `basic/graph/1plus1_tffunc.py`,
`aplusb_tffunc.py`, `variable_tffunc.py` at 101a350; basics:
`basic/eager/grad.py` at 3e6dacb (with the 0.5 factor that later versions drop).

Computes 1 + 1 = 2; a + b = 5 for a = 2, b = 3; a counter variable increased five times
(1, 2, 3, 4, 5), then doubled (10); the scatter_nd_update example of the TensorFlow docs;
ones[2, 3] · ones[3, 2] = [[3, 3], [3, 3]]; d(x²)/dx = 6 at x = 3; and the handbook's
L = 0.5·Σ(X·w + b − y)² = 62.5 with ∂L/∂w = [35, 50], ∂L/∂b = 15.

What changed from TF1:
- graph-building functions became `@tf.function`s (the handbook's `*_tffunc.py`), and
  `Session.run` became calling them;
- placeholders and `feed_dict` became function arguments;
- `tf.assign`, `tf.assign_add`, `tf.scatter_nd_update` became methods of `tf.Variable`, which
  act at once; `tf.tensor_scatter_update` was renamed `tf.tensor_scatter_nd_update`;
- `tf.gradients` became `tf.GradientTape`.
"""
import tensorflow as tf
import numpy as np

from tf1to2 import data, hparams, mapping
from tf1to2.harness import Trace

HP = hparams.GRAPH_BASICS


@tf.function
def one_plus_one():
    a = tf.constant(1)
    b = tf.constant(1)
    return a + b


@tf.function
def add(a, b):
    return a + b


@tf.function
def plus_one(variable):
    return variable.assign_add(1.0)


@tf.function
def double(variable):
    return variable.assign(2.0 * variable)


@tf.function
def scatter_into_variable(variable, indices, updates):
    return variable.scatter_nd_update(indices, updates)


@tf.function
def scatter_into_tensor(tensor, indices, updates):
    return tf.tensor_scatter_nd_update(tensor, indices, updates)


@tf.function
def ones_product():
    A = tf.ones(shape=[2, 3])
    B = tf.ones(shape=[3, 2])
    return tf.matmul(A, B)


@tf.function
def square_and_gradient(x):
    with tf.GradientTape() as tape:
        y = tf.square(x)
    return y, tape.gradient(y, x)


def compute_loss(X, y, w, b):
    return 0.5 * tf.reduce_sum(tf.square(tf.matmul(X, w) + b - y))


@tf.function
def loss_and_gradients(X, y, w, b):
    with tf.GradientTape() as tape:
        L = compute_loss(X, y, w, b)
    w_grad, b_grad = tape.gradient(L, [w, b])
    return L, w_grad, b_grad


def trace(seed=0, steps=0, initial_values=None):
    """Everything the handbook prints. Nothing is random or trained: ``seed`` and ``steps`` are
    accepted for the common signature and not used."""
    X, y, w_start, b_start = data.handbook_gradient_problem()
    vector_start, indices, updates = data.scatter_problem()
    # Each call below computes at once; there is no graph to build first and no session.
    counter = tf.Variable(0.0, name="counter")
    vector = tf.Variable(vector_start, name="vector")
    x = tf.Variable(HP.x, name="x")
    w = tf.Variable(w_start, name="w")
    b = tf.Variable(b_start, name="b")
    variables = {"counter": counter, "vector": vector, "x": x, "w": w, "b": b}

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    result = Trace(variables=mapping.read(variables))
    result.outputs["one_plus_one"] = one_plus_one().numpy()
    result.outputs["a_plus_b"] = add(tf.constant(HP.a), tf.constant(HP.b)).numpy()
    # A Variable method changes the variable when it is called, so the loop calls it each time.
    counts = []
    for _ in range(HP.increments):
        plus_one(counter)
        counts.append(counter.numpy())
    result.outputs["counter"] = counts
    double(counter)
    result.outputs["counter_doubled"] = counter.numpy()
    scatter_into_variable(vector, indices, updates)
    result.outputs["scattered_variable"] = vector.numpy()
    result.outputs["scattered_tensor"] = scatter_into_tensor(
        tf.constant(vector_start), indices, updates).numpy()
    result.outputs["ones_product"] = ones_product().numpy()
    square, dsquare_dx = square_and_gradient(x)
    result.outputs["square"], result.gradients["x"] = square.numpy(), dsquare_dx.numpy()
    L, w_grad, b_grad = loss_and_gradients(X, y, w, b)
    result.loss["loss"], result.gradients["w"], result.gradients["b"] = (
        L.numpy(), w_grad.numpy(), b_grad.numpy())
    return result


def main():
    result = trace()
    for name, value in result.outputs.items():
        print(f"{name}:", np.asarray(value))
    print("L:", result.loss["loss"], "dL/dw:", result.gradients["w"].ravel(),
          "dL/db:", result.gradients["b"], "d(x²)/dx:", result.gradients["x"])


if __name__ == "__main__":
    main()
