"""MNIST rows of variable length through a bidirectional stack of two LSTMs, TF2 style (Keras 3).

Source: the TF1 idiom of sequence classifiers (for example the TensorFlow 1 RNN tutorials and
aymericdamien/TensorFlow-Examples `bidirectional_rnn.py`, `dynamic_rnn.py`): each image is read
as a sequence of rows, cut to a random length and padded; a bidirectional RNN runs a stack of two
LSTM cells of 16 units, each with dropout on its output, forwards and backwards over each
sequence's true length; a dense layer turns the top layer's final h of both directions into 10
logits; plain gradient descent, batch 32.

What changed from TF1:
- `MultiRNNCell` became `keras.layers.StackedRNNCells` in a `keras.layers.RNN`; each layer's
  state `LSTMStateTuple(c, h)` became the list [h, c];
- `DropoutWrapper(output_keep_prob=p)` has no Keras 3 counterpart: a small wrapper cell applies
  `keras.layers.Dropout(rate=1 - p)` to the cell's output, only when called with training=True;
- `tf.nn.bidirectional_dynamic_rnn` became `keras.layers.Bidirectional` over that RNN;
- `sequence_length` became a mask: a `keras.layers.Masking` layer marks the padding rows, and
  the RNN skips them (the final state is each sequence's state at its true end);
- the LSTM initialisers are written out (`tf1to2.rnn_layouts.tf1_lstm_initializers`).
"""
import keras
import tensorflow as tf
from keras import ops

from tf1to2 import data, layouts, mapping, rnn_layouts
from tf1to2.harness import Trace
from tf1to2.hparams import rnn as rnn_hparams

HP = rnn_hparams.RNN_WRAPPERS
LSTM_STATE = "hc"  # the order of an LSTM state: [h, c]


@keras.saving.register_keras_serializable(package="tf1to2")
class OutputDropout(keras.layers.Layer):
    """TF1's `DropoutWrapper(cell, output_keep_prob)`: dropout on the cell's output at each step
    (a new mask every step), none on its state. ``rate`` is the fraction DROPPED."""

    def __init__(self, cell, rate, **kwargs):
        super().__init__(**kwargs)
        self.cell, self.rate = cell, rate
        self.dropout = keras.layers.Dropout(rate)
        self.state_size, self.output_size = cell.state_size, cell.output_size

    def build(self, input_shape):
        self.cell.build(input_shape)

    def call(self, inputs, states, training=False):
        output, states = self.cell(inputs, states, training=training)
        return self.dropout(output, training=training), states

    # keras.layers.Bidirectional builds its two directions from the layer's config.
    def get_config(self):
        return {**super().get_config(), "rate": self.rate,
                "cell": keras.saving.serialize_keras_object(self.cell)}

    @classmethod
    def from_config(cls, config):
        return cls(**{**config, "cell": keras.saving.deserialize_keras_object(config["cell"])})


class RowReader(keras.Model):
    def __init__(self, input_size):
        super().__init__()
        # The padding rows hold pad_value (-1), which no image row does: they are masked.
        self.masking = keras.layers.Masking(mask_value=HP.pad_value)
        cells = [OutputDropout(keras.layers.LSTMCell(
                     units=HP.units, **rnn_layouts.tf1_lstm_initializers(size, HP.units)),
                     rate=1 - HP.keep_prob)
                 for size in [input_size] + [HP.units] * (HP.layers - 1)]
        self.bidirectional = keras.layers.Bidirectional(
            keras.layers.RNN(keras.layers.StackedRNNCells(cells), return_sequences=True,
                             return_state=True), merge_mode=None)
        self.dense = keras.layers.Dense(units=HP.classes)

    def call(self, rows, training=False):
        """Logits for padded ``rows`` [batch, 28, 28], outputs, final states."""
        # Outputs at padding rows are zeros; the final states are taken at each true end.
        forward, backward, *states = self.bidirectional(self.masking(rows), training=training)
        forward_states, backward_states = states[:HP.layers], states[HP.layers:]  # [h, c] lists
        states = {f"{direction}_{layer}_{part}": value
                  for direction, layers in (("forward", forward_states),
                                            ("backward", backward_states))
                  for layer, state in enumerate(layers) for part, value in zip(LSTM_STATE, state)}
        top = HP.layers - 1
        features = ops.concatenate([states[f"forward_{top}_h"], states[f"backward_{top}_h"]],
                                   axis=1)
        logits = self.dense(features)
        return logits, {"forward_outputs": forward, "backward_outputs": backward, **states}


