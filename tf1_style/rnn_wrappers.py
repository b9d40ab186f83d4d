"""MNIST rows of variable length through a bidirectional stack of two LSTMs, TF1 graph style.

Source: the TF1 idiom of sequence classifiers (for example the TensorFlow 1 RNN tutorials and
aymericdamien/TensorFlow-Examples `bidirectional_rnn.py`, `dynamic_rnn.py`): each image is read
as a sequence of rows, cut to a random length and padded; `tf.nn.bidirectional_dynamic_rnn` runs a
`MultiRNNCell` of two `LSTMCell(16)`, each in a `DropoutWrapper(output_keep_prob=keep_prob)`,
forwards and backwards over each sequence's true length (`sequence_length`); a dense layer turns
the top layer's final h of both directions into 10 logits; plain gradient descent, batch 32.

What changes in TF2:
- `MultiRNNCell` becomes `keras.layers.StackedRNNCells` in a `keras.layers.RNN`; each layer's
  state `LSTMStateTuple(c, h)` becomes the list [h, c];
- `DropoutWrapper(output_keep_prob=p)` has no Keras 3 counterpart: a small wrapper cell applies
  `keras.layers.Dropout(rate=1 - p)` to the cell's output, only when called with training=True;
- `tf.nn.bidirectional_dynamic_rnn` becomes `keras.layers.Bidirectional` over that RNN;
- `sequence_length` becomes a mask: a `keras.layers.Masking` layer marks the padding rows, and
  the RNN skips them (the final state is each sequence's state at its true end);
- the LSTM initialisers are written out (`tf1to2.rnn_layouts.tf1_lstm_initializers`).
"""
import tensorflow.compat.v1 as tf

import random

from tf1to2 import data, mapping, rnn_layouts
from tf1to2.harness import Trace
from tf1to2.hparams import rnn as rnn_hparams

HP = rnn_hparams.RNN_WRAPPERS
LSTM_STATE = "ch"  # the order of an LSTM state: LSTMStateTuple(c, h)


def build_model(rows, lengths, keep_prob):
    """Logits for padded ``rows`` [batch, 28, 28] of ``lengths`` rows, outputs, final states."""
    def stack():
        return tf.nn.rnn_cell.MultiRNNCell([
            tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.LSTMCell(num_units=HP.units,
                                                                  forget_bias=HP.forget_bias),
                                          output_keep_prob=keep_prob)
            for _ in range(HP.layers)])

    # Outputs past each sequence's length are zeros; the final states are taken at its length.
    (forward, backward), (forward_states, backward_states) = tf.nn.bidirectional_dynamic_rnn(
        stack(), stack(), rows, sequence_length=lengths, dtype=tf.float32)
    states = {f"{direction}_{layer}_{part}": value
              for direction, layers in (("forward", forward_states), ("backward", backward_states))
              for layer, state in enumerate(layers) for part, value in zip(LSTM_STATE, state)}
    top = HP.layers - 1
    features = tf.concat([states[f"forward_{top}_h"], states[f"backward_{top}_h"]], axis=1)
    logits = tf.layers.dense(features, units=HP.classes, name="dense")
    return logits, {"forward_outputs": forward, "backward_outputs": backward, **states}


def compute_loss(labels, logits):
    return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)


def trace(seed=0, steps=HP.steps, initial_values=None, dropout=False):
    """What the equivalence check compares: the first batch's outputs, loss and gradients without
    dropout, the dropout rate in training mode, then ``steps`` steps of gradient descent (with
    dropout only if ``dropout``: the two sides' masks cannot be made equal)."""
    mnist = data.mnist(HP.data_source)
    batches = list(rnn_layouts.mnist_row_batches(mnist, HP.batch_size, max(steps, 1), seed,
                                                 HP.min_length, HP.pad_value))
    rows, labels, lengths = batches[0]
    random.seed(seed)  # tf_keras backs tf.nn.rnn_cell and tf.layers: its seeds (PITFALLS #18)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        rows_ = tf.placeholder(tf.float32, [None, 28, 28], name="rows")
        labels_ = tf.placeholder(tf.int32, [None], name="labels")
        lengths_ = tf.placeholder(tf.int32, [None], name="lengths")
        # 1.0 (no dropout) unless fed: the TF1 way to switch dropout off for inference.
        keep_prob_ = tf.placeholder_with_default(1.0, [], name="keep_prob")
        logits, outputs = build_model(rows_, lengths_, keep_prob_)
        loss = compute_loss(labels_, logits)
        optimizer = tf.train.GradientDescentOptimizer(learning_rate=HP.learning_rate)
        gradients_and_variables = optimizer.compute_gradients(loss)
        train_op = optimizer.apply_gradients(gradients_and_variables)
        variables = {variable.op.name: variable for _, variable in gradients_and_variables}
        gradients = {variable.op.name: gradient for gradient, variable in gradients_and_variables}

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed_dict = {rows_: rows, labels_: labels, lengths_: lengths}
            first = sess.run({"loss": loss, "outputs": {**outputs, "logits": logits},
                              "gradients": gradients}, feed_dict)
            dropped = sess.run(outputs["forward_outputs"], {**feed_dict, keep_prob_: HP.keep_prob})
            result = Trace(variables=sess.run(variables), outputs=first["outputs"],
                           loss={"loss": first["loss"]}, gradients=first["gradients"],
                           metrics={"dropped_fraction": rnn_layouts.dropped_fraction(
                               dropped, first["outputs"]["forward_outputs"], lengths)})
            for rows_batch, labels_batch, lengths_batch in batches[:steps]:
                step_loss, _ = sess.run([loss, train_op], {
                    rows_: rows_batch, labels_: labels_batch, lengths_: lengths_batch,
                    keep_prob_: HP.keep_prob if dropout else 1.0})
                result.record_step(step_loss, sess.run(variables))
    return result


def main():
    result = trace(steps=HP.train_steps, dropout=True)
    print(f"loss: {result.losses[0]:.4f} at the first step, {result.losses[-1]:.4f} after "
          f"{HP.train_steps} steps; dropout zeroed {result.metrics['dropped_fraction']:.3f} "
          f"of the outputs with keep_prob {HP.keep_prob}")


if __name__ == "__main__":
    main()
