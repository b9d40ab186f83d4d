"""MNIST rows as sequences through a GRUCell and a peephole, projected LSTMCell, TF1 graph style.

Source: the TF1 idiom of the RNN tutorials (for example aymericdamien/TensorFlow-Examples,
`recurrent_network.py`): each 28x28 image is read as 28 time steps of 28 pixels. Here a
`tf.nn.rnn_cell.GRUCell(32)` reads the rows, a `tf.nn.rnn_cell.LSTMCell(32, use_peepholes=True,
num_proj=16)` reads the GRU's outputs, and a dense layer turns the LSTM's final (projected) h
into 10 logits; plain gradient descent, batch 32.

What changes in TF2:
- `GRUCell` becomes `keras.layers.GRUCell(reset_after=False)`: TF1's two kernels over
  concat[x, h] (`gates/kernel` with the gates r, u; `candidate/kernel`) become column blocks of
  `kernel` and `recurrent_kernel` in the order z (= u), r, h, and TF1's gate bias starts at 1.0;
- `LSTMCell` with peepholes and a projection has no Keras 3 counterpart: a small custom cell
  (a `keras.layers.Layer` with `state_size`, in `keras.layers.RNN`) computes it; its kernel
  reuses the LSTM layout conversion with `num_proj` recurrent rows;
- `tf.nn.dynamic_rnn` becomes `keras.layers.RNN`/`GRU`; the state `LSTMStateTuple(c, h)`
  becomes the list [h, c];
- the initialisers are written out: TF1's glorot_uniform over each whole TF1 kernel is a
  `VarianceScaling` per Keras part (`tf1to2.rnn_layouts`).
"""
import tensorflow.compat.v1 as tf

import random

from tf1to2 import data, mapping, rnn_layouts
from tf1to2.harness import Trace
from tf1to2.hparams import rnn as rnn_hparams

HP = rnn_hparams.RNN_CELLS


def build_model(rows):
    """Logits for ``rows`` [batch, 28, 28], and the cells' outputs and final states."""
    gru_cell = tf.nn.rnn_cell.GRUCell(num_units=HP.units)
    gru_outputs, gru_state = tf.nn.dynamic_rnn(gru_cell, rows, dtype=tf.float32, scope="gru")
    lstm_cell = tf.nn.rnn_cell.LSTMCell(num_units=HP.units, use_peepholes=HP.use_peepholes,
                                        num_proj=HP.num_proj or None, forget_bias=HP.forget_bias)
    lstm_outputs, lstm_state = tf.nn.dynamic_rnn(lstm_cell, gru_outputs, dtype=tf.float32,
                                                 scope="lstm")
    c, h = lstm_state  # LSTMStateTuple(c, h); h is the projected output
    logits = tf.layers.dense(h, units=HP.classes, name="dense")
    return logits, {"gru_outputs": gru_outputs, "gru_state": gru_state,
                    "lstm_outputs": lstm_outputs, "lstm_state_c": c, "lstm_state_h": h}


def compute_loss(labels, logits):
    return tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)


def trace(seed=0, steps=HP.steps, initial_values=None):
    """What the equivalence check compares: the first batch's outputs, loss and gradients, then
    ``steps`` steps of gradient descent."""
    mnist = data.mnist(HP.data_source)
    batches = list(rnn_layouts.mnist_row_batches(mnist, HP.batch_size, max(steps, 1), seed))
    rows, labels, _ = batches[0]
    random.seed(seed)  # tf_keras backs tf.nn.rnn_cell and tf.layers: its seeds (PITFALLS #18)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        rows_ = tf.placeholder(tf.float32, [None, 28, 28], name="rows")
        labels_ = tf.placeholder(tf.int32, [None], name="labels")
        logits, outputs = build_model(rows_)
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
            first = sess.run({"loss": loss, "outputs": {**outputs, "logits": logits},
                              "gradients": gradients}, {rows_: rows, labels_: labels})
            result = Trace(variables=sess.run(variables), outputs=first["outputs"],
                           loss={"loss": first["loss"]}, gradients=first["gradients"])
            for rows_batch, labels_batch, _ in batches[:steps]:
                step_loss, _ = sess.run([loss, train_op], {rows_: rows_batch,
                                                           labels_: labels_batch})
                result.record_step(step_loss, sess.run(variables))
    return result


def main():
    result = trace(steps=HP.train_steps)
    print(f"loss: {result.losses[0]:.4f} at the first step, {result.losses[-1]:.4f} after "
          f"{HP.train_steps} steps")


if __name__ == "__main__":
    main()