def build_model(rows):
    model = RowReader(input_size=rows.shape[-1])
    model(rows[:, :1])  # Keras creates the weights on the first call (one time step will do).
    return model


def compute_loss(labels, logits):
    return ops.mean(keras.losses.sparse_categorical_crossentropy(labels, logits,
                                                                 from_logits=True))


def tf1_names(model):
    """The name map: each TF1 variable name and the Keras variable(s) replacing it."""
    names = {}
    for direction, layer in (("fw", model.bidirectional.forward_layer),
                             ("bw", model.bidirectional.backward_layer)):
        for number, wrapper in enumerate(layer.cell.cells):
            names.update(layouts.lstm(
                layouts.rnn_scope("lstm_cell", number, f"bidirectional_rnn/{direction}"),
                wrapper.cell, HP.forget_bias))
    names.update({"dense/kernel": model.dense.kernel, "dense/bias": model.dense.bias})
    return names


def trace(seed=0, steps=HP.steps, initial_values=None, dropout=False):
    """What the equivalence check compares: the first batch's outputs, loss and gradients without
    dropout, the dropout rate in training mode, then ``steps`` steps of gradient descent (with
    dropout only if ``dropout``: the two sides' masks cannot be made equal)."""
    mnist = data.mnist(HP.data_source)
    batches = list(rnn_layouts.mnist_row_batches(mnist, HP.batch_size, max(steps, 1), seed,
                                                 HP.min_length, HP.pad_value))
    rows, labels, lengths = batches[0]
    keras.utils.set_random_seed(seed)
    model = build_model(rows)
    variables = tf1_names(model)
    optimizer = keras.optimizers.SGD(learning_rate=HP.learning_rate)

    # One traced function serves the check and every step (tracing the loops and their
    # gradients is what takes time): TF1's compute_gradients, then apply_gradients.
    @tf.function
    def compute_gradients(rows, labels, training):
        with tf.GradientTape() as tape:
            logits, outputs = model(rows, training=training)
            loss = compute_loss(labels, logits)
        return loss, {**outputs, "logits": logits}, tape.gradient(loss, model.trainable_variables)

    if initial_values is not None:
        mapping.assign(variables, initial_values)
    loss, outputs, gradients = compute_gradients(rows, labels, False)
    # Dropout in training mode, for its statistics (a traced call: eagerly, the Python loop over
    # 28 steps of four cells is slower than tracing it).
    dropped = tf.function(model)(rows, training=True)[1]["forward_outputs"]
    result = Trace(variables=mapping.read(variables),
                   outputs={name: value.numpy() for name, value in outputs.items()},
                   loss={"loss": loss.numpy()},
                   gradients=mapping.gradients_by_tf1_name(
                       variables, model.trainable_variables, gradients),
                   metrics={"dropped_fraction": rnn_layouts.dropped_fraction(
                       dropped, outputs["forward_outputs"], lengths)})
    for rows_batch, labels_batch, _ in batches[:steps]:
        step_loss, _, gradients = compute_gradients(rows_batch, labels_batch, dropout)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        result.record_step(step_loss, mapping.read(variables))
    return result


def main():
    result = trace(steps=HP.train_steps, dropout=True)
    print(f"loss: {result.losses[0]:.4f} at the first step, {result.losses[-1]:.4f} after "
          f"{HP.train_steps} steps; dropout zeroed {result.metrics['dropped_fraction']:.3f} "
          f"of the outputs with keep_prob {HP.keep_prob}")


if __name__ == "__main__":
    main()
