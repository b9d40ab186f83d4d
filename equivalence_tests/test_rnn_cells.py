"""rnn_cells: v1 GRUCell and LSTMCell(use_peepholes, num_proj) against Keras 3 cells.

Keras GRUCell(reset_after=False) with TF1's layout converted block by block; a custom Keras cell
for the peepholes and the projection; MNIST rows as 28-step sequences, SGD.
"""
import dataclasses
import types
from unittest import mock

import keras
import numpy as np
from keras import ops

from tf1to2 import harness, layouts, mapping, rnn_layouts, testing
from tf1to2.errors import UserError
from tf1to2.hparams import rnn as rnn_hparams
from tf1_style import rnn_cells as tf1_rnn_cells
from tf2_style import rnn_cells as tf2_rnn_cells

HP = rnn_hparams.RNN_CELLS


class OutputPeepholeOnOldC(tf2_rnn_cells.PeepholeLSTMCell):
    """The output gate peeking at the previous cell state instead of the new one (TF1: new)."""

    def call(self, inputs, states):
        h, c_prev = states
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h, self.recurrent_kernel) + self.bias
        i, f, g, o = ops.split(z, 4, axis=-1)
        c = (ops.sigmoid(f + self.peepholes["forget"] * c_prev) * c_prev
             + ops.sigmoid(i + self.peepholes["input"] * c_prev) * ops.tanh(g))
        h = ops.sigmoid(o + self.peepholes["output"] * c_prev) * ops.tanh(c)
        h = ops.matmul(h, self.projection)
        return h, [h, c]


class FastRnnTests:
    """Mixed into the RNN pairs' EquivalenceTest: within the budget (two 28-step recurrent layers and their
    gradient graphs take ~2.5 s of CPU to build per side).

    - The TF1 side never changes in these tests (every planted mistake is on the TF2 side or
      in the Keras half of the layout module), so its trace for a (seed, steps, start) is
      computed once and reused by the planted runs.
    - The random start runs on seed 0 only; seeds 0-2 all run from TF1's own initialisation.
    """
    test_equivalent_from_random_start_1 = test_equivalent_from_random_start_2 = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tf1_module, _ = harness.side_modules(cls.EXAMPLE)
        trace, traces = tf1_module.trace, {}

        def memoized(seed=0, steps=None, initial_values=None, **kwargs):
            start = None if initial_values is None else tuple(
                (name, np.asarray(value).tobytes()) for name, value in initial_values.items())
            key = (seed, steps, start, tuple(sorted(kwargs.items())))
            if key not in traces:
                traces[key] = trace(seed=seed, steps=steps, initial_values=initial_values,
                                    **kwargs)
            return traces[key]
        cls._memo = mock.patch.object(tf1_module, "trace", memoized)
        cls._memo.start()

    @classmethod
    def tearDownClass(cls):
        cls._memo.stop()
        super().tearDownClass()


