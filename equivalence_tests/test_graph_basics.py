"""graph_basics: Graph, Session, placeholders, tf.assign vs tf.function, Variable methods, tape."""
from unittest import mock

import numpy as np
import tensorflow as tf
from parameterized import parameterized

from tf1to2 import testing
from tf1to2 import harness
from tf2_style import graph_basics as tf2_graph_basics


class GraphBasicsTest(testing.EquivalenceTest):
    EXAMPLE = "graph_basics"
    QUANTITIES = ("variables", "outputs", "loss", "gradients")
    # Both sides set their variables from the same constants; the base class also feeds both
    # the same other values (scale 3, so that every result moves well away from the book's).
    RANDOM_START = True
    RANDOM_SCALE = 3.0

    @parameterized.expand(["tf1", "tf2"])
    def test_book_numbers(self, side):
        result = getattr(self.report(0), side)
        outputs = result.outputs
        self.assertEqual(outputs["one_plus_one"], 2)
        self.assertEqual(outputs["a_plus_b"], 5)  # the handbook's run: a = 2, b = 3
        np.testing.assert_array_equal(outputs["counter"], [1.0, 2.0, 3.0, 4.0, 5.0])
        self.assertEqual(outputs["counter_doubled"], 10.0)
        for name in ("scattered_variable", "scattered_tensor"):
            np.testing.assert_array_equal(outputs[name], [1, 11, 3, 10, 9, 6, 7, 12])
        np.testing.assert_array_equal(outputs["ones_product"], [[3.0, 3.0], [3.0, 3.0]])
        self.assertEqual(outputs["square"], 9.0)
        self.assertEqual(result.gradients["x"], 6.0)
        # basic/eager/grad.py with the 0.5 factor: L = 62.5, dL/dw = [35, 50], dL/db = 15.
        self.assertEqual(result.loss["loss"], 62.5)
        np.testing.assert_array_equal(result.gradients["w"], [[35.0], [50.0]])
        self.assertEqual(result.gradients["b"], 15.0)

    def test_eager_functions_agree_with_tf_functions(self):
        # The handbook's *_tffunc.py files say a @tf.function computes what the eager code does.
        eager = {name: value.python_function for name, value in vars(tf2_graph_basics).items()
                 if hasattr(value, "python_function")}
        self.assertIn("plus_one", eager)
        with mock.patch.multiple(tf2_graph_basics, **eager):
            report = harness.compare(self.EXAMPLE)
        self.assertTrue(report.equivalent, report.table())

    def test_planted_assign_instead_of_assign_add_is_caught(self):
        report = self.assert_caught("outputs", plus_one=tf.function(
            lambda variable: variable.assign(1.0)))
        self.assertEqual(report.tf2.outputs["counter"], [1.0] * 5)

    def test_planted_assign_add_instead_of_assign_is_caught(self):
        report = self.assert_caught("outputs", double=tf.function(
            lambda variable: variable.assign_add(2.0 * variable)))
        self.assertEqual(report.tf2.outputs["counter_doubled"], 15.0)

    def test_planted_rebinding_instead_of_assign_is_caught(self):
        # `counter = counter + 1` makes a new tensor; only an assign method changes the variable.
        report = self.assert_caught("outputs", plus_one=tf.function(
            lambda variable: variable + 1.0))
        self.assertEqual(report.tf2.outputs["counter"], [0.0] * 5)

    def test_planted_python_counter_in_tf_function_is_caught(self):
        # PITFALLS #22: Python code in a tf.function runs once, while it is traced.
        count = [0.0]

        @tf.function
        def plus_one(variable):
            count[0] += 1.0
            return variable.assign(count[0])

        report = self.assert_caught("outputs", plus_one=plus_one)
        self.assertEqual(report.tf2.outputs["counter"], [1.0] * 5)

    def test_planted_off_by_one_scatter_index_is_caught(self):
        self.assert_caught("outputs", scatter_into_variable=tf.function(
            lambda variable, indices, updates: variable.scatter_nd_update(indices - 1, updates)))

    def test_planted_scatter_add_instead_of_update_is_caught(self):
        self.assert_caught("outputs", scatter_into_tensor=tf.function(
            lambda tensor, indices, updates: tf.tensor_scatter_nd_add(tensor, indices, updates)))

    def test_planted_loss_without_the_half_is_caught(self):
        # The handbook's later grad.py drops the 0.5: L and both gradients double. The
        # tf.function that calls compute_loss is rebuilt: one traced already would keep the old
        # one, since a traced function does not look up module globals again (PITFALLS #22).
        report = self.assert_caught(
            "loss",
            compute_loss=lambda X, y, w, b: tf.reduce_sum(tf.square(tf.matmul(X, w) + b - y)),
            loss_and_gradients=tf.function(tf2_graph_basics.loss_and_gradients.python_function))
        self.assertFalse(report.check("gradients").ok)
        self.assertEqual(report.tf2.loss["loss"], 125.0)
