"""inception_v3: tf-slim's inception_v3 vs keras.applications.InceptionV3, 378 variables mapped.

One comparison at 299x299 builds both 94-conv networks and takes ~25 s of CPU (minutes on a
loaded machine), so the comparisons are slow tests (`python -m pytest -m slow
equivalence_tests/test_inception_v3.py`, and `tf1to2 compare inception_v3`). The fast tests
check the generated name map without running the network: the counts, the shapes, the
ordering rule and its refusals, the initialisers and the batch-norm settings.
"""
import math
import tempfile
import unittest
from unittest import mock

import keras
import numpy as np
import pytest
import tensorflow as tf
import tf_slim as slim
from tf_slim.nets import inception_v3

from tf1to2 import layouts, mapping, slim_nets, testing
from tf1to2.errors import UserError
from tf1to2.tolerances import applications as app_tol
from tf1_style import inception_v3 as tf1_inception
from tf2_style import inception_v3 as tf2_inception

HP = tf2_inception.HP
LOGITS = "InceptionV3/Logits/Conv2d_1c_1x1"
NAME_MAP = tf2_inception.tf1_names


def swapped_convs(model):
    """The generated map with two convs of equal shape swapped (Mixed_5b's two 1x1 192->64)."""
    names = NAME_MAP(model)
    first, second = (f"InceptionV3/Mixed_5b/Branch_{b}/Conv2d_0a_1x1/weights" for b in "02")
    names[first], names[second] = names[second], names[first]
    return names


class AlwaysTraining:
    """A model whose caller forgot the flag: every call runs in training mode (batch statistics)."""

    def __init__(self, model):
        self.model = model

    def __getattr__(self, name):
        return getattr(self.model, name)

    def __call__(self, images, training=False):
        return self.model(images, training=True)


