"""The equivalence test every example inherits, and the planted-mistake helper.

A test file subclasses :class:`EquivalenceTest`, names its example and the quantities it must
trace, and adds planted-mistake tests with :meth:`EquivalenceTest.assert_caught`:

    class LinearDenseTest(equivalence.EquivalenceTest):
        EXAMPLE = "linear_dense"
        QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")

        def test_planted_wrong_learning_rate_is_caught(self):
            self.assert_caught("trajectory", HP=dataclasses.replace(HP, learning_rate=0.011))
"""
import contextlib
import unittest
from unittest import mock

from parameterized import parameterized

from tf1to2 import examples, harness

SEEDS = (0, 1, 2)


class EquivalenceTest(unittest.TestCase):
    EXAMPLE = None        # the example's registry name
    QUANTITIES = ()       # every quantity the example must trace (no silent gaps)
    STEPS = None          # training steps in the tests (default: the example's own)
    # Also start both sides from the same seeded random weights (tests the name map and any
    # layout): None means "when the TF2 side copies its weights"; True also for examples whose
    # sides set their variables from the same constants; False never.
    RANDOM_START = None
    RANDOM_SCALE = 0.5    # standard deviation of those random weights

    @classmethod
    def setUpClass(cls):
        cls._reports = {}

    def report(self, seed, random_start=False):
        """The comparison for ``seed`` (computed once per class)."""
        key = (seed, random_start)
        if key not in self._reports:
            initial_values = None
            if random_start:
                initial_values = harness.random_initial_values(self.report(seed).tf1.variables,
                                                               seed, scale=self.RANDOM_SCALE)
            self._reports[key] = harness.compare(self.EXAMPLE, seed=seed, steps=self.STEPS,
                                                 initial_values=initial_values)
        return self._reports[key]

    def assert_check(self, report, quantity):
        check = report.check(quantity)
        self.assertTrue(check.ok, f"{quantity} differs:\n{report.table()}")

    @parameterized.expand(SEEDS)
    def test_traces_every_quantity(self, seed):
        self.assertEqual([c.quantity for c in self.report(seed).checks],
                         [q for q in harness.QUANTITIES if q in self.QUANTITIES])

    @parameterized.expand(SEEDS)
    def test_same_variables(self, seed):
        if "variables" in self.QUANTITIES:
            self.assert_check(self.report(seed), "variables")

    @parameterized.expand(SEEDS)
    def test_same_forward_outputs(self, seed):
        self.assert_check(self.report(seed), "outputs")

    @parameterized.expand(SEEDS)
    def test_same_loss(self, seed):
        if "loss" in self.QUANTITIES:
            self.assert_check(self.report(seed), "loss")

    @parameterized.expand(SEEDS)
    def test_same_gradients(self, seed):
        if "gradients" in self.QUANTITIES:
            self.assert_check(self.report(seed), "gradients")

    @parameterized.expand(SEEDS)
    def test_same_training_trajectory(self, seed):
        if "trajectory" in self.QUANTITIES:
            self.assert_check(self.report(seed), "losses")
            self.assert_check(self.report(seed), "trajectory")

    @parameterized.expand(SEEDS)
    def test_same_metrics(self, seed):
        if "metrics" in self.QUANTITIES:
            self.assert_check(self.report(seed), "metrics")

    @parameterized.expand(SEEDS)
    def test_equivalent_from_random_start(self, seed):
        random_start = self.RANDOM_START
        if random_start is None:
            random_start = examples.get(self.EXAMPLE).alignment == "copy"
        if random_start:
            report = self.report(seed, random_start=True)
            self.assertTrue(report.equivalent, report.table())

    def assert_caught(self, quantity, seed=0, random_start=True, steps=None, **tf2_patches):
        """Plant a mistake in the TF2 module (patch its globals) and assert ``quantity`` fails.

        Returns the failing report, so a test can also check the size of the difference.
        """
        _, tf2_module = harness.side_modules(self.EXAMPLE)
        initial_values = None
        if random_start and examples.get(self.EXAMPLE).alignment == "copy":
            initial_values = harness.random_initial_values(self.report(seed).tf1.variables, seed)
        with contextlib.ExitStack() as stack:
            for name, value in tf2_patches.items():
                stack.enter_context(mock.patch.object(tf2_module, name, value))
            report = harness.compare(self.EXAMPLE, seed=seed,
                                     steps=self.STEPS if steps is None else steps,
                                     initial_values=initial_values)
        self.assertFalse(report.check(quantity).ok,
                         f"the planted mistake went unnoticed in {quantity}:\n{report.table()}")
        self.assertFalse(report.equivalent)
        return report
