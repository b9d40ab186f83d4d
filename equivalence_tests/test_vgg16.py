"""vgg16: tf-slim's vgg_16 in vgg_arg_scope vs keras.applications.VGG16 with the weights mapped.

One comparison of VGG-16 at 224x224 (138 M weights, every gradient) takes ~50 s of CPU on each
side and ~9 GB of memory, so the comparisons are slow tests (`python -m pytest -m slow
equivalence_tests/test_vgg16.py`, and `tf1to2 compare vgg16`). The fast tests check what makes
the comparison pass without running the 224x224 network: the name map against slim's variable
list, the fc6 layout on a small convolution, the refusals, the initialisers.
"""
import dataclasses
import math
import tempfile
import unittest
from unittest import mock

import keras
import numpy as np
import pytest
import tensorflow as tf
import tf_slim as slim

from tf1to2 import mapping, slim_nets, testing
from tf1to2.errors import UserError
from tf1to2.tolerances import FLOAT32_FORWARD
from tf1_style import vgg16 as tf1_vgg16
from tf2_style import vgg16 as tf2_vgg16

HP = tf2_vgg16.HP
NAME_MAP = tf2_vgg16.tf1_names


def fc6_flattened_channels_first(model):
    """The map with fc6 flattened (in, h, w) as a channels-first (Theano/Caffe-order) port does."""
    names = NAME_MAP(model)
    conv_shape = tf2_vgg16._fc6_shape(model)
    names["vgg_16/fc6/weights"] = mapping.Converted(
        model.get_layer("fc1").kernel,
        to_tf2=lambda kernel: np.transpose(kernel, (2, 0, 1, 3)).reshape(-1, kernel.shape[-1]),
        to_tf1=lambda kernel: np.transpose(kernel.reshape(conv_shape[2], conv_shape[0],
                                                          conv_shape[1], -1), (1, 2, 0, 3)))
    return names


def slim_variable_shapes():
    """{name: shape} of slim's vgg_16, from its graph (no session, no values)."""
    with tf.Graph().as_default():
        tf1_vgg16.build_model(tf.compat.v1.placeholder(
            tf.float32, [None, HP.image_size, HP.image_size, 3]))
        return {v.op.name: tuple(v.shape.as_list()) for v in tf.compat.v1.global_variables()}


def unfilled(shapes):
    """Arrays of the given shapes that are never written: shape checks, no 550 MB of zeros."""
    return {name: np.empty(shape, np.float32) for name, shape in shapes.items()}


