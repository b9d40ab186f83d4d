"""The harness itself: a comparison must see every kind of difference it claims to check."""
import unittest

import numpy as np
import tensorflow.compat.v1 as tf1
import keras

from tf1to2 import harness, mapping, tolerances
from tf1to2.errors import UserError

TIGHT = tolerances.FLOAT32_FORWARD


class CompareValuesTest(unittest.TestCase):
    def test_equal_values_pass(self):
        check = harness.compare_values("x", {"a": [1.0, 2.0]}, {"a": np.array([1.0, 2.0])}, TIGHT)
        self.assertTrue(check.ok)
        self.assertEqual(check.max_abs_diff, 0.0)

    def test_difference_above_tolerance_fails(self):
        check = harness.compare_values("x", {"a": [1.0]}, {"a": [1.0 + 1e-4]}, TIGHT)
        self.assertFalse(check.ok)
        self.assertAlmostEqual(check.max_abs_diff, 1e-4, places=9)

    def test_relative_part_scales_with_the_tf1_value(self):
        self.assertTrue(harness.compare_values("x", [1e4], [1e4 + 5e-3], TIGHT).ok)
        self.assertFalse(harness.compare_values("x", [1.0], [1.0 + 5e-3], TIGHT).ok)

    def test_missing_and_extra_names_fail_and_are_named(self):
        check = harness.compare_values("gradients", {"a": 1.0, "b": 2.0}, {"a": 1.0, "c": 2.0}, TIGHT)
        self.assertFalse(check.ok)
        self.assertIn("'b'", check.detail)
        self.assertIn("'c'", check.detail)

    def test_shape_mismatch_fails(self):
        check = harness.compare_values("x", {"k": np.zeros((3, 1))}, {"k": np.zeros((1, 3))}, TIGHT)
        self.assertFalse(check.ok)
        self.assertIn("shape", check.detail)

    def test_trajectory_of_different_length_fails(self):
        self.assertFalse(harness.compare_values("losses", [1.0, 2.0], [1.0], TIGHT).ok)

    def test_nan_on_one_side_fails_but_equal_nans_pass(self):
        self.assertFalse(harness.compare_values("x", [np.nan], [1.0], TIGHT).ok)
        self.assertTrue(harness.compare_values("x", [np.nan, 1.0], [np.nan, 1.0], TIGHT).ok)

    def test_quantity_present_on_one_side_only_fails(self):
        report_tf1 = harness.Trace(outputs={"y": 1.0}, metrics={"accuracy": 1.0})
        report_tf2 = harness.Trace(outputs={"y": 1.0})
        check = harness.compare_values("metrics", report_tf1.metrics, report_tf2.metrics, TIGHT)
        self.assertFalse(check.ok)


class MappingTest(unittest.TestCase):
    def setUp(self):
        self.dense = keras.layers.Dense(2, name="dense")
        self.dense.build((None, 3))
        self.name_map = {"dense/kernel": self.dense.kernel, "dense/bias": self.dense.bias}

    def test_assign_then_read_round_trips(self):
        values = {"dense/kernel": np.arange(6, dtype=np.float32).reshape(3, 2),
                  "dense/bias": np.array([1.0, 2.0], np.float32)}
        mapping.assign(self.name_map, values)
        for name, value in mapping.read(self.name_map).items():
            np.testing.assert_array_equal(value, values[name])

    def test_missing_and_extra_names_are_listed_and_nothing_is_written(self):
        before = self.dense.kernel.numpy().copy()
        with self.assertRaisesRegex(UserError, r"missing dense/bias; extra dense/gamma"):
            mapping.assign(self.name_map, {"dense/kernel": np.ones((3, 2)), "dense/gamma": 1.0})
        np.testing.assert_array_equal(self.dense.kernel.numpy(), before)

    def test_wrong_shape_is_refused_before_anything_is_written(self):
        before = self.dense.kernel.numpy().copy()
        with self.assertRaisesRegex(UserError, r"dense/bias has shape \[3\]"):
            mapping.assign(self.name_map, {"dense/kernel": np.ones((3, 2)), "dense/bias": np.ones(3)})
        np.testing.assert_array_equal(self.dense.kernel.numpy(), before)

    def test_tf1_load_checks_names_and_shapes_before_loading_anything(self):
        with tf1.Graph().as_default():
            kernel = tf1.get_variable("dense/kernel", [3, 2], initializer=tf1.zeros_initializer())
            bias = tf1.get_variable("dense/bias", [2], initializer=tf1.zeros_initializer())
            variables = {"dense/kernel": kernel, "dense/bias": bias}
            with tf1.Session() as sess:
                sess.run(tf1.global_variables_initializer())
                with self.assertRaisesRegex(UserError, r"missing dense/bias; extra dense/gamma"):
                    mapping.load(sess, variables, {"dense/kernel": np.ones((3, 2)), "dense/gamma": 1})
                with self.assertRaisesRegex(UserError, r"dense/bias has shape \[3\]"):
                    mapping.load(sess, variables, {"dense/kernel": np.ones((3, 2)),
                                                   "dense/bias": np.ones(3)})
                np.testing.assert_array_equal(sess.run(kernel), np.zeros((3, 2)))
                mapping.load(sess, variables, {"dense/kernel": np.ones((3, 2)), "dense/bias": [1, 2]})
                np.testing.assert_array_equal(sess.run(bias), [1.0, 2.0])

    def test_tf1_checkpoint_is_read_without_optimizer_slots(self):
        import tempfile
        with tempfile.TemporaryDirectory() as directory, tf1.Graph().as_default():
            x = tf1.placeholder(tf1.float32, [None, 3])
            loss = tf1.reduce_sum(tf1.layers.dense(x, 2, name="dense"))
            train_op = tf1.train.AdamOptimizer().minimize(loss)
            with tf1.Session() as sess:
                sess.run(tf1.global_variables_initializer())
                sess.run(train_op, {x: np.ones((1, 3))})
                path = tf1.train.Saver().save(sess, f"{directory}/model.ckpt")
                expected = sess.run({v.op.name: v for v in tf1.trainable_variables()})
            values = mapping.load_tf1_checkpoint(path, names=self.name_map)
            self.assertEqual(sorted(values), ["dense/bias", "dense/kernel"])
            np.testing.assert_array_equal(values["dense/kernel"], expected["dense/kernel"])
            with self.assertRaisesRegex(UserError, r"missing dense/gamma"):
                mapping.load_tf1_checkpoint(path, names=[*self.name_map, "dense/gamma"])

    def test_unreadable_checkpoint_is_a_one_line_error(self):
        with self.assertRaisesRegex(UserError, "cannot read checkpoint"):
            mapping.load_tf1_checkpoint("/nonexistent/model.ckpt")


def test_finite_entries_next_to_equal_nans_use_the_tolerance():
    tight = tolerances.FLOAT32_FORWARD
    assert harness.compare_values("x", [np.nan, np.inf, 1.0], [np.nan, np.inf, 1.0 + 1e-7], tight).ok
    assert not harness.compare_values("x", [np.nan, 1.0], [np.nan, 1.1], tight).ok
    assert not harness.compare_values("x", [np.inf, 1.0], [-np.inf, 1.0], tight).ok
    assert not harness.compare_values("x", [np.nan, 1.0], [1.0, np.nan], tight).ok
