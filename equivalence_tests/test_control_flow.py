"""control_flow: tf.cond/case/while_loop/control_dependencies vs Python control flow + AutoGraph."""
import numpy as np
import tensorflow as tf

from tf1to2 import harness, testing, tolerances
from tf1_style import control_flow as tf1_control_flow
from tf2_style import control_flow as tf2_control_flow

HP = tf2_control_flow.HP


def if_decided_outside_the_function():
    """`scale_by_sign` whose `if` ran eagerly once, on the first input, before the tf.function:
    the Python bool is a constant of the traced graph, so every later input takes that branch."""
    first = tf2_control_flow.inputs(0)["positive"]
    positive = bool(tf.reduce_sum(first) > 0)   # outside tf.function: a Python bool, now fixed

    @tf.function
    def scale_by_sign(x):
        if positive:
            return 2.0 * x
        return -x
    return scale_by_sign


@tf.function
def read_before_update(total, x):
    """`accumulate` with the read written before the update: TF1's missing control dependency."""
    value = total.read_value()
    total.assign_add(tf.reduce_sum(x))
    return value


@tf.function
def unrolled_powers(x, steps):
    """`powers` over a Python range: correct values, but the loop is unrolled, no While op."""
    stacked, power, rows = [], tf.ones_like(x), x[:0]
    for _ in range(steps):
        power = power * x
        stacked.append(power)
        rows = tf.concat([rows, power[:1]], axis=0)
    return tf.stack(stacked), rows


class ControlFlowTest(testing.EquivalenceTest):
    EXAMPLE = "control_flow"
    QUANTITIES = ("outputs", "gradients", "metrics")

    def test_autograph_builds_one_if_or_while_per_function(self):
        metrics = self.report(0).tf2.metrics
        self.assertEqual(metrics, {"ops/scale_by_sign/If": 1, "ops/scale_by_sign/While": 0,
                                   "ops/select_branch/If": 1, "ops/select_branch/While": 0,
                                   "ops/powers/If": 0, "ops/powers/While": 1,
                                   "ops/halvings/If": 0, "ops/halvings/While": 1})

    def test_the_loop_ops_are_the_same_kernels_on_both_sides(self):
        # TF1's tf.while_loop builds control flow v2 (a functional While op) in TF 2.x as well:
        # both sides' graphs hold a StatelessWhile whose body is a function.
        graph = tf2_control_flow.powers.get_concrete_function(
            tf.TensorSpec([HP.rows, HP.features]), 3).graph
        self.assertIn("StatelessWhile", {op.type for op in graph.get_operations()})
        with tf.Graph().as_default() as tf1_graph:
            tf1_control_flow.powers(tf.compat.v1.placeholder(tf.float32, [HP.rows, HP.features]),
                                    3)
        self.assertIn("StatelessWhile", {op.type for op in tf1_graph.get_operations()})

    def test_eager_execution_gives_the_same_values(self):
        # The same Python functions run op by op (no AutoGraph): equal outputs and gradients.
        tf.config.run_functions_eagerly(True)
        try:
            eager = tf2_control_flow.trace(seed=1)
        finally:
            tf.config.run_functions_eagerly(False)
        for quantity in ("outputs", "gradients"):
            check = harness.compare_values(quantity, getattr(self.report(1).tf1, quantity),
                                           getattr(eager, quantity), tolerances.EXACT)
            self.assertTrue(check.ok, check)

    def test_a_growing_loop_variable_needs_shape_invariants(self):
        @tf.function
        def without_invariants(x):
            rows = x[:0]
            for _ in tf.range(3):
                rows = tf.concat([rows, x[:1]], axis=0)
            return rows
        with self.assertRaisesRegex(ValueError, "shape"):
            without_invariants(tf.ones([HP.rows, HP.features]))

    def test_both_signs_and_all_branches_are_exercised(self):
        outputs = self.report(0).tf1.outputs
        x = tf2_control_flow.inputs(0)
        np.testing.assert_array_equal(outputs["positive/branch_0/scale_by_sign"],
                                      2 * x["positive"])
        np.testing.assert_array_equal(outputs["negative/branch_0/scale_by_sign"],
                                      -x["negative"])
        self.assertGreater(int(outputs["positive/branch_0/halvings_count"]), 1)
        np.testing.assert_array_equal(outputs["positive/branch_2/select_branch"],
                                      x["positive"] - 1)

    def test_planted_if_outside_tf_function_is_caught(self):
        # PITFALLS #22: the branch was chosen once in Python, so the negative input takes it too.
        report = self.assert_caught("outputs", scale_by_sign=if_decided_outside_the_function())
        self.assertGreater(report.check("outputs").max_abs_diff, 1.0)
        self.assertFalse(report.check("metrics").ok)   # and the graph has no If op

    def test_planted_read_before_update_is_caught(self):
        report = self.assert_caught("outputs", accumulate=read_before_update)
        self.assertTrue(report.check("gradients").ok)

    def test_planted_unrolled_python_loop_is_caught(self):
        # PITFALLS #42: equal values; only the op inspection tells that the loop was unrolled
        # at trace time.
        report = self.assert_caught("metrics", powers=unrolled_powers)
        self.assertTrue(report.check("outputs").ok)