class InceptionV3MapTest(unittest.TestCase):
    """Fast: the generated name map, the initialisers and batch norm, each model built once."""

    @classmethod
    def setUpClass(cls):
        cls.slim_shapes = slim_nets.slim_inception_v3_shapes(HP.classes)
        images, _ = slim_nets.mnist_images(HP.batch_size, HP.image_size)
        keras.utils.set_random_seed(0)
        cls.model = tf2_inception.build_model(images)
        cls.name_map = NAME_MAP(cls.model)

    def test_both_sides_have_378_variables(self):
        kinds = lambda names: sorted({name.rsplit("/", 1)[-1] for name in names})  # noqa: E731
        self.assertEqual(len(self.slim_shapes), 378)
        self.assertEqual(len(self.model.weights), 378)
        for kind in ("weights", "beta", "moving_mean", "moving_variance"):
            self.assertEqual(sum(n.endswith("/" + kind) for n in self.slim_shapes),
                             95 if kind == "weights" else 94, kind)
        self.assertEqual(kinds(self.slim_shapes),
                         ["beta", "biases", "moving_mean", "moving_variance", "weights"])
        self.assertEqual(len(self.model.trainable_weights), 190)  # 94 kernels, 94 betas, logits

    def test_generated_map_pairs_every_variable_once_with_its_shape(self):
        mapping.check_names(self.slim_shapes, self.name_map, "the generated name map")
        keras_variables = {id(getattr(entry, "variable", entry)) for entry in self.name_map.values()}
        self.assertEqual(keras_variables, {id(variable) for variable in self.model.weights})
        for name, entry in self.name_map.items():
            shape = self.slim_shapes[name]
            if isinstance(entry, mapping.Converted):
                shape = np.shape(entry.to_tf2(np.empty(shape, np.float32)))
            self.assertEqual(shape, tuple(getattr(entry, "variable", entry).shape), name)
        self.assertIs(self.name_map[f"{LOGITS}/biases"], self.model.get_layer("predictions").bias)

    def test_slim_scope_names_sort_in_creation_order(self):
        # The ordering rule: slim numbers each layer in its branch by a letter (Conv2d_0a, 0b,
        # ..., 1a), so sorting the scopes gives the order slim's code creates them in.
        created = [name.rsplit("/", 1)[0] for name in self.slim_shapes
                   if name.endswith("/weights") and not name.startswith(LOGITS)]
        self.assertEqual(created, sorted(created))
        self.assertIn("InceptionV3/Mixed_5c/Branch_1/Conv_1_0c_5x5", created)  # slim's odd name

    def test_keras_layers_are_listed_in_topological_not_construction_order(self):
        convs = [layer for layer in self.model.layers if isinstance(layer, keras.layers.Conv2D)]
        self.assertNotEqual(convs, slim_nets.construction_order(convs))

    def test_shapes_alone_are_ambiguous(self):
        # The shared proposer (kind, shape, creation order of auto-numbered scopes) refuses this
        # net: its convs repeat shapes across blocks with hand-named scopes. Hence the rule.
        with self.assertRaisesRegex(UserError, "^ambiguous: "):
            layouts.propose_map(self.slim_shapes, self.model)

    def test_planted_topological_layer_order_is_refused(self):
        # Mixed_5b's branches are listed in another order: the first pair whose shapes differ.
        with self.assertRaisesRegex(UserError, r"^generated name map: InceptionV3/Mixed_5b/Branch_1/"
                                               r"Conv2d_0b_5x5/weights \(5, 5, 48, 64\) would be "
                                               r"\S+ \(3, 3, 64, 96\): the orders disagree$"):
            slim_nets.generated_name_map(self.slim_shapes, self.model, LOGITS,
                                         order=lambda layers: layers)

    def test_planted_variable_missing_from_name_map_is_refused(self):
        name_map = dict(self.name_map)
        del name_map["InceptionV3/Mixed_6e/Branch_3/Conv2d_0b_1x1/BatchNorm/moving_mean"]
        with self.assertRaisesRegex(UserError, "^initial values does not match the model: extra "
                                               "InceptionV3/Mixed_6e/Branch_3/Conv2d_0b_1x1/"
                                               "BatchNorm/moving_mean$"):
            mapping.assign(name_map, {name: np.empty(shape, np.float32)
                                      for name, shape in self.slim_shapes.items()})

    def test_aux_logits_and_background_class_have_no_keras_counterpart(self):
        # slim's auxiliary head (built by default; the slow checkpoint test builds it): two
        # convs with batch norm and a 1x1 logits conv with biases, on Mixed_6e's 768 channels.
        aux = "InceptionV3/AuxLogits/Conv2d_"
        with_aux = dict(self.slim_shapes, **{f"{aux}2b_1x1/weights": (1, 1, 768, HP.classes),
                                             f"{aux}2b_1x1/biases": (HP.classes,)})
        for scope, shape in (("1b_1x1", (1, 1, 768, 128)), ("2a_5x5", (5, 5, 128, 768))):
            with_aux[f"{aux}{scope}/weights"] = shape
            for variable in ("beta", "moving_mean", "moving_variance"):
                with_aux[f"{aux}{scope}/BatchNorm/{variable}"] = shape[-1:]
        with self.assertRaisesRegex(UserError, "^slim has 97 conv layers, Keras 94$"):
            slim_nets.generated_name_map(with_aux, self.model, LOGITS)
        background = dict(self.slim_shapes, **{f"{LOGITS}/weights": (1, 1, 2048, 1001),
                                               f"{LOGITS}/biases": (1001,)})
        name_map = slim_nets.generated_name_map(background, self.model, LOGITS)
        with self.assertRaisesRegex(UserError, r"^cannot reshape \[1, 1, 2048, 1001\] to the Dense "
                                               r"kernel \[2048, 1000\] of predictions$"):
            mapping.assign(name_map, {name: np.empty(shape, np.float32)
                                      for name, shape in background.items()})

    def test_initialisers_are_slims(self):
        # inception_v3_arg_scope: variance_scaling_initializer() = truncated normal of stddev
        # sqrt(1.3 * 2 / fan_in), whose spread is sqrt(2 / fan_in) within 0.3% (Keras HeNormal).
        # Betas and moving means start at 0, moving variances at 1, the logits' biases at 0.
        for name, value in mapping.read(self.name_map).items():
            if name.endswith("weights"):
                fan_in = math.prod(self.slim_shapes[name][:-1])
                slim_stddev = math.sqrt(1.3 * 2.0 / fan_in)
                self.assertLessEqual(np.abs(value).max(), 2 * slim_stddev, name)
                self.assertAlmostEqual(value.std() / (0.87962566 * slim_stddev), 1.0,
                                       delta=3 / math.sqrt(value.size) + 1e-3, msg=name)
            else:
                self.assertTrue(np.all(value == float(name.endswith("moving_variance"))), name)

    def test_planted_keras_default_initialiser_is_caught(self):
        # PITFALLS #28: an initialiser mistake the copied weights hide.
        # Keras' own glorot_uniform has variance 2 / (fan_in + fan_out), not 2 / fan_in: for
        # the first 3x3 conv (fans 27 and 288) its spread is 3.4x smaller than slim's.
        shape = self.slim_shapes["InceptionV3/Conv2d_1a_3x3/weights"]
        glorot = keras.initializers.GlorotUniform(seed=0)(shape).numpy()
        slim_spread = math.sqrt(2.0 / math.prod(shape[:-1]))
        self.assertLess(glorot.std() / slim_spread, 0.5)

    def test_batch_norm_is_slims(self):
        norms = [layer for layer in self.model.layers
                 if isinstance(layer, keras.layers.BatchNormalization)]
        self.assertEqual(len(norms), 94)
        for norm in norms:  # slim: no gamma (scale=False), epsilon 0.001, decay 0.9997
            self.assertEqual((norm.scale, norm.center, norm.epsilon, norm.momentum),
                             (False, True, HP.batch_norm_epsilon, HP.batch_norm_decay), norm.name)

    def test_training_steps_are_refused(self):
        for side in (tf1_inception, tf2_inception):
            with self.assertRaisesRegex(UserError, "inception_v3 compares one forward"):
                side.trace(steps=1)


