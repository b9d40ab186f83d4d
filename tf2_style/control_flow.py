"""Control flow in TF2: Python if, for and while that AutoGraph compiles, TF2 style.

Source: TF1 idioms of real codebases (the TF1 API guide "Control flow"; the TF2 guide "Better
performance with tf.function", AutoGraph). Five small functions on a float32 matrix x:
`scale_by_sign` (2x if Σx > 0 else −x), `select_branch` (if/elif/else over a branch index),
`powers` (a `for` loop writing x, x², … into a TensorArray and growing a [None, 3] tensor),
`halvings` (a `while` loop whose trip count depends on the data) and `accumulate` (assign_add,
then a read that a `tf.function` orders after it). The check compares their outputs, their
gradients through the branches and loops, and the control-flow ops each graph holds.

What changed from TF1:
- `tf.cond`, `tf.case` became Python `if`/`elif`/`else`, `tf.while_loop` became Python
  `for i in tf.range(n)` / `while`: AutoGraph turns them into the same If and While ops inside a
  `tf.function`, and eagerly they are plain Python;
- `shape_invariants` became `tf.autograph.experimental.set_loop_options(shape_invariants=...)`;
- `tf.control_dependencies` disappeared: a `tf.function` runs stateful ops in program order.
"""
import tensorflow as tf

import numpy as np

from tf1to2.harness import Trace
from tf1to2.hparams import plumbing

HP = plumbing.CONTROL_FLOW


@tf.function
def scale_by_sign(x):
    # A tensor condition: AutoGraph builds an If op, decided anew on every call.
    if tf.reduce_sum(x) > 0:
        return 2.0 * x
    return -x


@tf.function
def select_branch(branch, x):
    if branch == 0:
        return x + 1.0
    elif branch == 1:
        return x * x
    else:
        return x - 1.0


@tf.function
def powers(x, steps):
    """x, x², …, x^steps stacked [steps, rows, features], and the first rows of each grown."""
    stacked = tf.TensorArray(tf.float32, size=steps)
    power, rows = tf.ones_like(x), x[:0]
    for i in tf.range(steps):
        # `rows` grows by one row per iteration: its first dimension must be left unknown.
        tf.autograph.experimental.set_loop_options(
            shape_invariants=[(rows, tf.TensorShape([None, HP.features]))])
        power = power * x
        stacked = stacked.write(i, power)
        rows = tf.concat([rows, power[:1]], axis=0)
    return stacked.stack(), rows


@tf.function
def halvings(x):
    """Halve x until max |x| <= the threshold: how many halvings it took, and the halved x."""
    count = tf.constant(0)
    while tf.reduce_max(tf.abs(x)) > HP.halving_threshold:
        count, x = count + 1, x / 2.0
    return count, x


@tf.function
def accumulate(total, x):
    """Add Σx to the variable ``total`` and return its value read after the addition."""
    total.assign_add(tf.reduce_sum(x))
    # A tf.function runs stateful ops in program order: this read comes after the update.
    return total.read_value()


def control_flow_ops(operations):
    """How many If and While ops (stateless or not) a graph built: what AutoGraph must match."""
    types = [op.type for op in operations]
    return {"If": sum(t in ("If", "StatelessIf") for t in types),
            "While": sum(t in ("While", "StatelessWhile") for t in types)}


def inputs(seed):
    """Two inputs of opposite signs of Σx, so both branches of `scale_by_sign` run."""
    x = HP.input_scale * np.random.default_rng(seed).standard_normal((HP.rows, HP.features))
    x = x.astype(np.float32)
    return {"positive": x if x.sum() > 0 else -x, "negative": -x if x.sum() > 0 else x}


def trace(seed=0, steps=HP.power_steps, initial_values=None):
    result = Trace()
    x_spec, branch_spec = tf.TensorSpec([HP.rows, HP.features]), tf.TensorSpec([], tf.int32)
    for name, function, specs in (("scale_by_sign", scale_by_sign, [x_spec]),
                                  ("select_branch", select_branch, [branch_spec, x_spec]),
                                  ("powers", powers, [x_spec, steps]),
                                  ("halvings", halvings, [x_spec])):
        graph = function.get_concrete_function(*specs).graph
        result.metrics.update({f"ops/{name}/{kind}": count for kind, count in
                               control_flow_ops(graph.get_operations()).items()})

    def run(x, branch):
        outputs = {"scale_by_sign": scale_by_sign(x), "select_branch": select_branch(branch, x)}
        outputs["powers"], outputs["powers_rows"] = powers(x, steps)
        outputs["halvings_count"], outputs["halvings"] = halvings(x)
        return outputs

    for sign, x in inputs(seed).items():
        for branch in HP.branches:
            x = tf.constant(x)
            with tf.GradientTape(persistent=True) as tape:
                tape.watch(x)
                outputs = run(x, tf.constant(branch))
                sums = {name: tf.reduce_sum(value) for name, value in outputs.items()
                        if name != "halvings_count"}
            key = f"{sign}/branch_{branch}"
            result.outputs.update({f"{key}/{name}": value.numpy()
                                   for name, value in outputs.items()})
            result.gradients.update({f"{key}/{name}": tape.gradient(value, x).numpy()
                                     for name, value in sums.items()})
    total = tf.Variable(0.0, name="total")
    result.outputs["accumulated"] = np.array(
        [accumulate(total, inputs(seed)["positive"]).numpy() for _ in range(HP.increments)])
    return result


def main():
    result = trace()
    for name, value in sorted(result.outputs.items()):
        print(f"{name}: {np.ravel(value)[:4]}")
    print("control-flow ops:", result.metrics)


if __name__ == "__main__":
    main()
