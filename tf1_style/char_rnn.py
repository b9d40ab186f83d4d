"""Character-level LSTM text generation, TF1 graph style.

Source: TensorFlow handbook (snowkylin), "Recurrent neural networks", `rnn/rnn.py` at 6b4415c
(after the Keras example lstm_text_generation.py). Learns to predict the character that follows
40 characters of Nietzsche's *Beyond Good and Evil* (one-hot inputs, an LSTM of 256 units, a dense
layer of logits; Adam, batch 50), then generates text at temperatures 0.2, 0.5, 1.0 and 1.2.

What changes in TF2:
- `tf.nn.rnn_cell.BasicLSTMCell` becomes `keras.layers.LSTMCell`: its one kernel over
  concat[x, h] splits into `kernel` and `recurrent_kernel`, the gate order i, j, f, o becomes
  i, f, c, o, and the constant `forget_bias` becomes part of the trainable bias (the name map
  `tf1_names` converts all three);
- `zero_state`, an `LSTMStateTuple(c, h)`, becomes `get_initial_state`, a list [h, c];
- the static loop (or `tf.nn.dynamic_rnn`) becomes a loop inside `tf.function` (or
  `keras.layers.LSTM`), and placeholders become a `tf.function` input signature;
- `tf.train.AdamOptimizer` becomes `keras.optimizers.Adam` with epsilon set to TF1's 1e-8;
- `tf.train.Saver` becomes `tf.train.Checkpoint`; a Saver checkpoint loads into the TF2 model
  through the name map.
"""
import tensorflow.compat.v1 as tf

import random

from tf1to2 import data, hparams, mapping, tracing
from tf1to2.harness import Trace

HP = hparams.CHAR_RNN


def build_model(inputs, num_chars):
    """Next-character logits for ``inputs`` [batch, seq_length], LSTM outputs, final state."""
    inputs = tf.one_hot(inputs, depth=num_chars)  # [batch, seq_length, num_chars]
    cell = tf.nn.rnn_cell.BasicLSTMCell(num_units=HP.units, forget_bias=HP.forget_bias)
    state = cell.zero_state(tf.shape(inputs)[0], dtype=tf.float32)  # LSTMStateTuple(c, h)
    if HP.rnn == "loop":
        with tf.variable_scope("rnn"):
            outputs = []
            for t in range(HP.seq_length):
                output, state = cell(inputs[:, t, :], state)
                outputs.append(output)
        outputs = tf.stack(outputs, axis=1)
    else:
        outputs, state = tf.nn.dynamic_rnn(cell, inputs, initial_state=state)
    logits = tf.layers.dense(outputs[:, -1, :], units=num_chars, name="dense")
    return logits, outputs, state


def compute_loss(y_true, logits):
    return tf.losses.sparse_softmax_cross_entropy(labels=y_true, logits=logits)


def next_char_probabilities(logits, temperature):
    return tf.nn.softmax(logits / temperature)


def build_optimizer():
    # AdamOptimizer's epsilon defaults to 1e-8 (HP.adam_epsilon).
    return tf.train.AdamOptimizer(learning_rate=HP.learning_rate)


def trace(seed=0, steps=HP.steps, initial_values=None, generate_length=None,
          checkpoint_path=None):
    """What the equivalence check compares; also generates text (``generate_length`` characters
    per temperature, default ``HP.generate_length``) and saves a checkpoint if given a path."""
    generate_length = HP.generate_length if generate_length is None else generate_length
    corpus = data.nietzsche()
    batches = list(corpus.random_batches(HP.batch_size, HP.seq_length, max(steps, 1), seed))
    X, y = batches[0]
    # BasicLSTMCell and tf.layers are backed by tf_keras here, whose initialisers draw their seeds
    # from Python's `random` (tf.set_random_seed does not reach them, PITFALLS #18): seeding it
    # makes the TF1 initialisation the same in every run.
    random.seed(seed)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        X_ = tf.placeholder(tf.int32, [None, HP.seq_length], name="X")
        y_ = tf.placeholder(tf.int32, [None], name="y")
        temperature_ = tf.placeholder(tf.float32, [], name="temperature")
        logits, outputs, state = build_model(X_, corpus.num_chars)
        loss = compute_loss(y_, logits)
        probabilities = next_char_probabilities(logits, temperature_)
        optimizer = build_optimizer()
        # compute_gradients + apply_gradients is minimize() in two steps: the gradients are built
        # once, for the update and for the comparison (a 40-step unrolled graph is slow to build).
        gradients_and_variables = optimizer.compute_gradients(loss)
        train_op = optimizer.apply_gradients(gradients_and_variables)
        variables = {variable.op.name: variable for _, variable in gradients_and_variables}
        gradients = {variable.op.name: gradient for gradient, variable in gradients_and_variables}
        saver = tf.train.Saver()

        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if initial_values is not None:
                mapping.load(sess, variables, initial_values)
            feed_dict = {X_: X, y_: y}
            c, h = state
            result = Trace(variables=sess.run(variables),
                           outputs=sess.run({"lstm_outputs": outputs, "state_c": c,
                                             "state_h": h, "logits": logits}, feed_dict),
                           loss={"loss": sess.run(loss, feed_dict)},
                           gradients=sess.run(gradients, feed_dict))
            recorder = tracing.SessionRecorder(result, sess, variables, optimizer,
                                               mapping.trajectory_sample)
            for _, (X_batch, y_batch) in recorder.steps(batches[:steps]):
                step_loss, _ = sess.run([loss, train_op], {X_: X_batch, y_: y_batch})
                recorder.record(step_loss)

            def predict(window, temperature):
                return sess.run(probabilities, {X_: window, temperature_: temperature})

            generated = corpus.generate(predict, HP.seq_length, HP.temperatures, generate_length,
                                        seed)
            result.outputs.update({f"generated_T{temperature}": indices
                                   for temperature, indices in generated.items()})
            if checkpoint_path is not None:
                saver.save(sess, checkpoint_path)
    return result


def main():
    result = trace(steps=HP.train_steps, generate_length=HP.train_generate_length)
    print(f"loss after {HP.train_steps} batches: {result.losses[-1]:.4f}")
    corpus = data.nietzsche()
    for temperature in HP.temperatures:
        print(f"temperature {temperature}:")
        print(corpus.decode(result.outputs[f"generated_T{temperature}"]) + "\n")


if __name__ == "__main__":
    main()
