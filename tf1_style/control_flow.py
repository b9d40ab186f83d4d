"""Control flow in the graph: tf.cond, tf.case, tf.while_loop and control_dependencies, TF1 style.

Source: TF1 idioms of real codebases (the TF1 API guide "Control flow"; the TF2 guide "Better
performance with tf.function", AutoGraph). Five small graph functions on a float32 matrix x:
`scale_by_sign` (tf.cond: 2x if Σx > 0 else −x), `select_branch` (tf.case over a branch index),
`powers` (tf.while_loop writing x, x², … into a TensorArray and growing a [None, 3] tensor under
`shape_invariants`), `halvings` (a while loop whose trip count depends on the data) and
`accumulate` (assign_add, then a read ordered after it by `control_dependencies`). The check
compares their outputs, their gradients through the branches and loops, and the control-flow ops
each graph holds.

What changes in TF2:
- `tf.cond`, `tf.case` become Python `if`/`elif`/`else`, `tf.while_loop` becomes Python
  `for i in tf.range(n)` / `while`: AutoGraph turns them into the same If and While ops inside a
  `tf.function`, and eagerly they are plain Python;
- `shape_invariants` becomes `tf.autograph.experimental.set_loop_options(shape_invariants=...)`;
- `tf.control_dependencies` disappears: a `tf.function` runs stateful ops in program order.
"""
import tensorflow.compat.v1 as tf

import numpy as np

from tf1to2.harness import Trace
from tf1to2.hparams import plumbing

HP = plumbing.CONTROL_FLOW


def scale_by_sign(x):
    return tf.cond(tf.reduce_sum(x) > 0, lambda: 2.0 * x, lambda: -x)


def select_branch(branch, x):
    return tf.case([(tf.equal(branch, 0), lambda: x + 1.0),
                    (tf.equal(branch, 1), lambda: x * x)],
                   default=lambda: x - 1.0)


def powers(x, steps):
    """x, x², …, x^steps stacked [steps, rows, features], and the first rows of each grown."""
    def body(i, power, stacked, rows):
        power = power * x
        return i + 1, power, stacked.write(i, power), tf.concat([rows, power[:1]], axis=0)

    stacked = tf.TensorArray(tf.float32, size=steps)
    _, _, stacked, rows = tf.while_loop(
        lambda i, *_: i < steps, body, [tf.constant(0), tf.ones_like(x), stacked, x[:0]],
        # `rows` grows by one row per iteration: its first dimension must be left unknown.
        shape_invariants=[tf.TensorShape([]), x.shape, tf.TensorShape(None),
                          tf.TensorShape([None, HP.features])])
    return stacked.stack(), rows


def halvings(x):
    """Halve x until max |x| <= the threshold: the halved x and how many halvings it took."""
    def body(count, x):
        return count + 1, x / 2.0

    return tf.while_loop(lambda count, x: tf.reduce_max(tf.abs(x)) > HP.halving_threshold,
                         body, [tf.constant(0), x])


def accumulate(total, x):
    """Add Σx to the variable ``total`` and return its value read after the addition."""
    update = tf.assign_add(total, tf.reduce_sum(x))
    # Without this the read may run before the update: the graph orders nothing else.
    with tf.control_dependencies([update]):
        return tf.identity(total.read_value())


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
    with tf.Graph().as_default() as graph:
        x_ = tf.placeholder(tf.float32, [HP.rows, HP.features], name="x")
        branch_ = tf.placeholder(tf.int32, [], name="branch")
        outputs = {}
        for name, build in (("scale_by_sign", lambda: scale_by_sign(x_)),
                            ("select_branch", lambda: select_branch(branch_, x_)),
                            ("powers", lambda: powers(x_, steps)),
                            ("halvings", lambda: halvings(x_))):
            before = len(graph.get_operations())
            outputs[name] = build()
            result.metrics.update({f"ops/{name}/{kind}": count for kind, count in
                                   control_flow_ops(graph.get_operations()[before:]).items()})
        outputs["powers"], outputs["powers_rows"] = outputs["powers"]
        outputs["halvings_count"], outputs["halvings"] = outputs["halvings"]
        gradients = {name: tf.gradients(tf.reduce_sum(value), x_)[0]
                     for name, value in outputs.items() if name != "halvings_count"}
        total = tf.Variable(0.0, name="total")
        accumulated = accumulate(total, x_)

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for sign, x in inputs(seed).items():
                for branch in HP.branches:
                    feed = {x_: x, branch_: branch}
                    key = f"{sign}/branch_{branch}"
                    result.outputs.update({f"{key}/{name}": value for name, value in
                                           sess.run(outputs, feed).items()})
                    result.gradients.update({f"{key}/{name}": value for name, value in
                                             sess.run(gradients, feed).items()})
            result.outputs["accumulated"] = np.array(
                [sess.run(accumulated, {x_: inputs(seed)["positive"]})
                 for _ in range(HP.increments)])
    return result


def main():
    result = trace()
    for name, value in sorted(result.outputs.items()):
        print(f"{name}: {np.ravel(value)[:4]}")
    print("control-flow ops:", result.metrics)


if __name__ == "__main__":
    main()
