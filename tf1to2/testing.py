"""The equivalence test every pair inherits, and the planted-mistake helper (installed).

A test file subclasses :class:`EquivalenceTest`, names its example (a registered name, or an
:class:`tf1to2.examples.Example` for a pair of your own, see :func:`tf1to2.pair`) and the
quantities it must trace, and adds planted-mistake tests with :meth:`EquivalenceTest.assert_caught`:

    from tf1to2.testing import EquivalenceTest

    class LinearDenseTest(EquivalenceTest):
        EXAMPLE = "linear_dense"
        QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")

        def test_planted_wrong_learning_rate_is_caught(self):
            self.assert_caught("trajectory", HP=dataclasses.replace(HP, learning_rate=0.011))
"""
import contextlib
import unittest
from unittest import mock

from parameterized import parameterized

from tf1to2 import harness, initialisation

SEEDS = (0, 1, 2)
# The tests the base class runs once per seed (names end in _<seed>).
SEEDED_TESTS = ("test_traces_every_quantity", "test_same_steps_one_by_one", "test_same_variables",
                "test_same_forward_outputs", "test_same_loss", "test_same_gradients",
                "test_same_training_trajectory", "test_same_metrics",
                "test_equivalent_from_random_start")


class NothingPlanted(AssertionError):
    """``assert_caught`` was given no patch: a planted-mistake test must plant something."""


