"""char_rnn: BasicLSTMCell + static loop + AdamOptimizer vs keras LSTMCell + tf.function + Adam.

The tests run a smaller model than `tf1to2 compare char_rnn` (32 units, 10 time steps, 10
generated characters per temperature; the same corpus, batch 50, Adam and 20 steps), applied
to both sides: building and tracing the 40-step unrolled graph, not the arithmetic, is what
costs time, and a mistake in the LSTM layout shows at any size. The full model runs in the
slow tests and in `tf1to2 compare char_rnn`.
"""
import dataclasses
import functools
import os
import tempfile
from unittest import mock

import keras
import numpy as np
import pytest
from parameterized import parameterized
import tensorflow as tf

from tf1to2 import testing
from tf1to2 import cli, convert, data, harness, hparams, mapping, tracing
from tf1to2.errors import UserError
from tf1_style import char_rnn as tf1_char_rnn
from tf2_style import char_rnn as tf2_char_rnn

TEST_HP = dataclasses.replace(hparams.CHAR_RNN, units=32, seq_length=10, generate_length=10)


def with_hparams(hp):
    """Patches that give both sides of the pair the hyperparameters ``hp``."""
    return [mock.patch.object(tf1_char_rnn, "HP", hp), mock.patch.object(tf2_char_rnn, "HP", hp)]


def write_tf1_checkpoint(path, values):
    """A `tf.train.Saver` checkpoint of ``values`` ({TF1 name: array}), as TF1 code writes one."""
    convert.write_tf1_checkpoint(values, path)
    return path


class LSTMCellStateReadAsCH(keras.layers.LSTMCell):
    """A Keras cell whose new state [h, c] is taken in TF1's order, LSTMStateTuple(c, h).

    The loop feeds it back as it is, so every step after the first starts from h and c swapped.
    """

    def call(self, inputs, states, training=False):
        output, state = super().call(inputs, states, training=training)
        return output, state[::-1]


class FinalStateReadAsCH(tf2_char_rnn.CharRNN):
    """A model whose caller unpacks the final state as TF1's (c, h) instead of Keras's [h, c]."""

    def call(self, inputs):
        logits, outputs, state = super().call(inputs)
        return logits, outputs, state[::-1]