class Vgg16MapTest(unittest.TestCase):
    """Fast: the map, the layouts and the initialisers, with each model built once."""

    @classmethod
    def setUpClass(cls):
        cls.slim_shapes = slim_variable_shapes()
        images, _ = slim_nets.mnist_images(HP.batch_size, HP.image_size)
        keras.utils.set_random_seed(0)
        cls.model = tf2_vgg16.build_model(images)

    def test_images_are_mnist_digits_at_224(self):
        images, labels = slim_nets.mnist_images(HP.batch_size, HP.image_size)
        self.assertEqual(images.shape, (2, 224, 224, 3))
        self.assertEqual(labels.tolist(), slim_nets.data.mnist("bundled").train_labels[:2].tolist())
        self.assertTrue(np.array_equal(images[..., 0], images[..., 2]))  # grey copied to RGB
        self.assertGreater(images.max(), 0.9)
        self.assertEqual(images.min(), 0.0)

    def test_name_map_covers_every_slim_variable_with_its_shape(self):
        self.assertEqual(len(self.slim_shapes), 32)  # 16 layers: weights and biases
        name_map = NAME_MAP(self.model)
        mapping.check_names(self.slim_shapes, name_map, "the name map")
        self.assertEqual(len({id(getattr(v, "variable", v)) for v in name_map.values()}),
                         len(self.model.weights))
        values = unfilled(self.slim_shapes)
        for name, entry in name_map.items():
            converted = entry.to_tf2(values[name]) if isinstance(entry, mapping.Converted) else values[name]
            self.assertEqual(np.shape(converted), tuple(getattr(entry, "variable", entry).shape), name)
        self.assertEqual(self.slim_shapes["vgg_16/fc6/weights"], (7, 7, 512, 4096))
        self.assertEqual(tuple(self.model.get_layer("fc1").kernel.shape), (25088, 4096))

    def test_fully_connected_as_convolution_is_flatten_then_dense(self):
        # A slim conv whose kernel covers its whole input (fc6: 7x7 over pool5) computes what
        # Flatten + Dense compute with the kernel reshaped [h, w, in, out] -> [h*w*in, out].
        tf1_outputs, tf2_outputs, _ = self.small_fc6(slim_nets.conv_as_dense)
        np.testing.assert_allclose(tf2_outputs, tf1_outputs, atol=FLOAT32_FORWARD.atol,
                                   rtol=FLOAT32_FORWARD.rtol)

    def test_planted_fc6_wrong_axis_order_is_caught(self):
        def channels_first(layer, conv_shape):
            return mapping.Converted(layer.kernel, to_tf2=lambda kernel: np.transpose(
                kernel, (2, 0, 1, 3)).reshape(layer.kernel.shape), to_tf1=None)
        tf1_outputs, tf2_outputs, scale = self.small_fc6(channels_first)
        difference = np.abs(tf2_outputs - tf1_outputs).max()
        self.assertGreater(difference, 100 * (FLOAT32_FORWARD.atol + FLOAT32_FORWARD.rtol * scale))

    def small_fc6(self, convert):
        """slim's fc6 (a VALID conv over its whole input) and Keras' Flatten + Dense on digits.

        7x7 digits with 3 channels into 5 units: slim.conv2d against keras Flatten + Dense
        whose kernel is slim's, converted by ``convert(dense_layer, conv_shape)``.
        """
        images, _ = slim_nets.mnist_images(4, 7)
        conv_shape = (7, 7, 3, 5)
        kernel = np.random.default_rng(0).normal(size=conv_shape).astype(np.float32)
        with tf.Graph().as_default():
            net = slim.conv2d(tf.constant(images), 5, [7, 7], padding="VALID", activation_fn=None,
                              weights_initializer=tf.compat.v1.constant_initializer(kernel))
            with tf.compat.v1.Session() as sess:
                sess.run(tf.compat.v1.global_variables_initializer())
                tf1_outputs = sess.run(tf.squeeze(net, [1, 2]))
        dense = keras.layers.Dense(5)
        model = keras.Sequential([keras.Input((7, 7, 3)), keras.layers.Flatten(), dense])
        mapping.assign({"weights": convert(dense, conv_shape)}, {"weights": kernel})
        return tf1_outputs, model(images).numpy(), np.abs(tf1_outputs).max()

    def test_planted_fc6_not_reshaped_is_refused(self):
        name_map = NAME_MAP(self.model)
        name_map["vgg_16/fc6/weights"] = self.model.get_layer("fc1").kernel
        with self.assertRaisesRegex(UserError, r"vgg_16/fc6/weights has shape \[7, 7, 512, 4096\], "
                                               r"the model expects \[25088, 4096\]"):
            mapping.assign(name_map, unfilled(self.slim_shapes))

    def test_planted_variable_missing_from_name_map_is_refused(self):
        name_map = NAME_MAP(self.model)
        del name_map["vgg_16/conv3/conv3_2/biases"]
        with self.assertRaisesRegex(UserError, "^initial values does not match the model: extra "
                                               "vgg_16/conv3/conv3_2/biases$"):
            mapping.assign(name_map, unfilled(self.slim_shapes))

    def test_classifier_activation_none_gives_logits(self):
        self.assertIs(self.model.get_layer("predictions").activation, keras.activations.linear)

    def test_initialisers_are_slims(self):
        # slim.conv2d's default: xavier_initializer() = Glorot uniform over the conv's fans
        # (fan_in = h*w*in, fan_out = h*w*out); biases zeros (vgg_arg_scope).
        for name, entry in NAME_MAP(self.model).items():
            value = mapping.read({name: entry})[name]
            if name.endswith("biases"):
                self.assertFalse(value.any(), name)
                continue
            *window, fan_in, fan_out = self.slim_shapes[name]
            limit = math.sqrt(6.0 / (math.prod(window) * (fan_in + fan_out)))
            self.assertLessEqual(np.abs(value).max(), limit, name)
            sample = value.ravel()[::max(1, value.size // 1_000_000)]
            self.assertAlmostEqual(sample.std() / (limit / math.sqrt(3)), 1.0,
                                   delta=3 / math.sqrt(sample.size) + 1e-3, msg=name)

    def test_planted_dense_fc1_initialiser_is_caught(self):
        # PITFALLS #28: an initialiser mistake the copied weights hide.
        # Keras' own fc1 initialiser: Glorot over a Dense kernel [25088, 4096] counts fans
        # 49x smaller than slim's fc6 conv: its values spread 2.8x wider.
        fc6 = self.slim_shapes["vgg_16/fc6/weights"]
        slim_limit = math.sqrt(6.0 / (49 * (fc6[2] + fc6[3])))
        dense = keras.initializers.GlorotUniform(seed=0)((fc6[0] * fc6[1] * fc6[2], fc6[3]))
        self.assertGreater(float(tf.reduce_max(tf.abs(dense))) / slim_limit, 2.7)

    def test_weight_decay_is_slims_half_factor(self):
        kernels = [layer.kernel for layer in self.model.layers if hasattr(layer, "kernel")]
        self.assertEqual(len(self.model.losses), len(kernels))
        expected = sum(HP.weight_decay * float(tf.nn.l2_loss(kernel)) for kernel in kernels)
        self.assertAlmostEqual(float(tf.add_n(self.model.losses)) / expected, 1.0, places=5)

    def test_training_steps_are_refused(self):
        for side in (tf1_vgg16, tf2_vgg16):
            with self.assertRaisesRegex(UserError, "vgg16 compares one forward and backward pass"):
                side.trace(steps=3)


@pytest.mark.slow
@slim_nets.heavy_net_test
class Vgg16Test(testing.EquivalenceTest):
    """The full comparison at 224x224, seed 0 (from slim's start and from random biases)."""
    EXAMPLE = "vgg16"
    QUANTITIES = ("variables", "outputs", "loss", "gradients")

    def test_planted_fc6_wrong_axis_order_is_caught(self):
        self.assert_caught("outputs", random_start=False, tf1_names=fc6_flattened_channels_first)

    def test_planted_keras_l2_factor_is_caught(self):
        # PITFALLS #13: slim's l2 scale copied into Keras' L2.
        # keras.regularizers.L2(s) for slim.l2_regularizer(s): twice the weight decay.
        self.assert_caught("loss", random_start=False, HP=dataclasses.replace(
            HP, weight_decay=2 * HP.weight_decay))

    def test_planted_keras_fc1_initialiser_is_caught(self):
        # PITFALLS #28: an initialiser mistake the copied weights hide.
        # Keras' own fc1 (Glorot over Dense fans) instead of slim's fc6 (over conv fans).
        build_model = tf2_vgg16.build_model

        def keras_fc1(images):
            with mock.patch.object(slim_nets, "initialise", lambda *args: None):
                return build_model(images)
        self.assert_caught("initialisation", build_model=keras_fc1)

    def test_slim_checkpoint_converts_to_keras_weights(self):
        report = self.report(0)
        images, _ = slim_nets.mnist_images(HP.batch_size, HP.image_size)
        with tempfile.TemporaryDirectory() as directory:
            path = f"{directory}/vgg_16.ckpt"
            with tf.Graph().as_default():  # the slim model, initialised as the TF1 side is
                tf.compat.v1.set_random_seed(0)
                tf1_vgg16.build_model(tf.compat.v1.placeholder(tf.float32, [None, 224, 224, 3]))
                with tf.compat.v1.Session() as sess:
                    sess.run(tf.compat.v1.global_variables_initializer())
                    tf.compat.v1.train.Saver().save(sess, path)
            keras.utils.set_random_seed(1)
            model = tf2_vgg16.build_model(images)
            values = slim_nets.load_checkpoint(NAME_MAP(model), path)
        for name, value in values.items():
            self.assertTrue(np.array_equal(value, report.tf1.variables[name]), name)
        logits = model(slim_nets.vgg_preprocess(images, HP.rgb_means), training=False).numpy()
        np.testing.assert_allclose(logits, report.tf1.outputs["logits"],
                                   atol=FLOAT32_FORWARD.atol, rtol=FLOAT32_FORWARD.rtol)
