"""mobilenet_v2: the handbook's legacy tf.keras MobileNetV2 in a graph vs Keras 3, 262 variables.

One comparison builds both 52-batch-norm networks, differentiates them and takes two Adam steps:
tens of seconds of CPU on an idle machine (minutes on a loaded one), so the comparisons are slow
tests (`python -m pytest -m slow equivalence_tests/test_mobilenet_v2.py`, and `tf1to2 compare
mobilenet_v2`). The fast tests build each model once without running it: the name map, the
batch-norm settings, where the update ops are, and the data.
"""
import dataclasses
import json
import types
import unittest
from unittest import mock

import keras
import numpy as np
import pytest
import tensorflow.compat.v1 as tf1
import tf_keras

from tf1to2 import cli, harness, mapping, slim_nets, testing
from tf1to2.data import mnist_images
from tf1to2.errors import UserError
from tf1to2.tolerances import applications as app_tol
from tf1_style import mobilenet_v2 as tf1_mobilenet
from tf2_style import mobilenet_v2 as tf2_mobilenet

HP = tf2_mobilenet.HP
NAME_MAP = tf2_mobilenet.tf1_names


def tf1_graph_model():
    """The TF1 side's model in a graph of its own: {name: shape}, its model.updates, UPDATE_OPS."""
    with tf1.Graph().as_default():
        images = tf1.placeholder(tf1.float32, [None, HP.image_size, HP.image_size, 3])
        model = tf1_mobilenet.build_model(images)
        return ({v.op.name: tuple(v.shape.as_list()) for v in model.weights}, len(model.updates),
                tf1.get_collection(tf1.GraphKeys.UPDATE_OPS),
                [(layer.momentum, layer.epsilon) for layer in model.layers
                 if isinstance(layer, tf_keras.layers.BatchNormalization)])


def test_fused_batch_norm_moves_by_the_unbiased_variance_keras_3_by_the_biased():
    """PITFALLS #48: one training update at momentum 0 on n = 4 values per channel: TF1's fused
    batch norm stores var·n/(n − 1) as the moving variance, Keras 3 stores var."""
    x = np.array([[[[1.0]], [[2.0]]], [[[4.0]], [[7.0]]]], np.float32)  # [2, 2, 1, 1]: n = 4
    biased = float(np.var(x))
    with tf1.Graph().as_default(), tf1.Session() as session:
        y = tf1.layers.batch_normalization(tf1.constant(x), momentum=0.0, training=True,
                                           fused=True)
        with tf1.control_dependencies(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)):
            y = tf1.identity(y)
        session.run(tf1.global_variables_initializer())
        session.run(y)
        [tf1_variance] = session.run([v for v in tf1.global_variables()
                                      if "moving_variance" in v.name])
    layer = keras.layers.BatchNormalization(momentum=0.0)
    layer(x, training=True)
    np.testing.assert_allclose(tf1_variance, [biased * 4 / 3], rtol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), [biased], rtol=1e-6)


