"""optimizers: every tf.compat.v1.train optimizer against its Keras 3 translation."""
import dataclasses
import types
from unittest import mock

import keras
import numpy as np
from parameterized import parameterized

from tf1to2 import harness, slots, testing
from tf1to2 import tolerances as tol
from tf1to2.tolerances import optimizers as optimizer_tol
from tf1_style import optimizers as tf1_optimizers
from tf2_style import optimizers as tf2_optimizers

HP = tf2_optimizers.HP


def select(values, name):
    """The entries of a flattened quantity that belong to optimizer ``name``."""
    return {key: value for key, value in harness.flatten(values).items()
            if f"/{name}/" in f"/{key}/"}


def replacing(name, factory):
    """``build_optimizer`` with the optimizer ``name`` replaced by ``factory()``: a planted mistake."""
    original = tf2_optimizers.build_optimizer
    return lambda built: factory() if built == name else original(built)


class EpsilonOutsideAdadelta(keras.optimizers.Adadelta):
    """Adadelta with epsilon added outside the square roots: sqrt(x) + ε, not sqrt(x + ε)."""

    def update_step(self, grad, variable, learning_rate):
        ops = keras.ops
        accumulated_grad = self._accumulated_grads[self._get_variable_index(variable)]
        accumulated_delta = self._accumulated_delta_vars[self._get_variable_index(variable)]
        rho = self.rho
        self.assign(accumulated_grad, rho * accumulated_grad + (1 - rho) * ops.square(grad))
        delta = -(ops.sqrt(accumulated_delta) + self.epsilon) * grad / (
            ops.sqrt(accumulated_grad) + self.epsilon)
        self.assign(accumulated_delta, rho * accumulated_delta + (1 - rho) * ops.square(delta))
        self.assign_add(variable, ops.cast(learning_rate, variable.dtype) * delta)


class OptimizersTest(testing.EquivalenceTest):
    SLOW_SEEDS = True  # seeds 1 and 2 with -m slow: keeps CI within its time
    EXAMPLE = "optimizers"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")
    # The TF2 side copies the TF1 initial weights (glorot uniform kernels, zero biases: the same
    # initialisers on both sides); the map is one mechanical entry per copy, and a random start
    # would add three full runs of 22 models to the budget.
    RANDOM_START = False

    @parameterized.expand(testing.SEEDS)
    def test_each_optimizer_within_its_own_tolerance(self, seed):
        report = self.report(seed)
        for name in HP.names:
            tolerance = optimizer_tol.PER_OPTIMIZER[name]
            for quantity in ("losses", "trajectory", "outputs"):
                tf1_values = select(getattr(report.tf1, quantity), name)
                tf2_values = select(getattr(report.tf2, quantity), name)
                if quantity == "outputs":  # the state has its own tolerance (OPTIMIZER_STATE)
                    tf1_values = {k: v for k, v in tf1_values.items() if not k.startswith("state/")}
                    tf2_values = {k: v for k, v in tf2_values.items() if not k.startswith("state/")}
                self.assertTrue(tf1_values)
                check = harness.compare_values(quantity, tf1_values, tf2_values, tolerance)
                self.assertTrue(check.ok, f"{name} {quantity}: {check.max_abs_diff:.3e} "
                                          f"(rel {check.max_rel_diff:.3e}) over {tolerance.name}")

    def test_the_optimizer_state_is_compared_in_tf1_slot_names(self):
        state = {k for k in self.report(0).tf2.outputs if k.startswith("state/")}
        for name in ("small/Adam/dense/kernel/Adam", "small/Adam/dense/kernel/Adam_1",
                     "small/Adam/beta1_power", "small/CenteredRMSProp/dense/bias/RMSProp_2",
                     "small/FtrlL1L2/dense/kernel/Ftrl_1", "small/Momentum/dense/kernel/Momentum"):
            self.assertIn(f"state/{name}", state)
        self.assertNotIn("state/small/RMSProp/dense/kernel/RMSProp_1", state)  # momentum 0

    def test_every_optimizer_learns(self):
        for key, first in self.report(0).tf1.losses[0].items():
            self.assertLess(self.report(0).tf1.losses[-1][key], first, key)

    def test_without_keras_counterpart_closest_is_measured(self):
        # ProximalAdagrad (l1, l2 = 0.01) and AdagradDA against keras.optimizers.Adagrad, the
        # closest: not equivalent, and the difference is what the guide reports.
        names = HP.closest_only
        tf1_trace = tf1_optimizers.train(0, HP.steps, names)
        tf2_trace = tf2_optimizers.train(0, HP.steps, names, initial_values=tf1_trace.variables)
        for name in names:
            check = harness.compare_values("trajectory", select(tf1_trace.trajectory, name),
                                           select(tf2_trace.trajectory, name),
                                           tol.FLOAT32_TRAINING)
            self.assertFalse(check.ok, name)
            self.assertGreater(check.max_abs_diff, 1e-4, name)

    def test_proximal_adagrad_without_regularisation_is_adagrad(self):
        hp = dataclasses.replace(HP, proximal_l1=0.0, proximal_l2=0.0)
        with mock.patch.object(tf1_optimizers, "HP", hp):
            tf1_trace = tf1_optimizers.train(0, HP.steps, ("ProximalAdagrad",))
        tf2_trace = tf2_optimizers.train(0, HP.steps, ("ProximalAdagrad",),
                                         initial_values=tf1_trace.variables)
        check = harness.compare_values("trajectory", tf1_trace.trajectory, tf2_trace.trajectory,
                                       tol.FLOAT32_TRAINING)
        self.assertTrue(check.ok, check.max_abs_diff)

    def test_keras_3_silently_ignores_decay(self):
        # Keras 3 optimizers accept `decay=` and drop it with a warning: the TF1 RMSProp decay
        # must go to `rho`.
        optimizer = keras.optimizers.RMSprop(0.01, decay=0.95)
        self.assertEqual(optimizer.rho, 0.9)
        self.assertNotIn("decay", optimizer.get_config())


