"""TF functions and graphs: one graph per dtype fed through shape-free placeholders, loops
unrolled at build time against `tf.while_loop`, `tf.cond`, and Python side effects that run
once; TF1 style.

Source: Géron, Hands-On Machine Learning 2nd ed., ch. 12, "TensorFlow Functions and Graphs"
(ageron/handson-ml2, notebook 12, cells [205]-[262]; TF1 counterpart ageron/handson-ml,
notebook 09).

Computes cube(x) = x³ for float32 inputs of three shapes from one graph (a placeholder of unknown
shape) and for a float64 input from a second graph; add_10 with a Python loop (ten additions in
the graph) and with `tf.while_loop` (one loop op); |x| with `tf.cond`; and a function whose
Python code draws a numpy random number and counts its own runs: built once, run three times,
it gives the same number three times and counts one run. Each graph's op types are counted.

What changes in TF2:
- an explicit `tf.Graph` with placeholders and a `Session` becomes `tf.function`; a placeholder
  of unknown shape becomes an `input_signature` of `tf.TensorSpec(shape=None)`, without which
  the function is traced again for every new shape, dtype and Python value;
- `tf.while_loop` becomes a Python `for` over `tf.range` (AutoGraph writes the loop op); a `for`
  over `range` is unrolled in both;
- `tf.cond` becomes a Python `if` on a tensor;
- Python side effects run while tracing, as they ran while building the graph: not at each call
  (PITFALLS #22).
"""
import tensorflow.compat.v1 as tf

import collections

import numpy as np

from tf1to2 import mapping
from tf1to2.harness import Trace
from tf1to2.hparams.geron_training import TF_FUNCTION_AND_GRAPHS as HP

LOOP_OPS = ("While", "StatelessWhile")
COND_OPS = ("If", "StatelessIf")


def cube(x):
    return x ** 3


def add_10_unrolled(x):
    for i in range(HP.loop_iterations):  # Python runs this loop while building: ten AddV2 ops
        x += 1
    return x


def add_10_loop(x):
    _, x = tf.while_loop(lambda i, x: i < HP.loop_iterations,
                         lambda i, x: (i + 1, x + 1), [tf.constant(0), x])
    return x


def absolute(x):
    return tf.cond(x > 0, lambda: x, lambda: -x)


def scale_by_random(x):
    # Python code: the numpy draw happens once, while the graph is built, and becomes a constant.
    return x * np.random.uniform()


def compile_function(function, dtype):
    """``function`` as a callable graph: one input of any shape and the given dtype."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(dtype, shape=None)
        y = function(x)
    session = tf.Session(graph=graph)
    return (lambda value: session.run(y, {x: value})), graph


def op_counts(graph, types):
    """How many of the graph's top-level operations have each of ``types``."""
    counts = collections.Counter(op.type for op in graph.get_operations())
    return {name: counts[name] for name in types}


def counting(function, runs):
    """``function`` counting how often its Python code runs (in ``runs``, by name)."""
    def counted(x):
        runs[function.__name__] += 1
        return function(x)
    counted.__name__ = function.__name__
    return counted


def trace(seed=0, steps=0, initial_values=None):
    """Values, op counts and Python runs. Nothing is trained; ``seed`` seeds the numpy draw."""
    np.random.seed(seed)
    runs = collections.Counter()
    tf_cube, cube_graph = compile_function(counting(cube, runs), tf.float32)
    tf_cube_64, _ = compile_function(counting(cube, runs), tf.float64)
    unrolled, unrolled_graph = compile_function(counting(add_10_unrolled, runs), tf.int32)
    loop, loop_graph = compile_function(counting(add_10_loop, runs), tf.int32)
    tf_absolute, absolute_graph = compile_function(counting(absolute, runs), tf.float32)
    tf_scale, _ = compile_function(counting(scale_by_random, runs), tf.float32)
    outputs = {
        # (lists of results as {index: result}: the inputs have different shapes)
        "cube": dict(enumerate(tf_cube(np.float32(value)) for value in HP.cube_inputs)),
        "cube_float64": tf_cube_64(np.float64(HP.cube_float64_input)),
        "add_10_unrolled": dict(enumerate(unrolled(np.int32(value)) for value in HP.add_inputs)),
        "add_10_loop": dict(enumerate(loop(np.int32(value)) for value in HP.add_inputs)),
        "absolute": [tf_absolute(np.float32(value)) for value in HP.absolute_inputs],
        "scale_by_random": [tf_scale(np.float32(1.0)) for _ in range(HP.side_effect_calls)],
        "python_runs": dict(runs),
        "ops/cube": op_counts(cube_graph, ("Pow",)),
        "ops/add_10_unrolled": op_counts(unrolled_graph, ("AddV2",) + LOOP_OPS),
        "ops/add_10_loop": op_counts(loop_graph, LOOP_OPS),
        "ops/absolute": op_counts(absolute_graph, COND_OPS),
    }
    return Trace(outputs=mapping.none_as_nan(outputs))  # every value as a numpy array


def main():
    for name, value in trace().outputs.items():
        print(f"{name}:", value)


if __name__ == "__main__":
    main()