class MobileNetV2MapTest(unittest.TestCase):
    """Fast: the name map, batch-norm settings and update ops, each model built once, no run."""

    @classmethod
    def setUpClass(cls):
        cls.tf1_shapes, cls.updates, cls.update_ops, cls.tf1_norms = tf1_graph_model()
        keras.utils.set_random_seed(0)
        cls.model = tf2_mobilenet.build_model(np.zeros((1, HP.image_size, HP.image_size, 3)))
        cls.name_map = NAME_MAP(cls.model)

    def test_both_sides_have_262_variables(self):
        self.assertEqual(len(self.tf1_shapes), 262)
        self.assertEqual(len(self.model.weights), 262)
        self.assertEqual(len(self.model.trainable_weights), 158)  # 52 BN x 2 + 54 kernels/bias
        kinds = {name.rsplit("/", 1)[-1] for name in self.tf1_shapes}
        self.assertEqual(kinds, {"kernel", "depthwise_kernel", "bias", "gamma", "beta",
                                 "moving_mean", "moving_variance"})

    def test_name_map_pairs_every_variable_once_with_its_shape(self):
        mapping.check_names(self.tf1_shapes, self.name_map, "the name map")
        self.assertEqual({id(variable) for variable in self.name_map.values()},
                         {id(variable) for variable in self.model.weights})
        for name, variable in self.name_map.items():
            self.assertEqual(self.tf1_shapes[name], tuple(variable.shape), name)

    def test_depthwise_kernels_are_named_differently(self):
        # tf_keras' DepthwiseConv2D calls its kernel depthwise_kernel, Keras 3's calls it kernel:
        # the only names the two sides do not share (17 of 262).
        depthwise = sorted(name for name in self.tf1_shapes if name.endswith("/depthwise_kernel"))
        self.assertEqual(len(depthwise), 17)
        self.assertEqual([self.name_map[name].path for name in depthwise],
                         [name.replace("/depthwise_kernel", "/kernel") for name in depthwise])
        same = {variable.path for variable in self.model.weights} & set(self.tf1_shapes)
        self.assertEqual(len(same), 262 - 17)

    def test_planted_keras_3_paths_as_names_are_caught(self):
        # A map keyed by Keras 3's variable paths (what a checkpoint of the TF2 model holds)
        # is refused by name, each depthwise kernel listed, not loaded by position.
        by_path = {variable.path: variable for variable in self.model.weights}
        with self.assertRaisesRegex(UserError, r"^initial values does not match the model: "
                                               r"missing block_10_depthwise/kernel, .*; extra "
                                               r"block_10_depthwise/depthwise_kernel, "):
            mapping.assign(by_path, {name: np.zeros(shape, np.float32)
                                     for name, shape in self.tf1_shapes.items()})

    def test_planted_variable_missing_from_name_map_is_caught(self):
        name_map = dict(self.name_map)
        del name_map["block_16_project_BN/moving_variance"]
        with self.assertRaisesRegex(UserError, "^initial values does not match the model: extra "
                                               "block_16_project_BN/moving_variance$"):
            mapping.assign(name_map, {name: np.ones(shape, np.float32)
                                      for name, shape in self.tf1_shapes.items()})

    def test_planted_layer_type_left_out_of_the_map_is_caught(self):
        # A tf1_names that forgot DepthwiseConv2D refuses, listing the 17 kernels it left out.
        layers = types.SimpleNamespace(BatchNormalization=keras.layers.BatchNormalization,
                                       Conv2D=keras.layers.Conv2D, Dense=keras.layers.Dense,
                                       DepthwiseConv2D=type("NotALayer", (), {}))
        with mock.patch.object(tf2_mobilenet, "keras", types.SimpleNamespace(layers=layers)):
            with self.assertRaisesRegex(UserError, r"^the name map leaves out 17 Keras variables: "
                                                   r"expanded_conv_depthwise/kernel, "):
                NAME_MAP(self.model)

    def test_update_ops_are_model_updates_not_the_collection(self):
        # PITFALLS #15: tf.keras layers in a graph do not add to UPDATE_OPS; the TF1 idiom
        # tf.control_dependencies(tf.get_collection(UPDATE_OPS)) would run none of the 104
        # moving-average assignments (two per batch norm): the train op depends on model.updates.
        self.assertEqual(self.updates, 104)
        self.assertEqual(self.update_ops, [])

    def test_batch_norm_is_the_same_and_not_keras_defaults(self):
        # PITFALLS #15: both MobileNetV2s set momentum 0.999; a hand-built Keras copy with
        # BatchNormalization() defaults would have 0.99.
        norms = [(layer.momentum, layer.epsilon) for layer in self.model.layers
                 if isinstance(layer, keras.layers.BatchNormalization)]
        self.assertEqual(len(norms), 52)
        self.assertEqual(set(norms), {(HP.batch_norm_momentum, HP.batch_norm_epsilon)})
        self.assertEqual(set(self.tf1_norms), {(HP.batch_norm_momentum, HP.batch_norm_epsilon)})
        self.assertEqual(keras.layers.BatchNormalization().momentum, 0.99)


class FiveClassDataTest(unittest.TestCase):
    def test_bundled_digits_0_to_4_resized_to_rgb(self):
        images = mnist_images.five_classes(HP.image_size, "bundled")
        self.assertEqual(images.train_images.shape[1:], (HP.image_size, HP.image_size, 3))
        self.assertEqual(images.train_images.dtype, np.float32)
        self.assertEqual(sorted(set(images.train_labels)), [0, 1, 2, 3, 4])
        self.assertEqual(sorted(set(images.eval_labels)), [0, 1, 2, 3, 4])
        self.assertTrue(0.0 <= images.train_images.min() and images.train_images.max() <= 1.0)
        np.testing.assert_array_equal(images.train_images[..., 0], images.train_images[..., 2])
        self.assertIn("bundled MNIST", images.source)
        self.assertIn("digits 0-4", images.source)

    def test_auto_falls_back_to_the_digits_and_says_why(self):
        def unreachable(size):
            raise UserError("tf_flowers is not available: no network")
        with mock.patch.object(mnist_images, "tf_flowers", unreachable):
            images = mnist_images.five_classes(HP.image_size, "auto")
            with self.assertRaisesRegex(UserError, "^tf_flowers is not available: no network$"):
                mnist_images.five_classes(HP.image_size, "tf_flowers")
        self.assertIn("digits 0-4", images.source)
        self.assertIn("tf_flowers is not available: no network", images.source)

    def test_unknown_source_is_one_line_error(self):
        with self.assertRaisesRegex(UserError, "^unknown image source 'flowers': use auto, "
                                               "bundled or tf_flowers$"):
            mnist_images.five_classes(HP.image_size, "flowers")


