"""residual_model: tf.make_template shares block1's variables; one Keras layer object does too."""
import keras
import numpy as np
import tensorflow as tf

from tf1to2 import testing
from tf1_style import residual_model as tf1_residual
from tf2_style import residual_model as tf2_residual

v1 = tf.compat.v1
EXPECTED_TF1_NAMES = ["hidden1/kernel", "hidden1/bias",
                      "block1/dense_0/kernel", "block1/dense_0/bias",
                      "block1/dense_1/kernel", "block1/dense_1/bias",
                      "block2/dense_0/kernel", "block2/dense_0/bias",
                      "block2/dense_1/kernel", "block2/dense_1/bias",
                      "output/kernel", "output/bias"]


class UnsharedRegressor(tf2_residual.ResidualRegressor):
    """PITFALLS #21: a 'shared' block that is a new block (new weights) at each repetition."""
    def __init__(self, output_dim, **kwargs):
        super().__init__(output_dim, **kwargs)
        self.repeats = [tf2_residual.ResidualBlock(tf2_residual.HP.block_layers,
                                                   tf2_residual.HP.units) for _ in range(3)]

    def call(self, inputs):
        Z = self.block1(self.hidden1(inputs))
        for block in self.repeats:
            Z = block(Z)
        return self.out(self.block2(Z))


def unscoped_residual_block(inputs):
    """The TF1 mistake: the block's layers without a template or reuse, named per call."""
    Z = inputs
    for _ in range(tf1_residual.HP.block_layers):
        Z = v1.layers.dense(Z, tf1_residual.HP.units, activation=tf.nn.elu)
    return inputs + Z


class ResidualModelTest(testing.EquivalenceTest):
    SLOW_SEEDS = True  # seeds 1 and 2 with -m slow: keeps CI within its time
    EXAMPLE = "residual_model"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")
    RANDOM_SCALE = 0.3  # the tolerances were measured from N(0, 0.3²) starts

    def test_shared_block_creates_its_variables_once(self):
        # TF1: the template makes block1's four variables on its first call and reuses them.
        with tf.Graph().as_default():
            tf1_residual.build_model(v1.placeholder(tf.float32, [None, 8]))
            self.assertEqual([v.op.name for v in v1.trainable_variables()], EXPECTED_TF1_NAMES)
        # TF2: the model holds 12 variables, block1's four once, though it is called 4 times.
        model = tf2_residual.build_model(np.zeros((1, 8), np.float32))
        self.assertEqual(len(model.trainable_variables), len(EXPECTED_TF1_NAMES))
        self.assertEqual(len(model.block1.trainable_variables), 4)
        self.assertEqual(sorted(tf2_residual.tf1_names(model)), sorted(EXPECTED_TF1_NAMES))

    def test_without_template_tf1_makes_new_variables_per_call(self):
        # The TF1 form of PITFALLS #21: without make_template (or reuse), each call of the block
        # function adds two new dense layers.
        with tf.Graph().as_default():
            Z = v1.placeholder(tf.float32, [None, 30])
            for _ in range(4):
                Z = unscoped_residual_block(Z)
            self.assertEqual(len(v1.trainable_variables()), 4 * 4)

    def test_planted_unshared_block_is_caught(self):
        # PITFALLS #21: a 'shared' block that is not shared.
        report = self.assert_caught("outputs", ResidualRegressor=UnsharedRegressor)
        self.assertGreater(report.check("outputs").max_abs_diff, 1.0)

    def test_planted_missing_residual_connection_is_caught(self):
        class PlainBlock(tf2_residual.ResidualBlock):
            def call(self, inputs):
                return super().call(inputs) - inputs
        self.assert_caught("outputs", ResidualBlock=PlainBlock)

    def test_planted_block1_applied_three_times_is_caught(self):
        class ThreeTimes(tf2_residual.ResidualRegressor):
            def call(self, inputs):
                Z = self.hidden1(inputs)
                for _ in range(3):
                    Z = self.block1(Z)
                return self.out(self.block2(Z))
        self.assert_caught("outputs", ResidualRegressor=ThreeTimes)

    def test_own_initialiser_is_he_normal(self):
        # alignment "copy" hides a wrong initialiser from the copied-weights checks
        # (PITFALLS #28): the TF2 side's own draws have he_normal's scale, not glorot's.
        model = tf2_residual.build_model(np.zeros((1, 8), np.float32))
        kernel = np.asarray(model.block1.hidden[0].kernel)
        self.assertAlmostEqual(float(kernel.std()), np.sqrt(2 / 30), delta=0.05)
        glorot = keras.layers.Dense(30)
        glorot.build((None, 30))
        self.assertLess(float(np.asarray(glorot.kernel).std()), 0.2)
