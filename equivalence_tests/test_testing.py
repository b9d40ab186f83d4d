"""The installed test helpers themselves: a planted-mistake test must be able to fail."""
import dataclasses
import unittest

import numpy as np

from tf1to2 import initialisation, testing
from tf2_style import linear_dense as tf2_linear_dense


class PlantedMistakeHelperTest(testing.EquivalenceTest):
    EXAMPLE = "linear_dense"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")
    STEPS = 5
    RANDOM_SCALE = 0.1   # not the harness default: the control must use it too

    def test_empty_patch_makes_assert_caught_fail(self):
        with self.assertRaises(testing.NothingPlanted):
            self.assert_caught("trajectory")

    def test_patch_that_changes_nothing_makes_assert_caught_fail(self):
        same = dataclasses.replace(tf2_linear_dense.HP)
        with self.assertRaisesRegex(AssertionError, "went unnoticed in trajectory"):
            self.assert_caught("trajectory", HP=same)

    def test_control_runs_the_same_configuration_unpatched(self):
        report = self.assert_caught("trajectory", seed=1, HP=dataclasses.replace(
            tf2_linear_dense.HP, learning_rate=0.011))
        control = report.control
        self.assertTrue(control.equivalent)
        self.assertEqual((control.seed, control.steps), (report.seed, report.steps))
        # Both started from the random start drawn at this class's RANDOM_SCALE (0.1).
        self.assertEqual(report.tf1.variables.keys(), control.tf1.variables.keys())
        for name, value in control.tf1.variables.items():
            self.assertTrue((report.tf1.variables[name] == value).all())
            self.assertLessEqual(abs(value).max(), 0.1 * 6)
        self.assertLess(control.check("trajectory").max_abs_diff,
                        report.check("trajectory").max_abs_diff)

    def test_control_that_is_not_equivalent_fails_the_planted_test(self):
        broken = dataclasses.replace(tf2_linear_dense.HP, learning_rate=0.02)

        class BrokenControl(PlantedMistakeHelperTest):
            def report(self, seed, random_start=False, steps=None):
                report = super().report(seed, random_start, steps)
                report.checks[0] = dataclasses.replace(report.checks[0], ok=False)
                return report
        test = BrokenControl("test_empty_patch_makes_assert_caught_fail")
        test.setUpClass()
        with self.assertRaisesRegex(AssertionError, "unpatched control is not equivalent"):
            test.assert_caught("trajectory", HP=broken)



class InitialisationCheckTest(unittest.TestCase):
    """The statistics of the initialisation check on synthetic draws: it can pass and fail."""
    LIMIT = np.sqrt(6 / (784 + 100))   # glorot_uniform of a 784x100 kernel

    @staticmethod
    def draws(make, count=4):
        rng = np.random.default_rng(0)
        return [{"k": make(rng)} for _ in range(count)]

    def uniform(self, rng, widen=1.0):
        return rng.uniform(-widen * self.LIMIT, widen * self.LIMIT, (784, 100)).astype(np.float32)

    def test_same_distribution_passes_and_other_family_or_scale_fails(self):
        same = initialisation.compare_draws(self.draws(self.uniform), self.draws(self.uniform))
        self.assertTrue(same.ok, same.detail)
        self.assertLess(same.max_rel_diff, 1.0)
        normal = lambda rng: rng.normal(0, self.LIMIT / np.sqrt(3), (784, 100))  # same std
        wide = lambda rng: self.uniform(rng, widen=1.1)
        for other in (normal, wide):
            check = initialisation.compare_draws(self.draws(self.uniform), self.draws(other))
            self.assertFalse(check.ok)
            self.assertIn("KS D", check.detail)

    def test_fixed_values_must_be_equal_exactly(self):
        zeros = lambda rng: np.zeros(5, np.float32)
        ones = lambda rng: np.ones(5, np.float32)
        self.assertTrue(initialisation.compare_draws(self.draws(zeros), self.draws(zeros)).ok)
        check = initialisation.compare_draws(self.draws(zeros), self.draws(ones))
        self.assertFalse(check.ok)
        self.assertEqual(check.max_abs_diff, 1.0)


class PatchesOutsideTheTf2ModuleTest(testing.EquivalenceTest):
    """``assert_caught(patches=[...])``: a shared module patched for the planted run only."""
    EXAMPLE = "linear_dense"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")
    STEPS = 3

    def test_planted_patch_of_a_shared_module_is_caught_and_the_control_is_not_patched(self):
        from unittest import mock

        from tf1to2 import mapping
        read = mapping.read
        report = self.assert_caught("variables", patches=[mock.patch.object(
            mapping, "read", lambda name_map: {k: v * 2 for k, v in read(name_map).items()})])
        self.assertTrue(report.control.equivalent)
