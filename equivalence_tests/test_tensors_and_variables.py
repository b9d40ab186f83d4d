"""tensors_and_variables: a TF1 graph run by a Session against the same cells run eagerly."""
import dataclasses

import numpy as np
import tensorflow as tf
from parameterized import parameterized

from tf1to2 import testing
from tf2_style import tensors_and_variables as tf2_tv


class TensorsAndVariablesTest(testing.EquivalenceTest):
    EXAMPLE = "tensors_and_variables"
    QUANTITIES = ("variables", "outputs")
    # Both sides set their variables from the same constants; also start both from the same
    # random values (every update then moves away from the book's numbers).
    RANDOM_START = True
    RANDOM_SCALE = 3.0

    @parameterized.expand(["tf1", "tf2"])
    def test_book_numbers(self, side):
        outputs = getattr(self.report(0), side).outputs
        np.testing.assert_array_equal(outputs["t/t_times_t_transposed"], [[14, 32], [32, 77]])
        np.testing.assert_array_equal(outputs["t/column_1"], [[2.0], [5.0]])
        self.assertEqual(outputs["numpy/square"].dtype, np.float64)  # numpy's default float
        self.assertEqual(outputs["cast_and_add"], 42.0)
        np.testing.assert_array_equal(outputs["matrix/element_0_1"], [[2, 42, 6], [8, 10, 12]])
        np.testing.assert_array_equal(outputs["matrix/scatter_nd"], [[100, 42, 0], [8, 10, 200]])
        np.testing.assert_array_equal(outputs["matrix/rows_swapped"], [[4, 5, 6], [1, 2, 3]])
        np.testing.assert_array_equal(outputs["column/plus_ones"], [[4.0], [2.0], [2.0]])
        np.testing.assert_array_equal(outputs["sparse/matmul"], [[30, 40], [20, 40], [210, 240]])
        np.testing.assert_array_equal(outputs["ragged/row_1"], [ord(c) for c in "Coffee"])
        np.testing.assert_array_equal(outputs["ragged/code_points/row_splits"], [0, 4, 10, 15, 17])
        np.testing.assert_array_equal(outputs["tensor_array/stacked"], [[1, 2], [3, 10], [5, 7]])
        self.assertTrue(all(outputs[f"refused/{name}"] for name in
                            ("float32_plus_int32", "float32_plus_float64", "item_assignment")))

    def test_the_mixed_dtype_error_moves_from_graph_build_to_run(self):
        """PITFALLS #32: TypeError while a graph (or a tf.function) is built, eagerly an
        InvalidArgumentError: an `except` written for one misses the other."""
        errors = {side: getattr(self.report(0), side).errors for side in ("tf1", "tf2")}
        self.assertIsInstance(errors["tf1"]["float32_plus_int32"], TypeError)
        self.assertIsInstance(errors["tf2"]["float32_plus_int32"], tf.errors.InvalidArgumentError)
        # Inside a tf.function the error is raised while tracing, as in a TF1 graph.
        with self.assertRaises(TypeError):
            tf.function(lambda: tf.constant(2.0) + tf.constant(40))()

    def test_planted_assign_handles_kept_instead_of_values_is_caught(self):
        # PITFALLS #30: an eager assign returns a handle that reads the variable when it is
        # used: collected, every one of them shows the last update.
        def handles(v):
            return {"doubled": v.assign(2 * v), "element_0_1": v[0, 1].assign(42.0),
                    "column_2": v[:, 2].assign([0.0, 1.0]),
                    "scatter_nd": v.scatter_nd_update([[0, 0], [1, 2]], [100.0, 200.0]),
                    "rows_swapped": v.scatter_update(tf.IndexedSlices(
                        [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [1, 0]))}
        report = self.assert_caught("outputs", random_start=False, update_matrix=handles)
        np.testing.assert_array_equal(report.tf2.outputs["matrix/doubled"], [[4, 5, 6], [1, 2, 3]])

    def test_planted_eager_tensor_array_that_clears_on_read_is_caught(self):
        # PITFALLS #31: eagerly, read(1) replaces element 1 by zeros (clear_after_read=True).
        def clearing():
            array = tf.TensorArray(dtype=tf.float32, size=3)
            for index, row in enumerate(tf2_tv.HP.array_rows):
                array = array.write(index, tf.constant(row))
            read_1 = array.read(1)
            stacked = array.stack()
            mean, variance = tf.nn.moments(array.stack(), axes=0)
            return {"read_1": read_1, "stacked": stacked, "mean": mean, "variance": variance}
        report = self.assert_caught("outputs", tensor_array=clearing)
        np.testing.assert_array_equal(report.tf2.outputs["tensor_array/stacked"],
                                      [[1, 2], [0, 0], [5, 7]])

    def test_planted_numpy_array_made_float32_is_caught(self):
        # PITFALLS #29: the same values in another dtype.
        def as_float32(a):
            a = tf.constant(a, dtype=tf.float32)
            return {"constant": a, "square": tf.square(a), "sqrt": tf.sqrt(a)}
        report = self.assert_caught("outputs", from_numpy=as_float32)
        self.assertIn("dtype float64 (TF1) vs float32 (TF2)", report.check("outputs").detail)

    def test_planted_random_op_without_its_seed_is_caught(self):
        # PITFALLS #18: without an op seed the graph derives one from the op's position in the graph and
        # eager execution from a counter: the same global seed then gives other numbers.
        self.assert_caught("outputs", HP=dataclasses.replace(tf2_tv.HP, normal_seed=None))

    def test_planted_cast_to_float64_is_caught_by_its_dtype(self):
        # 2.0 + 40.0 is 42.0 in either dtype: the values agree, the programs do not; the
        # harness compares dtypes too (PITFALLS #29).
        report = self.assert_caught("outputs", random_start=False, cast_and_add=lambda: tf.cast(
            tf.constant(2.0), tf.float64) + tf.constant(40.0, dtype=tf.float64))
        self.assertEqual(report.tf2.outputs["cast_and_add"], 42.0)
        self.assertIn("cast_and_add: dtype float32 (TF1) vs float64 (TF2)",
                      report.check("outputs").detail)