class RnnCellsTest(FastRnnTests, testing.EquivalenceTest):
    SLOW_SEEDS = True  # seeds 1 and 2 with -m slow: keeps CI within its time
    EXAMPLE = "rnn_cells"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")
    # N(0, 0.5²) weights make this 28-step, two-layer net chaotic (TF1 against itself moves by
    # 3e-4 under a one-ulp change; SGD at 0.1 then diverges); N(0, 0.2²) keeps it tame.
    RANDOM_SCALE = 0.2

    # --- Initialisation: what copying the weights cannot show (PITFALLS #28) -------------------

    def test_planted_keras_default_gru_initialisers_are_caught(self):
        # Keras' GRU defaults: one glorot kernel, an orthogonal recurrent kernel and a ZERO gate
        # bias (TF1: 1.0, PITFALLS #6). The TF2 file reaches the initialisers through its name
        # `rnn_layouts`: a stand-in module with Keras' defaults plants the mistake there.
        keras_defaults = types.SimpleNamespace(**{**vars(rnn_layouts),
                                                  "tf1_gru_initializers": lambda size, units: {}})
        check = self.assert_caught("initialisation", rnn_layouts=keras_defaults)
        self.assertIn("gru/gru_cell/gates/bias", check.detail)

    # --- The GRU layout ------------------------------------------------------------------------

    def test_gru_map_layout(self):
        units, inputs = 3, 2
        cell = keras.layers.GRUCell(units, reset_after=False)
        cell.build((None, inputs))
        name_map = rnn_layouts.gru_names("gru_cell", cell)
        rows = np.arange(inputs + units, dtype=np.float32)[:, np.newaxis]
        # Entry [row, column] = 10·row + (TF1 block number): gates r=0, u=1; candidate 2.
        values = {"gru_cell/gates/kernel": 10 * rows + np.repeat([0., 1.], units)[np.newaxis],
                  "gru_cell/candidate/kernel": 10 * rows + 2 + np.zeros((1, units), np.float32),
                  "gru_cell/gates/bias": np.repeat([0., 1.], units).astype(np.float32),
                  "gru_cell/candidate/bias": np.full(units, 2, np.float32)}
        mapping.assign(name_map, values)
        # Keras blocks z (= TF1's u), r, h; the x rows in `kernel`, the h rows in recurrent_kernel.
        self.assertEqual(np.asarray(cell.kernel)[0, ::units].tolist(), [1, 0, 2])
        self.assertEqual(np.asarray(cell.recurrent_kernel)[:, 0].tolist(), [21, 31, 41])
        self.assertEqual(np.asarray(cell.bias)[::units].tolist(), [1, 0, 2])
        for name, value in mapping.read(name_map).items():
            self.assertTrue(np.array_equal(value, values[name]), name)

    def test_reset_after_true_is_a_different_function(self):
        # The same weights in a reset_after=True cell (recurrent bias 0) compute
        # r·(h @ U_h) instead of (r·h) @ U_h: no conversion of the weights can make them equal.
        values = harness.random_initial_values(self.report(0).tf1.variables, 0, scale=0.2)
        rows = next(rnn_layouts.mnist_row_batches(tf1_rnn_cells.data.mnist("bundled"), 8, 1, 0))[0]
        outputs = {}
        for reset_after in (False, True):
            cell = keras.layers.GRUCell(HP.units, reset_after=reset_after,
                                        bias_initializer="zeros")
            layer = keras.layers.RNN(cell, return_sequences=True)
            layer(rows[:, :1])
            mapping.assign(rnn_layouts.gru_names("gru/gru_cell", cell),
                           {name: value for name, value in values.items()
                            if name.startswith("gru/")})
            outputs[reset_after] = np.asarray(layer(rows))
        self.assertGreater(np.abs(outputs[True] - outputs[False]).max(), 1e-2)

    def test_planted_gru_reset_after_left_at_keras_default_is_caught(self):
        # PITFALLS #6: Keras' GRU defaults to reset_after=True.
        self.assert_caught("outputs", steps=0,
                           HP=dataclasses.replace(HP, gru_reset_after=True))

    def assert_caught_in_layouts(self, quantity, steps=0, **layout_patches):
        """``assert_caught`` for a mistake in the shared layout module, not in the TF2 file."""
        control = self.report(0, random_start=True, steps=steps)
        self.assertTrue(control.equivalent, control.table())
        with mock.patch.multiple(rnn_layouts, **layout_patches):
            report = harness.compare(self.EXAMPLE, seed=0, steps=steps,
                                     initial_values=self._initial_values(0, True))
        self.assertFalse(report.check(quantity).ok, report.table())
        return report

    def test_planted_gru_gate_order_not_reordered_is_caught(self):
        # PITFALLS #6: TF1's GRU gates r, u against Keras' z, r, h.
        # TF1's gates/kernel holds r then u; Keras wants z (= u) first.
        self.assert_caught_in_layouts("outputs",
                                      KERAS_GRU_GATES=("reset", "update", "candidate"))

    # --- The LSTM with peepholes and a projection ----------------------------------------------

    def test_planted_output_peephole_on_previous_c_is_caught(self):
        self.assert_caught("outputs", steps=0, PeepholeLSTMCell=OutputPeepholeOnOldC)

    def test_planted_forget_bias_not_folded_in_is_caught(self):
        # PITFALLS #3: LSTMCell's constant forget_bias left out of the copied bias.
        self.assert_caught("outputs", steps=0, HP=dataclasses.replace(HP, forget_bias=0.0))

    def test_planted_lstm_gate_order_not_reordered_is_caught(self):
        # PITFALLS #2: the columns left in TF1's order i, j, f, o (the map reorders them through
        # the shared tf1to2.mapping order, planted there).
        report = self.assert_caught("outputs", steps=0, patches=[mock.patch.object(
            mapping, "KERAS_LSTM_GATES", mapping.TF1_LSTM_GATES)])
        self.assertTrue(report.check("variables").ok)  # the map reads back what it wrote

    def test_planted_kernel_split_at_units_instead_of_num_proj_is_refused(self):
        # PITFALLS #1 with a projection: the recurrent input is the projected h, so LSTMCell's
        # kernel [32 (the GRU's outputs) + 16, 128] has 16 recurrent rows; BasicLSTMCell's split
        # (units = 32 rows) leaves a kernel [16, 128] the Keras cell cannot take: refused.
        with mock.patch.object(rnn_layouts, "projected_lstm", layouts.lstm):
            with self.assertRaisesRegex(UserError, r"lstm/lstm_cell/kernel has shape \[48, 128\], "
                                                   r"the model expects \[32, 128\]"):
                harness.compare(self.EXAMPLE, seed=0, steps=0)

    def test_without_peepholes_and_projection_the_cell_is_keras_lstmcell(self):
        # What Keras can express: the custom cell without its two extras computes exactly what
        # keras.layers.LSTMCell does with the same weights (and the same map converts both).
        rows = np.random.default_rng(0).random((4, 6, 5), dtype=np.float32)
        custom = keras.layers.RNN(tf2_rnn_cells.PeepholeLSTMCell(7, False, 0))
        library = keras.layers.RNN(keras.layers.LSTMCell(7))
        custom(rows), library(rows)
        for mine, theirs in zip(custom.cell.weights, library.cell.weights):
            mine.assign(np.random.default_rng(1).normal(0, 0.5, mine.shape))
            theirs.assign(mine)
        np.testing.assert_allclose(custom(rows), library(rows), atol=1e-6)

    def test_trajectory_differences_are_far_below_a_mistake(self):
        report = self.report(0)
        self.assertLess(report.check("trajectory").max_abs_diff, 1e-6)
