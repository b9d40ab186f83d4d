"""rnn_wrappers: MultiRNNCell, DropoutWrapper, bidirectional_dynamic_rnn and sequence_length
against StackedRNNCells, a dropout wrapper cell, Bidirectional and Masking (Keras 3)."""
import dataclasses

import keras
import numpy as np
import pytest

from tf1to2 import harness, rnn_layouts, testing
from tf1to2.hparams import rnn as rnn_hparams
from tf2_style import rnn_wrappers as tf2_rnn_wrappers
from equivalence_tests.test_rnn_cells import FastRnnTests

HP = rnn_hparams.RNN_WRAPPERS


class WithoutMasking(tf2_rnn_wrappers.RowReader):
    """The padding left unmasked: the RNN runs over all 28 rows of every sequence."""

    def __init__(self, input_size):
        super().__init__(input_size)
        self.masking = keras.layers.Identity()


class RnnWrappersTest(FastRnnTests, testing.EquivalenceTest):
    SLOW_SEEDS = True  # seeds 1 and 2 with -m slow: keeps CI within its time
    EXAMPLE = "rnn_wrappers"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory",
                  "metrics")
    RANDOM_SCALE = 0.2  # as in test_rnn_cells: N(0, 0.5²) weights are chaotic over 28 steps

    def test_padding_is_ignored_and_outputs_past_the_end_are_zero(self):
        report = self.report(0)
        rows, _, lengths = next(rnn_layouts.mnist_row_batches(
            tf2_rnn_wrappers.data.mnist(HP.data_source), HP.batch_size, 1, 0, HP.min_length,
            HP.pad_value))
        self.assertLess(lengths.min(), 28)
        for side in (report.tf1, report.tf2):
            for name in ("forward_outputs", "backward_outputs"):
                outputs = side.outputs[name]
                for sequence, length in enumerate(lengths):
                    self.assertTrue(np.all(outputs[sequence, length:] == 0), name)
            # The forward final h is the output at the true end; the backward one is the output
            # at time 0 (it read the sequence from its end to its start).
            top = HP.layers - 1
            np.testing.assert_array_equal(
                side.outputs[f"forward_{top}_h"],
                side.outputs["forward_outputs"][np.arange(len(lengths)), lengths - 1])
            np.testing.assert_array_equal(side.outputs[f"backward_{top}_h"],
                                          side.outputs["backward_outputs"][:, 0])

    def test_dropout_drops_one_minus_keep_prob_on_both_sides(self):
        metrics = self.report(0).tf1.metrics, self.report(0).tf2.metrics
        for side in metrics:
            self.assertAlmostEqual(float(side["dropped_fraction"]), 1 - HP.keep_prob,
                                   delta=0.02)

    # --- Planted mistakes ----------------------------------------------------------------------

    def test_planted_keep_prob_taken_as_drop_rate_is_caught(self):
        # DropoutWrapper(output_keep_prob=0.8) keeps 80%; Dropout(0.8) drops 80%.
        report = self.assert_caught("metrics", steps=0,
                                    HP=dataclasses.replace(HP, keep_prob=1 - HP.keep_prob))
        self.assertTrue(report.check("outputs").ok)  # inference is unaffected

    def test_planted_lstm_state_read_as_c_h_is_caught(self):
        # PITFALLS #4: each layer's final state is [h, c] in Keras, (c, h) in TF1.
        self.assert_caught("outputs", steps=0, LSTM_STATE="ch")

    def test_planted_masking_missing_is_caught(self):
        report = self.assert_caught("outputs", steps=0, RowReader=WithoutMasking)
        # The final state is then taken at the padded end: only full-length sequences agree.
        _, _, lengths = next(rnn_layouts.mnist_row_batches(
            tf2_rnn_wrappers.data.mnist(HP.data_source), HP.batch_size, 1, 0, HP.min_length,
            HP.pad_value))
        top = f"forward_{HP.layers - 1}_h"
        difference = np.abs(report.tf1.outputs[top] - report.tf2.outputs[top]).max(axis=1)
        self.assertGreater(difference[lengths < 28].min(), 1e-3)
        np.testing.assert_allclose(difference[lengths == 28], 0, atol=1e-5)

    def test_planted_masking_value_zero_is_caught(self):
        # Masking()'s default mask_value is 0.0: it also masks every blank row of a digit.
        self.assert_caught("outputs", steps=0, HP=dataclasses.replace(HP, pad_value=0.0))


@pytest.mark.slow
def test_training_with_dropout_is_not_aligned():
    """With dropout on in training the masks differ (two random generators): the sides part."""
    tf1_module, tf2_module = harness.side_modules("rnn_wrappers")
    tf1_trace = tf1_module.trace(seed=0, steps=2, dropout=True)
    tf2_trace = tf2_module.trace(seed=0, steps=2, dropout=True,
                                 initial_values=tf1_trace.variables)
    assert np.all(np.isfinite(tf1_trace.losses)) and np.all(np.isfinite(tf2_trace.losses))
    assert abs(tf1_trace.losses[1] - tf2_trace.losses[1]) > 1e-4
