"""MNIST rows as sequences through a GRU and a peephole, projected LSTM, TF2 style (Keras 3).

Source: the TF1 idiom of the RNN tutorials (for example aymericdamien/TensorFlow-Examples,
`recurrent_network.py`): each 28x28 image is read as 28 time steps of 28 pixels. Here a GRU of
32 units reads the rows, an LSTM of 32 units with peepholes and a projection to 16 reads the
GRU's outputs, and a dense layer turns the LSTM's final (projected) h into 10 logits; plain
gradient descent, batch 32.

What changed from TF1:
- `GRUCell` became `keras.layers.GRUCell(reset_after=False)`: TF1's two kernels over
  concat[x, h] (`gates/kernel` with the gates r, u; `candidate/kernel`) became column blocks of
  `kernel` and `recurrent_kernel` in the order z (= u), r, h, and TF1's gate bias starts at 1.0;
- `LSTMCell` with peepholes and a projection has no Keras 3 counterpart: a small custom cell
  (a `keras.layers.Layer` with `state_size`, in `keras.layers.RNN`) computes it; its kernel
  reuses the LSTM layout conversion with `num_proj` recurrent rows;
- `tf.nn.dynamic_rnn` became `keras.layers.RNN`/`GRU`; the state `LSTMStateTuple(c, h)`
  became the list [h, c];
- the initialisers are written out: TF1's glorot_uniform over each whole TF1 kernel is a
  `VarianceScaling` per Keras part (`tf1to2.rnn_layouts`).
"""
import keras
import tensorflow as tf
from keras import ops

from tf1to2 import data, mapping, rnn_layouts
from tf1to2.harness import Trace
from tf1to2.hparams import rnn as rnn_hparams

HP = rnn_hparams.RNN_CELLS


class PeepholeLSTMCell(keras.layers.Layer):
    """v1 `LSTMCell(use_peepholes=..., num_proj=...)` as a Keras cell, gates in Keras' order.

    Peepholes let the gates see the cell state: i and f see the previous c, o the new one,
    through one weight per unit. The projection multiplies the output by a [units, num_proj]
    matrix; the projected output is also the recurrent h, so the state is [h (num_proj), c].
    """

    def __init__(self, units, use_peepholes, num_proj, **kwargs):
        super().__init__(**kwargs)
        self.units, self.use_peepholes, self.num_proj = units, use_peepholes, num_proj
        self.state_size = [num_proj or units, units]  # [h, c]
        self.output_size = num_proj or units

    def build(self, input_shape):
        initializers = rnn_layouts.tf1_lstm_initializers(input_shape[-1], self.units,
                                                         self.num_proj)
        self.kernel = self.add_weight(shape=(input_shape[-1], 4 * self.units), name="kernel",
                                      initializer=initializers["kernel_initializer"])
        self.recurrent_kernel = self.add_weight(
            shape=(self.state_size[0], 4 * self.units), name="recurrent_kernel",
            initializer=initializers["recurrent_initializer"])
        self.bias = self.add_weight(shape=(4 * self.units,), name="bias",
                                    initializer=rnn_layouts.lstm_bias_initializer(HP.forget_bias))
        if self.use_peepholes:  # TF1 draws them glorot_uniform over [units]: bound sqrt(3/units)
            self.peepholes = {gate: self.add_weight(shape=(self.units,), name=f"{gate}_peephole",
                                                    initializer="glorot_uniform")
                              for gate in ("input", "forget", "output")}
        if self.num_proj:
            self.projection = self.add_weight(shape=(self.units, self.num_proj),
                                              name="projection", initializer="glorot_uniform")

    def call(self, inputs, states):
        h, c = states
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h, self.recurrent_kernel) + self.bias
        i, f, g, o = ops.split(z, 4, axis=-1)  # the forget bias is in `bias`
        if self.use_peepholes:
            i, f = i + self.peepholes["input"] * c, f + self.peepholes["forget"] * c
        c = ops.sigmoid(f) * c + ops.sigmoid(i) * ops.tanh(g)
        if self.use_peepholes:
            o = o + self.peepholes["output"] * c
        h = ops.sigmoid(o) * ops.tanh(c)
        if self.num_proj:
            h = ops.matmul(h, self.projection)
        return h, [h, c]