class CharRnnTest(testing.EquivalenceTest):
    EXAMPLE = "char_rnn"
    QUANTITIES = ("variables", "outputs", "loss", "gradients", "losses", "trajectory")
    STEPS = 20  # the tolerances' measurement (`tf1to2 compare char_rnn` runs 10)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._hparams = with_hparams(TEST_HP)
        for patch in cls._hparams:
            patch.start()

    @classmethod
    def tearDownClass(cls):
        for patch in cls._hparams:
            patch.stop()
        super().tearDownClass()

    # --- The data ------------------------------------------------------------------------------

    def test_corpus_is_the_handbooks(self):
        corpus = data.nietzsche("bundled")
        self.assertEqual((len(corpus.text), corpus.num_chars), (600_893, 57))
        self.assertEqual(corpus.decode(corpus.text[:19]), "preface\n\n\nsupposing")
        self.assertEqual(corpus.chars, tuple(sorted(corpus.chars)))
        self.assertIn("bundled copy", corpus.source)
        # "auto" finds no network here and falls back to the same text.
        self.assertTrue(np.array_equal(data.nietzsche().text, corpus.text))

    def test_bad_corpus_source_is_one_line_error(self):
        with self.assertRaisesRegex(UserError, "unknown Nietzsche source 'web'"):
            data.nietzsche("web")

    def test_generated_text_depends_only_on_weights_and_seed(self):
        report = self.report(0)
        tf1_text = {name: value for name, value in report.tf1.outputs.items()
                    if name.startswith("generated_")}
        self.assertEqual(sorted(tf1_text),
                         [f"generated_T{t}" for t in sorted(TEST_HP.temperatures)])
        for name, indices in tf1_text.items():
            self.assertEqual(indices.tolist(), report.tf2.outputs[name].tolist(), name)
        # Another seed draws other characters: the sampling is seeded, not fixed.
        self.assertNotEqual(self.report(1).tf1.outputs["generated_T1.0"].tolist(),
                            tf1_text["generated_T1.0"].tolist())

    # --- The weight and checkpoint mapping -----------------------------------------------------

    def test_mapping_round_trip(self):
        tf1_values = self.report(0).tf1.variables
        random_values = harness.random_initial_values(tf1_values, seed=0)
        model = tf2_char_rnn.build_model(np.zeros((1, TEST_HP.seq_length), np.int32), 57)
        name_map = tf2_char_rnn.tf1_names(model)
        # TF1 -> TF2 -> TF1 is exact for TF1's initial values (the bias starts at zero) ...
        mapping.assign(name_map, tf1_values)
        for name, value in mapping.read(name_map).items():
            self.assertTrue(np.array_equal(value, tf1_values[name]), name)
        # ... and for any kernel. Any other bias rounds once, in float32, when forget_bias is
        # added to it: (b + 1) - 1 is within one ulp of 1 (2**-23) of b for |b| < 1.
        mapping.assign(name_map, random_values)
        for name, value in mapping.read(name_map).items():
            if name == "rnn/basic_lstm_cell/bias":
                np.testing.assert_allclose(value, random_values[name], rtol=2 ** -23,
                                           atol=2 ** -23)
            else:
                self.assertTrue(np.array_equal(value, random_values[name]), name)

    def test_mapping_layout(self):
        # Each TF1 column block lands in its Keras gate block (PITFALLS #2); the rows split at
        # the input size (PITFALLS #1); the forget bias goes into the f block (PITFALLS #3).
        units, inputs = 3, 2
        # Entry [row, column] = 10 * row + (TF1 gate number of the column).
        rows = np.arange(inputs + units, dtype=np.float32)[:, np.newaxis]
        kernel = 10 * rows + np.repeat(np.arange(4, dtype=np.float32), units)[np.newaxis]
        keras_kernel, recurrent_kernel = mapping.lstm_kernel_to_keras(kernel)
        self.assertEqual((keras_kernel.shape, recurrent_kernel.shape), ((2, 12), (3, 12)))
        # TF1 blocks i, j, f, o are 0, 1, 2, 3; Keras wants i, f, c(=j), o.
        self.assertEqual(keras_kernel[0, ::units].tolist(), [0, 2, 1, 3])
        self.assertEqual(recurrent_kernel[:, 0].tolist(), [20, 30, 40])
        bias = mapping.lstm_bias_to_keras(np.zeros(4 * units, np.float32), forget_bias=1.0)
        self.assertEqual(bias.tolist(), [0] * units + [1] * units + [0] * 2 * units)
        # The gradient conversion reorders and does not subtract the forget bias.
        gradient = mapping.lstm_bias_gradient_to_tf1(np.arange(12, dtype=np.float32))
        self.assertEqual(gradient[::units].tolist(), [0, 6, 3, 9])

    def test_tf1_saver_checkpoint_loads_into_the_tf2_model(self):
        # PITFALLS #20: a Saver checkpoint is keyed by name; it loads through the name map.
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "char_rnn.ckpt")
            trained = tf1_char_rnn.trace(seed=0, steps=3, generate_length=0, checkpoint_path=path)
            # Adam's slots and beta powers are in the checkpoint too; the loader leaves them out.
            checkpoint_values = mapping.load_tf1_checkpoint(path)
            model = tf2_char_rnn.build_model(np.zeros((1, TEST_HP.seq_length), np.int32), 57)
            name_map = tf2_char_rnn.tf1_names(model)
            mapping.assign(name_map, mapping.load_tf1_checkpoint(path, names=name_map))
            for name, value in mapping.read(name_map).items():
                np.testing.assert_allclose(value, trained.final_variables[name], rtol=2 ** -23,
                                           atol=2 ** -23, err_msg=name)
            # From the checkpoint, both sides compute the same outputs, loss and gradients.
            report = harness.compare(self.EXAMPLE, seed=0, steps=0,
                                     initial_values=checkpoint_values)
            self.assertTrue(report.equivalent, report.table())

    def test_checkpoint_with_missing_or_extra_variables_is_refused(self):
        # PITFALLS #20: the name map is checked against the checkpoint's keys, all or nothing.
        values = self.report(0).tf1.variables
        wrong = {name: value for name, value in values.items() if name != "dense/bias"}
        wrong["rnn/basic_lstm_cell/peephole"] = np.zeros(4, np.float32)
        model = tf2_char_rnn.build_model(np.zeros((1, TEST_HP.seq_length), np.int32), 57)
        name_map = tf2_char_rnn.tf1_names(model)
        with tempfile.TemporaryDirectory() as directory:
            path = write_tf1_checkpoint(os.path.join(directory, "wrong.ckpt"), wrong)
            with self.assertRaises(UserError) as caught:
                mapping.load_tf1_checkpoint(path, names=name_map)
        message = str(caught.exception)
        self.assertNotIn("\n", message)
        self.assertIn("missing dense/bias; extra rnn/basic_lstm_cell/peephole", message)

    # --- The other implementation: tf.nn.dynamic_rnn vs keras.layers.LSTM ----------------------

    def test_library_variant_is_equivalent(self):
        library = dataclasses.replace(TEST_HP, rnn="library")
        patches = with_hparams(library)
        with patches[0], patches[1]:
            report = harness.compare(self.EXAMPLE, seed=0, steps=self.STEPS,
                                     initial_values=self.report(0, random_start=True).tf1.variables)
        self.assertTrue(report.equivalent, report.table())

    # --- Planted mistakes ----------------------------------------------------------------------

    def assert_caught_under(self, patch, quantity, **kwargs):
        """``assert_caught`` with a patch outside the TF2 module (the shared mapping, Keras)."""
        return self.assert_caught(quantity, patches=[patch], **kwargs)

    def test_planted_kernel_copied_whole_is_refused(self):
        # PITFALLS #1: BasicLSTMCell's kernel [57 + 32, 128] copied into Keras' kernel [57, 128]
        # without splitting off the recurrent rows: the shapes do not match, and the copy is
        # refused in one line before anything is written.
        def whole(kernel):
            kernel = mapping.reorder_lstm_gates(kernel, mapping.TF1_LSTM_GATES,
                                                mapping.KERAS_LSTM_GATES)
            return kernel, kernel[-kernel.shape[-1] // 4:]
        with mock.patch.object(mapping, "lstm_kernel_to_keras", whole):
            with self.assertRaisesRegex(UserError, r"rnn/basic_lstm_cell/kernel has shape "
                                                   r"\[89, 128\], the model expects \[57, 128\]"):
                harness.compare(self.EXAMPLE, seed=0, steps=0)

    def test_planted_gate_order_not_reordered_is_caught(self):
        # PITFALLS #2: the columns split but left in TF1's order i, j, f, o.
        self.assert_caught_under(
            mock.patch.object(mapping, "KERAS_LSTM_GATES", mapping.TF1_LSTM_GATES),
            "outputs", steps=0)

    def test_planted_forget_bias_not_folded_in_is_caught(self):
        # PITFALLS #3: BasicLSTMCell's constant forget_bias left out of the copied bias.
        self.assert_caught("outputs", steps=0, HP=dataclasses.replace(TEST_HP, forget_bias=0.0))

    def test_planted_forget_bias_added_to_the_gradient_is_caught(self):
        # PITFALLS #3: the constant belongs to the values, not to their gradients.
        as_values = functools.partial(mapping.lstm_bias_to_tf1, forget_bias=TEST_HP.forget_bias)
        report = self.assert_caught_under(
            mock.patch.object(mapping, "lstm_bias_gradient_to_tf1", as_values), "gradients",
            steps=0)
        self.assertTrue(report.check("outputs").ok)

    def test_planted_state_tuple_swapped_is_caught(self):
        report = self.assert_caught_under(
            mock.patch.object(keras.layers, "LSTMCell", LSTMCellStateReadAsCH), "outputs", steps=0)
        # PITFALLS #4: from a zero state the first step is the same; the second step differs.
        tf1_outputs = report.tf1.outputs["lstm_outputs"]
        tf2_outputs = report.tf2.outputs["lstm_outputs"]
        np.testing.assert_allclose(tf2_outputs[:, 0], tf1_outputs[:, 0], atol=1e-6)
        self.assertGreater(np.abs(tf2_outputs[:, 1] - tf1_outputs[:, 1]).max(), 1e-2)

    def test_planted_final_state_read_as_c_h_is_caught(self):
        # PITFALLS #4: Keras returns the state [h, c], TF1 (c, h).
        report = self.assert_caught("outputs", steps=0, CharRNN=FinalStateReadAsCH)
        self.assertTrue(np.allclose(report.tf2.outputs["state_c"], report.tf1.outputs["state_h"],
                                    atol=1e-6))

    def test_planted_hard_sigmoid_recurrent_activation_is_caught(self):
        # PITFALLS #5: TF 1.x tf.keras LSTMs defaulted to hard_sigmoid; BasicLSTMCell is sigmoid.
        self.assert_caught("outputs", steps=0, HP=dataclasses.replace(
            TEST_HP, recurrent_activation="hard_sigmoid"))

    def test_planted_probabilities_instead_of_logits_is_caught(self):
        # PITFALLS #11 (the handbook's TF2 code takes the loss on softmax probabilities): Keras
        # clips them to [1e-7, 1 - 1e-7], which changes nothing at this model's logit scale (the
        # loss agrees to the last bit) but does once a logit gap passes 16. Scaling the dense
        # kernel by 100 gives logits of up to 15: the loss then differs by 0.16.
        def loss_on_probabilities(y_true, logits):
            return tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(
                y_true, tf.nn.softmax(logits)))

        values = dict(self.report(0).tf1.variables)
        values["dense/kernel"] = values["dense/kernel"] * 100
        self.assertTrue(harness.compare(self.EXAMPLE, steps=0, initial_values=values).equivalent)
        with mock.patch.object(tf2_char_rnn, "compute_loss", loss_on_probabilities):
            report = harness.compare(self.EXAMPLE, steps=0, initial_values=values)
        self.assertFalse(report.check("loss").ok, report.table())

    @parameterized.expand(testing.SEEDS)
    @pytest.mark.slow  # a TF1 run and four TF2 runs per seed
    def test_planted_adam_changes_are_caught_step_by_step(self, seed):
        # A decaying learning rate, beta_1 0.95 and amsgrad, each against the unpatched control
        # on the same TF1 trace (PITFALLS #8: the whole trajectory drifts, one step does not).
        tracing.assert_adam_mistakes_caught(self, seed, tf2_char_rnn.HP)

    def test_planted_keras_default_adam_epsilon_is_caught(self):
        # PITFALLS #7: Keras' Adam epsilon 1e-7 against TF1's 1e-8.
        self.assert_caught("trajectory", HP=dataclasses.replace(TEST_HP, adam_epsilon=1e-7))


@pytest.mark.parametrize("argv, message", [
    (["--steps", "0"], "--steps (batches) must be 1 or more for --train, not 0"),
    (["--plot", "/nonexistent/dir/char_rnn.png"], "directory does not exist"),
])
def test_train_job_bad_input_is_one_line_error(capsys, argv, message):
    assert cli.main(["compare", "char_rnn", "--train", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


@pytest.mark.slow
def test_full_model_compare_is_equivalent(capsys):
    assert cli.main(["compare", "char_rnn"]) == 0
    assert "char_rnn (seed 0, 20 steps): EQUIVALENT" in capsys.readouterr().out


@pytest.mark.slow
def test_train_job(capsys, tmp_path):
    plot = tmp_path / "char_rnn.png"
    assert cli.main(["compare", "char_rnn", "--train", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert plot.stat().st_size > 0 and str(plot) in out
    for temperature in hparams.CHAR_RNN.temperatures:
        assert f"temperature {temperature}" in out
