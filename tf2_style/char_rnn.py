"""Character-level LSTM text generation, TF2 style (Keras 3).

Source: TensorFlow handbook (snowkylin), "Recurrent neural networks", `rnn/rnn.py` at 101a350
(after the Keras example lstm_text_generation.py). Learns to predict the character that follows
40 characters of Nietzsche's *Beyond Good and Evil* (one-hot inputs, an LSTM of 256 units, a dense
layer of logits; Adam, batch 50), then generates text at temperatures 0.2, 0.5, 1.0 and 1.2.

What changed from TF1:
- `tf.nn.rnn_cell.BasicLSTMCell` became `keras.layers.LSTMCell`: its one kernel over
  concat[x, h] split into `kernel` and `recurrent_kernel`, the gate order i, j, f, o became
  i, f, c, o, and the constant `forget_bias` became part of the trainable bias (the name map
  `tf1_names` converts all three);
- `zero_state`, an `LSTMStateTuple(c, h)`, became `get_initial_state`, a list [h, c];
- the static loop (or `tf.nn.dynamic_rnn`) became a loop inside `tf.function` (or
  `keras.layers.LSTM`), and placeholders became a `tf.function` input signature;
- `tf.train.AdamOptimizer` became `keras.optimizers.Adam` with epsilon set to TF1's 1e-8;
- `tf.train.Saver` became `tf.train.Checkpoint`; a Saver checkpoint loads into the TF2 model
  through the name map.
"""
import functools

import keras
import tensorflow as tf

from tf1to2 import data, hparams, mapping, tracing
from tf1to2.harness import Trace

HP = hparams.CHAR_RNN


class CharRNN(keras.Model):
    def __init__(self, num_chars):
        super().__init__()
        self.num_chars = num_chars
        # BasicLSTMCell draws its one kernel [num_chars + units, 4·units] from glorot_uniform,
        # U(±sqrt(6 / (fan_in + fan_out))); Keras' defaults (glorot over [num_chars, 4·units],
        # orthogonal recurrent kernel) are another distribution: draw both parts from TF1's.
        limit = (6.0 / (num_chars + HP.units + 4 * HP.units)) ** 0.5
        tf1_glorot = keras.initializers.RandomUniform(minval=-limit, maxval=limit)
        if HP.rnn == "loop":
            self.cell = keras.layers.LSTMCell(units=HP.units,
                                              recurrent_activation=HP.recurrent_activation,
                                              kernel_initializer=tf1_glorot,
                                              recurrent_initializer=tf1_glorot)
        else:
            self.lstm = keras.layers.LSTM(units=HP.units,
                                          recurrent_activation=HP.recurrent_activation,
                                          kernel_initializer=tf1_glorot,
                                          recurrent_initializer=tf1_glorot,
                                          return_sequences=True, return_state=True)
        self.dense = keras.layers.Dense(units=num_chars)

    def call(self, inputs):
        """Next-character logits for ``inputs`` [batch, seq_length], LSTM outputs, final state."""
        inputs = tf.one_hot(inputs, depth=self.num_chars)  # [batch, seq_length, num_chars]
        if HP.rnn == "loop":
            state = self.cell.get_initial_state(batch_size=tf.shape(inputs)[0])  # [h, c]
            outputs = []
            for t in range(HP.seq_length):
                output, state = self.cell(inputs[:, t, :], state)
                outputs.append(output)
            outputs = tf.stack(outputs, axis=1)
        else:
            outputs, *state = self.lstm(inputs)
        logits = self.dense(outputs[:, -1, :])
        return logits, outputs, state


def build_model(inputs, num_chars):
    model = CharRNN(num_chars)
    model(inputs)  # Keras creates the weights on the first call.
    return model


def compute_loss(y_true, logits):
    return tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y_true, logits,
                                                                       from_logits=True))


def next_char_probabilities(logits, temperature):
    return tf.nn.softmax(logits / temperature)


