"""lr_schedules: tf.train.*_decay of global_step against keras.optimizers.schedules."""
import keras
import numpy as np

from tf1to2 import testing
from tf2_style import lr_schedules as tf2_lr_schedules

HP = tf2_lr_schedules.HP


class OneStepAhead(keras.optimizers.schedules.LearningRateSchedule):
    """A schedule evaluated one step late: the rate TF1 uses after `global_step` is incremented."""

    def __init__(self, schedule):
        self.schedule = schedule

    def __call__(self, step):
        return self.schedule(step + 1)


class LrSchedulesTest(testing.EquivalenceTest):
    SLOW_SEEDS = True  # seeds 1 and 2 with -m slow: keeps CI within its time
    EXAMPLE = "lr_schedules"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")

    def test_the_rates_follow_the_schedules(self):
        rates = {s: np.asarray(self.report(0).tf1.outputs[f"learning_rate/{s}"])
                 for s in HP.schedules}
        np.testing.assert_allclose(rates["exponential_staircase"][:4],
                                   [0.01, 0.01, 0.01, 0.005], rtol=1e-6)
        np.testing.assert_allclose(rates["piecewise_constant"][[3, 4, 6, 7]],
                                   [0.01, 0.005, 0.005, 0.001], rtol=1e-6)  # boundaries 3, 6
        np.testing.assert_allclose(rates["manual"][[3, 4, 8]], [0.01, 0.001, 0.0001], rtol=1e-6)
        np.testing.assert_allclose(rates["exponential"][1], 0.01 * 0.5 ** (1 / 3), rtol=1e-6)
        for schedule, values in rates.items():
            self.assertGreater(len(set(values.tolist())), 1, schedule)
        self.assertEqual(self.report(0).tf2.outputs["steps_taken/cosine"], HP.steps)

    def test_planted_schedule_one_step_ahead_is_caught(self):
        # Evaluating the schedule at the incremented counter (global_step after the update, or
        # iterations + 1) shifts every rate by one step.
        original = tf2_lr_schedules.build_learning_rate

        def ahead(schedule):
            rate = original(schedule)
            return OneStepAhead(rate) if schedule == "exponential_staircase" else rate
        report = self.assert_caught("outputs", build_learning_rate=ahead)
        self.assertFalse(report.check("trajectory").ok)

    def test_planted_manual_schedule_one_step_ahead_is_caught(self):
        original = tf2_lr_schedules.manual_learning_rate
        self.assert_caught("trajectory", manual_learning_rate=lambda step: original(step + 1))

    def test_planted_staircase_dropped_is_caught(self):
        original = tf2_lr_schedules.build_learning_rate
        self.assert_caught("outputs", build_learning_rate=lambda schedule: original(
            "exponential" if schedule == "exponential_staircase" else schedule))
