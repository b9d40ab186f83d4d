"""conv_example: tf.nn.conv2d with constant-initialised variables vs keras Conv2D with Constant."""
import dataclasses
import types
from unittest import mock

import keras
import numpy as np
import tensorflow as tf
import tensorflow.compat.v1 as tf1
from parameterized import parameterized

from tf1to2 import testing
from tf1to2 import data, harness, mapping, tolerances
from tf2_style import conv_example as tf2_conv_example

HP = tf2_conv_example.HP


def cross_correlation(image, kernel, bias):
    """VALID cross-correlation by hand: out[i, j] = Σ over a, b of image[i+a, j+b]·W[a, b] + b."""
    size = kernel.shape[0]
    rows, columns = image.shape[0] - size + 1, image.shape[1] - size + 1
    return np.array([[np.sum(image[i:i + size, j:j + size] * kernel) for j in range(columns)]
                     for i in range(rows)]) + bias


class ConvExampleTest(testing.EquivalenceTest):
    EXAMPLE = "conv_example"
    QUANTITIES = ("variables", "outputs")
    # The handbook's kernel is not symmetric, but the base class's random start also tests the
    # name map and the [height, width, in, out] layout with every element distinct.
    RANDOM_START = True

    def test_book_result(self):
        image, kernel, bias = data.conv_example()
        expected = cross_correlation(image[0, :, :, 0], kernel[0], bias[0])
        # The 5x5 result the handbook prints.
        np.testing.assert_array_equal(expected, [[6, 5, -2, 1, 2],
                                                 [3, 0, 3, 2, -2],
                                                 [4, 2, -1, 0, 0],
                                                 [2, 1, 2, -1, -3],
                                                 [1, 1, 1, 3, 1]])
        report = self.report(0)
        for side in (report.tf1, report.tf2):
            self.assertEqual(side.outputs["output"].shape, (1, 5, 5, 1))
            np.testing.assert_array_equal(side.outputs["output"][0, :, :, 0], expected)

    def test_v1_constant_initializer_reshapes_keras_constant_broadcasts(self):
        _, kernel, _ = data.conv_example()
        self.assertEqual(kernel.shape, (1, 3, 3))
        reshaped = tf1.constant_initializer(kernel)([3, 3, 1, 1])
        np.testing.assert_array_equal(np.asarray(reshaped)[:, :, 0, 0], kernel[0])
        self.assertEqual(tuple(keras.initializers.Constant(kernel)((3, 3, 1, 1)).shape),
                         (3, 3, 3, 3))

    def test_planted_kernel_not_reshaped_is_caught(self):
        # The handbook's code ported literally: Constant(W) with W [1, 3, 3] builds a [3, 3, 3, 3]
        # kernel without complaint; the variables check names the shape, and the forward pass fails.
        def build_model_without_reshape(image):
            _, kernel, bias = data.conv_example()
            return keras.Sequential([
                keras.Input(shape=image.shape[1:]),
                keras.layers.Conv2D(filters=HP.filters, kernel_size=HP.kernel_size,
                                    padding=HP.padding, name="conv2d",
                                    kernel_initializer=keras.initializers.Constant(kernel),
                                    bias_initializer=keras.initializers.Constant(bias))])

        image, _, _ = data.conv_example()
        model = build_model_without_reshape(image)
        check = harness.compare_values("variables", self.report(0).tf1.variables,
                                       mapping.read(tf2_conv_example.tf1_names(model)),
                                       tolerances.EXACT)
        self.assertFalse(check.ok)
        self.assertIn("shape (3, 3, 1, 1) (TF1) vs (3, 3, 3, 3) (TF2)", check.detail)
        with mock.patch.object(tf2_conv_example, "build_model", build_model_without_reshape):
            report = harness.compare(self.EXAMPLE)
        self.assertRegex(report.error, "TF2 side raised InvalidArgumentError: .*depth")

    def test_planted_flipped_kernel_is_caught(self):
        # tf.nn.conv2d and Conv2D both compute a cross-correlation; flipping W to get a
        # "true" convolution changes the result.
        image, kernel, bias = data.conv_example()
        flipped = types.SimpleNamespace(
            conv_example=lambda: (image, np.ascontiguousarray(kernel[:, ::-1, ::-1]), bias))
        report = self.assert_caught("outputs", data=flipped)
        self.assertGreaterEqual(report.check("outputs").max_abs_diff, 1.0)

    def test_planted_same_padding_is_caught(self):
        report = self.assert_caught("outputs", HP=dataclasses.replace(HP, padding="SAME"))
        self.assertIn("(1, 5, 5, 1) (TF1) vs (1, 7, 7, 1) (TF2)", report.check("outputs").detail)