def build_optimizer():
    # Keras' Adam defaults to epsilon 1e-7: set TF1's 1e-8 (PITFALLS #7).
    return keras.optimizers.Adam(learning_rate=HP.learning_rate, epsilon=HP.adam_epsilon)


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable(s) that replace it.

    BasicLSTMCell's kernel holds the input rows and the recurrent rows in one matrix with the
    gates in the order i, j, f, o; LSTMCell has two matrices with the gates in the order
    i, f, c, o. BasicLSTMCell also adds the constant ``forget_bias`` to the forget gate, which
    LSTMCell can only hold in its trainable bias: the conversion adds it to the value (and
    takes it out again on the way back), but not to the gradient.
    """
    cell = model.cell if HP.rnn == "loop" else model.lstm.cell
    return {
        "rnn/basic_lstm_cell/kernel": mapping.Converted(
            (cell.kernel, cell.recurrent_kernel),
            to_tf2=mapping.lstm_kernel_to_keras, to_tf1=mapping.lstm_kernel_to_tf1),
        "rnn/basic_lstm_cell/bias": mapping.Converted(
            cell.bias,
            to_tf2=functools.partial(mapping.lstm_bias_to_keras, forget_bias=HP.forget_bias),
            to_tf1=functools.partial(mapping.lstm_bias_to_tf1, forget_bias=HP.forget_bias),
            gradient_to_tf1=mapping.lstm_bias_gradient_to_tf1,
            gradient_to_tf2=mapping.lstm_bias_gradient_to_keras),
        "dense/kernel": model.dense.kernel,
        "dense/bias": model.dense.bias,
    }


def trace(seed=0, steps=HP.steps, initial_values=None, generate_length=None,
          checkpoint_path=None):
    """What the equivalence check compares; also generates text (``generate_length`` characters
    per temperature, default ``HP.generate_length``) and saves a checkpoint if given a path."""
    generate_length = HP.generate_length if generate_length is None else generate_length
    corpus = data.nietzsche()
    batches = list(corpus.random_batches(HP.batch_size, HP.seq_length, max(steps, 1), seed))
    X, y = batches[0]
    keras.utils.set_random_seed(seed)
    model = build_model(X, corpus.num_chars)
    variables = tf1_names(model)
    optimizer = build_optimizer()
    # Its slots exist before train_step is traced: a tf.function that creates variables on its
    # first call is traced twice (a 40-step unrolled loop is slow to trace).
    optimizer.build(model.trainable_variables)
    checkpoint = tf.train.Checkpoint(model=model, optimizer=optimizer)

    @tf.function
    def train_step(X, y):
        with tf.GradientTape() as tape:
            logits, _, _ = model(X)
            loss = compute_loss(y, logits)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    # The input signature plays the placeholders' part: a Python float temperature becomes a
    # tensor, so the function is traced once rather than once per temperature.
    @tf.function(input_signature=[tf.TensorSpec([None, HP.seq_length], tf.int32),
                                  tf.TensorSpec([], tf.float32)])
    def predict(window, temperature):
        logits, _, _ = model(window)
        return next_char_probabilities(logits, temperature)

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    with tf.GradientTape() as tape:
        logits, outputs, state = model(X)
        loss = compute_loss(y, logits)
    gradients = tape.gradient(loss, model.trainable_variables)
    h, c = state
    result = Trace(variables=mapping.read(variables),
                   outputs={"lstm_outputs": outputs.numpy(), "state_c": c.numpy(),
                            "state_h": h.numpy(), "logits": logits.numpy()},
                   loss={"loss": loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients))
    recorder = tracing.KerasRecorder(result, variables, optimizer, mapping.trajectory_sample)
    for _, (X_batch, y_batch) in recorder.steps(batches[:steps]):
        step_loss = train_step(X_batch, y_batch)
        recorder.record(step_loss)

    generated = corpus.generate(predict, HP.seq_length, HP.temperatures, generate_length, seed)
    result.outputs.update({f"generated_T{temperature}": indices
                           for temperature, indices in generated.items()})
    if checkpoint_path is not None:
        checkpoint.write(checkpoint_path)
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
