"""compile_fit_evaluate: a Session loop with streaming metrics vs compile/fit/evaluate/predict."""
import keras

from tf1to2 import testing
from tf2_style import compile_fit_evaluate as tf2_cfe

HP = tf2_cfe.HP
SPLIT_VALIDATION = tf2_cfe.split_validation  # the correct split, kept before any patch


def book_split(inputs, targets, rng):
    """The book's slip: training on `shuffled[:num_validation_samples]`, the validation part."""
    (_, _), (val_inputs, val_targets) = SPLIT_VALIDATION(inputs, targets, rng)
    return (val_inputs, val_targets), (val_inputs, val_targets)


class CompileFitEvaluateTest(testing.EquivalenceTest):
    SLOW_SEEDS = True  # seeds 1 and 2 with -m slow: keeps CI within its time
    EXAMPLE = "compile_fit_evaluate"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory", "metrics")

    def test_it_learns_to_separate_the_clouds(self):
        metrics = self.report(0).tf2.metrics
        self.assertGreater(float(metrics["evaluate/binary_accuracy"]), 0.95)
        self.assertEqual(len(metrics["second/val_loss"]), HP.second_epochs)
        self.assertEqual(self.report(0).tf2.outputs["predictions"].shape, (600, 1))

    def test_planted_keras_default_rmsprop_is_caught(self):
        # The book's optimizer="rmsprop": mean square from 0, epsilon 1e-7 (PITFALLS #9).
        report = self.assert_caught("losses", build_optimizer=lambda learning_rate: (
            keras.optimizers.RMSprop(learning_rate)))
        self.assertFalse(report.check("trajectory").ok)

    def test_planted_books_validation_slice_is_caught(self):
        report = self.assert_caught("losses", split_validation=book_split)
        self.assertFalse(report.check("metrics").ok)