@pytest.mark.slow
@slim_nets.heavy_net_test
class InceptionV3Test(testing.EquivalenceTest):
    """The full comparison at 299x299, seed 0 (from slim's start and from random statistics)."""
    EXAMPLE = "inception_v3"
    QUANTITIES = ("variables", "outputs", "loss")

    def test_planted_swapped_convs_of_equal_shape_are_caught(self):
        # Shapes cannot tell these two apart; the logits can.
        self.assert_caught("outputs", random_start=False, tf1_names=swapped_convs)

    def test_planted_training_flag_left_on_is_caught(self):
        # PITFALLS #16: batch norm left in training mode.
        build_model = tf2_inception.build_model
        self.assert_caught("outputs", random_start=True,
                           build_model=lambda images: AlwaysTraining(build_model(images)))

    def test_planted_keras_default_initialisers_are_caught(self):
        # PITFALLS #28: initialiser mistakes the copied weights hide.
        # keras.applications' own glorot_uniform kernels instead of slim's He initialiser.
        build_model = tf2_inception.build_model

        def keras_initialisers(images):
            with mock.patch.object(slim_nets, "initialise", lambda *args: None):
                return build_model(images)
        self.assert_caught("initialisation", build_model=keras_initialisers)

    def test_model_zoo_checkpoint_converts(self):
        # slim's released checkpoints have 1001 classes (class 0: "background") and the
        # auxiliary head: the conversion leaves AuxLogits out and drops the background row.
        images, _ = slim_nets.mnist_images(HP.batch_size, HP.image_size)
        images = slim_nets.inception_preprocess(images)
        with tempfile.TemporaryDirectory() as directory:
            path = f"{directory}/inception_v3.ckpt"
            with tf.Graph().as_default():
                tf.compat.v1.set_random_seed(0)
                with slim.arg_scope(inception_v3.inception_v3_arg_scope()):
                    logits, _ = inception_v3.inception_v3(tf.constant(images), num_classes=1001,
                                                          is_training=False)
                with tf.compat.v1.Session() as sess:
                    sess.run(tf.compat.v1.global_variables_initializer())
                    slim_logits = sess.run(logits)
                    tf.compat.v1.train.Saver().save(sess, path)
            keras.utils.set_random_seed(1)
            model = tf2_inception.build_model(images)
            values = slim_nets.load_checkpoint(
                NAME_MAP(model), path, drop_background=[f"{LOGITS}/weights", f"{LOGITS}/biases"],
                ignore=["InceptionV3/AuxLogits/"])
        self.assertEqual(len(values), 378)
        tolerance = app_tol.INCEPTION_V3_FORWARD
        np.testing.assert_allclose(model(images, training=False).numpy(), slim_logits[:, 1:],
                                   atol=tolerance.atol, rtol=tolerance.rtol)