def with_each_layer(kind, edit):
    """The TF2 side's build_model, then ``edit(layer)`` on each of its layers of type ``kind``."""
    build_model = tf2_mobilenet.build_model

    def build(images):
        model = build_model(images)
        for layer in model.layers:
            if isinstance(layer, kind):
                edit(layer)
        return model
    return build


def without_model_updates(model, optimizer, loss):
    """The TF1 idiom of tf.layers code, wrong here: UPDATE_OPS is empty for tf.keras layers."""
    with tf1.control_dependencies(tf1.get_collection(tf1.GraphKeys.UPDATE_OPS)):
        return optimizer.minimize(loss, var_list=model.trainable_variables)


@pytest.mark.slow
@slim_nets.heavy_net_test
class MobileNetV2Test(testing.EquivalenceTest):
    """The full comparison, seed 0 (from tf_keras' start and from random batch-norm statistics).

    The planted mistakes run from tf_keras' start (random_start=False): each then costs one TF2
    run, the TF1 trace being computed once per class (slim_nets.heavy_net_test).
    """
    EXAMPLE = "mobilenet_v2"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")

    def test_moving_statistics_move(self):
        trace = self.report(0).tf1
        for name in ("bn_Conv1/moving_mean", "Conv_1_bn/moving_variance"):
            self.assertGreater(np.abs(trace.final_variables[name] - trace.variables[name]).max(),
                               1e-4, name)

    def test_planted_training_flag_left_at_inference_is_caught(self):
        # PITFALLS #16: model(x) in the train step normalises by the moving statistics (still
        # mean 0, variance 1) and never updates them.
        report = self.assert_caught("losses", random_start=False,
                                    HP=dataclasses.replace(HP, training=False))
        self.assertFalse(report.check("metrics").ok)

    def test_planted_keras_default_batch_norm_momentum_is_caught(self):
        # PITFALLS #15: BatchNormalization's default momentum 0.99 where MobileNetV2 has 0.999:
        # the moving statistics move ten times as fast; training-mode losses do not see it.
        keras_default = with_each_layer(keras.layers.BatchNormalization,
                                        lambda layer: setattr(layer, "momentum", 0.99))
        report = self.assert_caught("metrics", random_start=False, build_model=keras_default)
        self.assertTrue(report.check("losses").ok)

    def test_planted_softmax_output_is_caught(self):
        # PITFALLS #11: keras.applications end in a softmax unless classifier_activation=None;
        # the loss then takes probabilities as logits.
        build_model = tf2_mobilenet.build_model

        def with_softmax(images):
            return keras.applications.MobileNetV2(input_shape=images.shape[1:], alpha=HP.alpha,
                                                  weights=None, classes=HP.classes)
        self.assert_caught("outputs", random_start=False, build_model=with_softmax)

    def test_planted_he_normal_kernels_are_caught(self):
        # PITFALLS #28: the copied weights hide the TF2 side's own initialisers; He-normal
        # kernels (a common "fix" for ReLU nets) instead of both sides' glorot_uniform.
        he_normal = with_each_layer(keras.layers.Conv2D, lambda layer: slim_nets.initialise(
            layer.kernel, keras.initializers.HeNormal()))
        self.assert_caught("initialisation", build_model=he_normal)

    def test_planted_tf1_update_collection_instead_of_model_updates_is_caught(self):
        # PITFALLS #15: the TF1 train op built on UPDATE_OPS (empty for tf.keras layers): the
        # moving statistics stay at 0 and 1 while Keras 3's move.
        with mock.patch.object(tf1_mobilenet, "build_train_step", without_model_updates):
            planted = type(self)._tf1_trace(seed=0, steps=HP.steps)  # not the cached trace
        for name, value in planted.metrics.items():
            np.testing.assert_array_equal(value, planted.variables[name], name)
        check = harness.compare_values("metrics", planted.metrics, self.report(0).tf2.metrics,
                                       app_tol.MOBILENET_V2_STATISTICS)
        self.assertFalse(check.ok)


@pytest.mark.slow
def test_train_job_on_few_batches(tmp_path, capsys):
    plot = tmp_path / "mobilenet_v2.png"
    code = cli.main(["compare", "mobilenet_v2", "--train", "--steps", "3", "--json",
                     "--plot", str(plot)])
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["equivalent"], result
    assert set(result["eval_accuracy"]) == {"tf1", "tf2"} and result["steps"] == 3
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_train_job_refuses_zero_batches(capsys):
    assert cli.main(["compare", "mobilenet_v2", "--train", "--steps", "0"]) == 2
    assert "must be 1 or more" in capsys.readouterr().err