class RowClassifier(keras.Model):
    def __init__(self, input_size):
        super().__init__()
        self.gru = keras.layers.GRU(units=HP.units, reset_after=HP.gru_reset_after,
                                    return_sequences=True, return_state=True,
                                    **rnn_layouts.tf1_gru_initializers(input_size, HP.units))
        self.lstm = keras.layers.RNN(PeepholeLSTMCell(HP.units, HP.use_peepholes, HP.num_proj),
                                     return_sequences=True, return_state=True)
        self.dense = keras.layers.Dense(units=HP.classes)

    def call(self, rows):
        """Logits for ``rows`` [batch, 28, 28], and the cells' outputs and final states."""
        gru_outputs, gru_state = self.gru(rows)
        lstm_outputs, h, c = self.lstm(gru_outputs)  # [h, c]; h is the projected output
        logits = self.dense(h)
        return logits, {"gru_outputs": gru_outputs, "gru_state": gru_state,
                        "lstm_outputs": lstm_outputs, "lstm_state_c": c, "lstm_state_h": h}


def build_model(rows):
    model = RowClassifier(input_size=rows.shape[-1])
    model(rows[:, :1])  # Keras creates the weights on the first call (one time step will do).
    return model


def compute_loss(labels, logits):
    return ops.mean(keras.losses.sparse_categorical_crossentropy(labels, logits,
                                                                 from_logits=True))


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable (or blocks) replacing it."""
    lstm = model.lstm.cell
    names = {**rnn_layouts.gru_names("gru/gru_cell", model.gru.cell),
             **rnn_layouts.projected_lstm("lstm/lstm_cell", lstm, HP.forget_bias)}
    if HP.use_peepholes:
        names.update({f"lstm/lstm_cell/w_{gate[0]}_diag": lstm.peepholes[gate]
                      for gate in ("input", "forget", "output")})
    if HP.num_proj:
        names["lstm/lstm_cell/projection/kernel"] = lstm.projection
    names.update({"dense/kernel": model.dense.kernel, "dense/bias": model.dense.bias})
    return names


def trace(seed=0, steps=HP.steps, initial_values=None):
    """What the equivalence check compares: the first batch's outputs, loss and gradients, then
    ``steps`` steps of gradient descent."""
    mnist = data.mnist(HP.data_source)
    batches = list(rnn_layouts.mnist_row_batches(mnist, HP.batch_size, max(steps, 1), seed))
    rows, labels, _ = batches[0]
    keras.utils.set_random_seed(seed)
    model = build_model(rows)
    variables = tf1_names(model)
    optimizer = keras.optimizers.SGD(learning_rate=HP.learning_rate)

    # One traced function serves the check and every step (tracing two 28-step loops and their
    # gradients is what takes time): TF1's compute_gradients, then apply_gradients.
    @tf.function
    def compute_gradients(rows, labels):
        with tf.GradientTape() as tape:
            logits, outputs = model(rows)
            loss = compute_loss(labels, logits)
        return loss, {**outputs, "logits": logits}, tape.gradient(loss, model.trainable_variables)

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    loss, outputs, gradients = compute_gradients(rows, labels)
    result = Trace(variables=mapping.read(variables),
                   outputs={name: value.numpy() for name, value in outputs.items()},
                   loss={"loss": loss.numpy()},
                   gradients=rnn_layouts.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients))
    for rows_batch, labels_batch, _ in batches[:steps]:
        step_loss, _, gradients = compute_gradients(rows_batch, labels_batch)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        result.record_step(step_loss, mapping.read(variables))
    return result


def main():
    result = trace(steps=HP.train_steps)
    print(f"loss: {result.losses[0]:.4f} at the first step, {result.losses[-1]:.4f} after "
          f"{HP.train_steps} steps")


if __name__ == "__main__":
    main()