class EquivalenceTest(unittest.TestCase):
    EXAMPLE = None        # the example's registry name
    QUANTITIES = ()       # every quantity the example must trace (no silent gaps)
    STEPS = None          # training steps in the tests (default: the example's own)
    # Also start both sides from the same seeded random weights (tests the name map and any
    # layout): None means "when the TF2 side copies its weights"; True also for examples whose
    # sides set their variables from the same constants; False never.
    RANDOM_START = None
    RANDOM_SCALE = 0.5    # standard deviation of those random weights
    # True for a pair whose comparison takes long: its per-seed tests run on seed 0 in the
    # default run and on the other seeds with `-m slow` (equivalence_tests/conftest.py marks them).
    SLOW_SEEDS = False
    # pytest collects classes by name: the base class itself (imported into a test module by
    # `from tf1to2.testing import EquivalenceTest`) is not a test; every subclass is.
    __test__ = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.__test__ = True

    @classmethod
    def setUpClass(cls):
        cls._reports = {}

    def _initial_values(self, seed, random_start):
        """The start of a comparison: None (each side's own), or the seeded random start."""
        if not random_start:
            return None
        return harness.random_initial_values(self.report(seed).tf1.variables, seed,
                                             scale=self.RANDOM_SCALE)

    def _random_start(self):
        if self.RANDOM_START is None:
            return harness.resolve(self.EXAMPLE).alignment == "copy"
        return self.RANDOM_START

    def report(self, seed, random_start=False, steps=None):
        """The comparison for ``seed`` (computed once per class and configuration)."""
        steps = self.STEPS if steps is None else steps
        key = (seed, random_start, steps)
        if key not in self._reports:
            self._reports[key] = harness.compare(self.EXAMPLE, seed=seed, steps=steps,
                                                 initial_values=self._initial_values(
                                                     seed, random_start))
        return self._reports[key]

    def _initialisation_check(self):
        """Both sides' own initialisers over seeded draws (the TF1 draws reuse the reports')."""
        tf1_draws = [self.report(seed).tf1.variables for seed in SEEDS]
        extra = range(len(SEEDS), initialisation.draws_needed(tf1_draws[0], tf1_draws[1]))
        tf1_draws += initialisation.own_initial_values(harness.side_modules(self.EXAMPLE)[0],
                                                       extra)
        tf2_module = harness.side_modules(self.EXAMPLE)[1]
        tf2_draws = initialisation.own_initial_values(tf2_module, [*SEEDS, *extra])
        return initialisation.compare_draws(tf1_draws, tf2_draws)

    def initialisation_check(self):
        """The ``initialisation`` check of a pair aligned by copying (computed once per class)."""
        if "initialisation" not in self._reports:
            self._reports["initialisation"] = self._initialisation_check()
        return self._reports["initialisation"]

    def test_same_initialisation(self):
        """Copy-aligned pairs: the TF2 side's own initialisers are the TF1 ones (PITFALLS #28)."""
        if harness.resolve(self.EXAMPLE).alignment == "copy":
            check = self.initialisation_check()
            self.assertTrue(check.ok, f"the two sides initialise differently: {check.detail}")

    def assert_check(self, report, quantity):
        check = report.check(quantity)
        self.assertTrue(check.ok, f"{quantity} differs:\n{report.table()}")

    @parameterized.expand(SEEDS)
    def test_traces_every_quantity(self, seed):
        self.assertEqual([c.quantity for c in self.report(seed).checks
                          if c.quantity in harness.QUANTITIES],
                         [q for q in harness.QUANTITIES if q in self.QUANTITIES])

    @parameterized.expand(SEEDS)
    def test_same_steps_one_by_one(self, seed):
        """Pairs that record through tf1to2.tracing: each TF2 step from TF1's state of the step."""
        checks = [c for c in self.report(seed).checks if c.quantity == "step_by_step"]
        if checks:
            self.assert_check(self.report(seed), "step_by_step")

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
        if self._random_start():
            report = self.report(seed, random_start=True)
            self.assertTrue(report.equivalent, report.table())

    def assert_caught(self, quantity, seed=0, random_start=True, steps=None, patches=(),
                      **tf2_patches):
        """Plant a mistake in the TF2 module (patch its globals) and assert ``quantity`` fails.

        The same configuration (seed, steps, start and its scale) first runs unpatched, as the
        control: it must be equivalent, or the check could fail for a reason other than the
        mistake. Then the patched run must fail ``quantity``. Returns the failing report, with
        the control as ``report.control``, so a test can also check both sizes.

        ``tf2_patches`` replace globals of the TF2 module; ``patches`` are further context
        managers (``mock.patch`` of a shared module the TF2 side uses), entered for the
        patched run only.
        """
        if not tf2_patches and not patches:
            raise NothingPlanted("assert_caught needs at least one patch of the TF2 module: "
                                 "with nothing planted there is nothing to catch")
        if quantity == "initialisation":
            return self._assert_initialisation_caught(tf2_patches, patches)
        # The random start of planted runs: pairs aligned by copying only (a pair whose sides
        # set their variables from the same constants plants its mistakes on those).
        random_start = bool(random_start) and harness.resolve(self.EXAMPLE).alignment == "copy"
        control = self.report(seed, random_start=random_start, steps=steps)
        self.assertTrue(control.equivalent,
                        f"the unpatched control is not equivalent, so the planted mistake "
                        f"proves nothing:\n{control.table()}")
        _, tf2_module = harness.side_modules(self.EXAMPLE)
        with contextlib.ExitStack() as stack:
            for name, value in tf2_patches.items():
                stack.enter_context(mock.patch.object(tf2_module, name, value))
            for patch in patches:
                stack.enter_context(patch)
            report = harness.compare(self.EXAMPLE, seed=seed,
                                     steps=self.STEPS if steps is None else steps,
                                     initial_values=self._initial_values(seed, random_start))
        planted, unpatched = report.check(quantity), control.check(quantity)
        self.assertFalse(planted.ok,
                         f"the planted mistake went unnoticed in {quantity} (max abs diff "
                         f"{planted.max_abs_diff:.3e} planted, {unpatched.max_abs_diff:.3e} "
                         f"unpatched):\n{report.table()}")
        self.assertFalse(report.equivalent)
        report.control = control
        return report

    def _assert_initialisation_caught(self, tf2_patches, patches=()):
        """``assert_caught("initialisation", ...)``: the check over draws, unpatched then patched."""
        control = self.initialisation_check()
        self.assertTrue(control.ok, f"the unpatched initialisations differ, so the planted "
                                    f"mistake proves nothing: {control.detail}")
        _, tf2_module = harness.side_modules(self.EXAMPLE)
        with contextlib.ExitStack() as stack:
            for name, value in tf2_patches.items():
                stack.enter_context(mock.patch.object(tf2_module, name, value))
            for patch in patches:
                stack.enter_context(patch)
            planted = self._initialisation_check()
        self.assertFalse(planted.ok, f"the planted mistake went unnoticed in initialisation "
                                     f"(deterministic diff {planted.max_abs_diff:.3e}, KS/critical "
                                     f"{planted.max_rel_diff:.2f} planted; "
                                     f"{control.max_rel_diff:.2f} unpatched)")
        planted.control = control
        return planted