class PlantedOptimizerMistakesTest(testing.EquivalenceTest):
    """The planted mistakes, on the optimizers they concern only (a cheaper comparison)."""
    SLOW_SEEDS = True  # seeds 1 and 2 with -m slow: keeps CI within its time
    EXAMPLE = "optimizers"
    QUANTITIES = OptimizersTest.QUANTITIES
    RANDOM_START = False
    NAMES = ("Nesterov", "Adagrad", "Adadelta", "RMSProp")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        subset = dataclasses.replace(HP, names=cls.NAMES)
        cls._subset = [mock.patch.object(module, "HP", subset)
                       for module in (tf1_optimizers, tf2_optimizers)]
        for patch in cls._subset:
            patch.start()

    @classmethod
    def tearDownClass(cls):
        for patch in cls._subset:
            patch.stop()
        super().tearDownClass()

    def test_planted_rmsprop_accumulator_from_zero_is_caught(self):
        # Keras' own RMSprop: velocity from 0, where TF1's rms slot starts at 1 (PITFALLS #9).
        plain = types.SimpleNamespace(TF1RMSprop=keras.optimizers.RMSprop,
                                      from_keras=slots.from_keras,
                                      keras_kind_of=slots.keras_kind_of)
        report = self.assert_caught("trajectory", slots=plain)
        self.assertFalse(report.check("outputs").ok)  # the state too

    def test_planted_decay_passed_as_keras_decay_is_caught(self):
        self.assert_caught("trajectory", build_optimizer=replacing("RMSProp", lambda: (
            slots.TF1RMSprop(HP.learning_rate, decay=HP.rmsprop_decay,
                             epsilon=HP.rmsprop_epsilon))))

    def test_planted_nesterov_flag_dropped_is_caught(self):
        self.assert_caught("trajectory", build_optimizer=replacing("Nesterov", lambda: (
            keras.optimizers.SGD(HP.learning_rate, momentum=HP.momentum))))

    def test_planted_adagrad_accumulator_from_zero_is_caught(self):
        # Keras 2's Adagrad started its accumulator at 0 (TF1: 0.1; PITFALLS #10).
        self.assert_caught("trajectory", build_optimizer=replacing("Adagrad", lambda: (
            keras.optimizers.Adagrad(HP.learning_rate, initial_accumulator_value=0.0))))

    def test_planted_epsilon_outside_the_square_root_is_caught(self):
        # PITFALLS #9: RMSProp's epsilon sits inside the root in TF1.
        # Adadelta's first steps are sqrt(ε)·g / sqrt(E[g²] + ε): ε outside the root makes the
        # numerator ε instead of sqrt(ε), 1e-8 instead of 1e-4.
        self.assert_caught("trajectory", build_optimizer=replacing("Adadelta", lambda: (
            EpsilonOutsideAdadelta(HP.adadelta_learning_rate, rho=HP.adadelta_rho,
                                   epsilon=HP.adadelta_epsilon))))

    def test_planted_keras_default_adadelta_epsilon_is_caught(self):
        # PITFALLS #10: Adadelta's defaults differ.
        self.assert_caught("trajectory", build_optimizer=replacing("Adadelta", lambda: (
            keras.optimizers.Adadelta(HP.adadelta_learning_rate, rho=HP.adadelta_rho))))
