"""tf_function_and_graphs: explicit graphs, placeholders, tf.while_loop, tf.cond vs tf.function."""
import numpy as np
import tensorflow as tf
from parameterized import parameterized

from tf1to2 import testing
from tf2_style import tf_function_and_graphs as tf2_graphs


def traced_eagerly(function, dtype):
    """The function run eagerly (no tf.function); its graph only for the op counts."""
    graph = tf.function(function).get_concrete_function(tf.TensorSpec(None, dtype)).graph
    return function, graph


def without_input_signature(function, dtype):
    """A plain tf.function; its graph is the one traced for a scalar."""
    tf_function = tf.function(function)
    return tf_function, tf_function.get_concrete_function(tf.zeros([], dtype)).graph


class TfFunctionAndGraphsTest(testing.EquivalenceTest):
    EXAMPLE = "tf_function_and_graphs"
    QUANTITIES = ("outputs",)

    @parameterized.expand(["tf1", "tf2"])
    def test_book_numbers(self, side):
        outputs = getattr(self.report(0), side).outputs
        self.assertEqual(outputs["cube"][0], 8.0)
        self.assertEqual(outputs["cube_float64"].dtype, np.float64)
        self.assertEqual(outputs["add_10_unrolled"][0], 15)
        self.assertEqual(outputs["add_10_loop"][0], 15)
        self.assertEqual(outputs["add_10_loop"][0].dtype, np.int32)
        np.testing.assert_array_equal(outputs["absolute"], [3.0, 2.0])
        # The Python code ran once per graph: once per dtype for cube, once for the others.
        self.assertEqual(outputs["python_runs"]["cube"], 2)
        self.assertEqual(outputs["python_runs"]["scale_by_random"], 1)
        self.assertEqual(len(set(map(float, outputs["scale_by_random"]))), 1)
        self.assertEqual(outputs["ops/add_10_unrolled"]["AddV2"], 10)
        self.assertEqual(sum(outputs["ops/add_10_loop"].values()), 1)
        self.assertEqual(sum(outputs["ops/absolute"].values()), 1)

    def test_tf_function_retraces_per_shape_dtype_and_python_value(self):
        # Without an input_signature (PITFALLS #22): a new trace for every new input shape,
        # dtype and Python value; a tensor of a seen shape and dtype reuses its trace.
        tf_cube = tf.function(tf2_graphs.cube)
        counts = []
        for value in (tf.constant(2.0), tf.constant(3.0), tf.constant([1.0, 2.0]),
                      tf.constant(2.0, tf.float64), 2.0, 3.0, 3.0):
            tf_cube(value)
            counts.append(tf_cube.experimental_get_tracing_count())
        self.assertEqual(counts, [1, 1, 2, 3, 4, 5, 5])

    def test_input_signature_refuses_another_dtype(self):
        tf_cube, _ = tf2_graphs.compile_function(tf2_graphs.cube, tf.float32)
        with self.assertRaises((TypeError, ValueError)):
            tf_cube(tf.constant(2.0, tf.float64))

    def test_graph_ops_are_listed_once_per_trace(self):
        # The unrolled graph holds one AddV2 per iteration; the tf.range one holds a loop op
        # whose body (a separate function) holds the addition.
        _, unrolled = tf2_graphs.compile_function(tf2_graphs.add_10_unrolled, tf.int32)
        _, loop = tf2_graphs.compile_function(tf2_graphs.add_10_loop, tf.int32)
        self.assertGreater(len(unrolled.get_operations()), len(loop.get_operations()))

    def test_planted_eager_execution_is_caught(self):
        # Run eagerly, the numpy draw happens at every call and the Python code runs every time.
        report = self.assert_caught("outputs", compile_function=traced_eagerly)
        outputs = report.tf2.outputs
        self.assertEqual(len(set(map(float, outputs["scale_by_random"]))), 3)
        # (once more for the graph of the op counts)
        self.assertEqual(outputs["python_runs"]["scale_by_random"], 1 + 3)

    def test_planted_missing_input_signature_is_caught(self):
        # PITFALLS #22: a new trace per input shape.
        # One trace per new shape: cube's Python code runs 4 times (three float32 shapes,
        # float64) where the placeholders of unknown shape need 2 graphs.
        report = self.assert_caught("outputs", compile_function=without_input_signature)
        self.assertEqual(report.tf2.outputs["python_runs"]["cube"], 4)

    def test_a_shape_free_trace_serves_every_shape(self):
        # Measured on TF 2.21: once a tf.function has a trace for TensorSpec(shape=None), calls
        # of any shape reuse it, as if it had the input_signature.
        tf_cube = tf.function(tf2_graphs.cube)
        tf_cube.get_concrete_function(tf.TensorSpec(None, tf.float32))
        for value in ([1.0, 2.0], [[1.0]], 2.0):
            tf_cube(tf.constant(value))
        self.assertEqual(tf_cube.experimental_get_tracing_count(), 1)

    def test_planted_python_range_loop_is_caught(self):
        # PITFALLS #42: a Python range loop unrolled at trace time.
        report = self.assert_caught("outputs", add_10_loop=tf2_graphs.add_10_unrolled)
        self.assertIn("python_runs", str(report.tf2.outputs.keys()))
        self.assertEqual(sum(report.tf2.outputs["ops/add_10_loop"].values()), 0)

    def test_planted_tensorflow_random_is_caught(self):
        # tf.random draws inside the graph at every call: a different number each time.
        def scale_by_random(x):
            return x * tf.random.uniform([])

        report = self.assert_caught("outputs", scale_by_random=scale_by_random)
        self.assertEqual(len(set(map(float, report.tf2.outputs["scale_by_random"]))), 3)
