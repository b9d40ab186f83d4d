"""TF1 RNN cells' weight layouts against Keras 3 cells: name maps, conversions, initialisers.

The BasicLSTMCell conversions (one kernel over concat[x, h], gate order i, j, f, o, the folded
``forget_bias``) are in :mod:`tf1to2.mapping`; this module adds what the other v1 cells need:

- ``GRUCell``: two kernels over concat[x, h] (``gates/kernel`` with the reset and update gates,
  ``candidate/kernel``) and two biases, against Keras ``GRUCell``'s ``kernel``,
  ``recurrent_kernel`` and ``bias`` with the gates in the order z (update), r (reset), h
  (candidate). Each TF1 variable becomes column blocks of several Keras variables, so a map entry
  targets :class:`Block` s, parts of a Keras variable;
- ``LSTMCell(num_proj=P)``: the kernel's recurrent rows take the projected h, P rows, not units
  (otherwise :func:`tf1to2.layouts.lstm` maps an LSTM cell);
- initialisers: TF1 draws ``glorot_uniform`` over each whole TF1 matrix; :func:`tf1_glorot_part`
  gives the ``VarianceScaling`` that draws a Keras part of it with the same bound.

It also cuts MNIST into row sequences (with padding) for both sides of the RNN pairs.
"""
import dataclasses
import functools

import keras
import numpy as np

from tf1to2 import layouts, mapping


# --- The data: MNIST images read row by row ----------------------------------------------------

def mnist_row_batches(mnist, batch_size, count, seed, min_length=28, pad_value=0.0):
    """``count`` batches of (rows [batch, 28, 28] float32, labels int32, lengths int32).

    Images are drawn with replacement by one seeded generator (as ``MNIST.random_batches``);
    each gets a length in [min_length, 28] from the same generator, and its rows from that length
    on are set to ``pad_value``: the padding of a batch of variable-length sequences.
    """
    rng = np.random.default_rng(seed)
    steps = mnist.train_images.shape[1]
    for _ in range(count):
        index = rng.integers(0, len(mnist.train_labels), batch_size)
        lengths = rng.integers(min_length, steps + 1, batch_size).astype(np.int32)
        rows = mnist.train_images[index, :, :, 0].copy()
        rows[np.arange(steps)[np.newaxis, :] >= lengths[:, np.newaxis]] = pad_value
        yield rows, mnist.train_labels[index], lengths


def dropped_fraction(dropped, outputs, lengths):
    """The fraction of ``outputs`` [batch, time, units] that dropout set to zero in ``dropped``
    (the same forward pass in training mode), within each sequence's length. Outputs that are
    zero anyway (a blank first row from a zero state with a zero bias gives h = 0) are left out."""
    dropped, outputs = np.asarray(dropped), np.asarray(outputs)
    valid = np.arange(outputs.shape[1])[np.newaxis, :] < np.asarray(lengths)[:, np.newaxis]
    valid = valid[..., np.newaxis] & (outputs != 0)
    return np.float32(np.mean(dropped[valid] == 0))


# --- Parts of Keras variables as name-map targets ----------------------------------------------

class Block:
    """``variable[index]``, a part of a Keras variable, as the target of a name-map entry.

    ``mapping.assign``/``read`` use its ``shape``, ``assign`` and numpy value; several entries
    may write different blocks of one variable (each assign reads the variable, sets its block and
    writes it back). Gradients: :func:`gradients_by_tf1_name`.
    """

    def __init__(self, variable, index):
        self.variable, self.index = variable, index

    def __array__(self, dtype=None, copy=None):
        return np.array(np.asarray(self.variable)[self.index], dtype=dtype)

    @property
    def shape(self):
        return np.asarray(self.variable)[self.index].shape

    def assign(self, value):
        full = np.array(self.variable)
        full[self.index] = value
        self.variable.assign(full)


def _parts(entry):
    variable = entry.variable if isinstance(entry, mapping.Converted) else entry
    return variable if isinstance(variable, tuple) else (variable,)


def gradients_by_tf1_name(name_map, variables, gradients):
    """``mapping.gradients_by_tf1_name`` for maps whose entries may target :class:`Block` s."""
    by_id = {id(variable): gradient for variable, gradient in zip(variables, gradients)}
    blocks = [part for entry in name_map.values() for part in _parts(entry)
              if isinstance(part, Block)]
    block_gradients = [None if by_id.get(id(block.variable)) is None
                       else np.asarray(by_id[id(block.variable)])[block.index] for block in blocks]
    return mapping.gradients_by_tf1_name(name_map, [*variables, *blocks],
                                         [*gradients, *block_gradients])


# --- Initialisers: TF1's glorot_uniform over a whole TF1 matrix, drawn part by part -----------

def tf1_glorot_part(part_shape, tf1_shape):
    """The Keras initialiser of a ``part_shape`` part of a TF1 ``tf1_shape`` glorot matrix.

    TF1 draws U(±sqrt(6 / (fan_in + fan_out))) with the fans of the whole TF1 matrix (an LSTM
    kernel [input + units, 4·units]); Keras ``VarianceScaling(scale, "fan_avg", "uniform")``
    draws U(±sqrt(6·scale / (rows + columns))) with the part's own: scale = the ratio of the two.
    """
    return keras.initializers.VarianceScaling(scale=sum(part_shape) / sum(tf1_shape),
                                              mode="fan_avg", distribution="uniform")


class GateBlocks(keras.initializers.Initializer):
    """Initialise the gate blocks of a Keras kernel or bias (its last axis) one by one.

    A Keras GRU kernel holds in one matrix gates that TF1 keeps in two, with different glorot
    bounds. Pass one initializer per block, in the Keras gate order; each must be its own
    instance (an unseeded Keras initializer instance draws the same values at every call).
    """

    def __init__(self, *initializers):
        self.initializers = initializers

    def __call__(self, shape, dtype=None):
        width = shape[-1] // len(self.initializers)
        return keras.ops.concatenate([initializer((*shape[:-1], width), dtype=dtype)
                                      for initializer in self.initializers], axis=-1)


def tf1_lstm_initializers(input_size, units, recurrent_rows=None):
    """Keras LSTM cell arguments that initialise as v1 ``LSTMCell``/``BasicLSTMCell`` do.

    TF1: one glorot_uniform kernel [input + recurrent_rows, 4·units] (recurrent_rows is units,
    or num_proj) and a zero bias, plus forget_bias 1.0 in the cell. Keras: each kernel part with
    TF1's bound, and ``unit_forget_bias`` puts the 1.0 into the bias, where the map folds it.
    """
    rows = input_size + (recurrent_rows or units)
    return dict(kernel_initializer=tf1_glorot_part((input_size, 4 * units), (rows, 4 * units)),
                recurrent_initializer=tf1_glorot_part((recurrent_rows or units, 4 * units),
                                                      (rows, 4 * units)),
                unit_forget_bias=True)


def lstm_bias_initializer(forget_bias):
    """A Keras LSTM bias initialiser (gates i, f, c, o) that starts where TF1's zero bias plus
    the folded ``forget_bias`` does (``unit_forget_bias=True`` for a forget_bias of 1.0)."""
    return GateBlocks(*(keras.initializers.Constant(forget_bias if gate == "forget" else 0.0)
                        for gate in mapping.KERAS_LSTM_GATES))


# --- GRUCell: gates/kernel (r, u) + candidate/kernel <-> kernel, recurrent_kernel (z, r, h) ----
# --8<-- [start:gru]
# TF1 GRUCell:    r, u = split(sigmoid(concat[x, h] @ gates/kernel + gates/bias), 2)
#                 c = tanh(concat[x, r·h] @ candidate/kernel + candidate/bias)
#                 h' = u·h + (1 − u)·c
# Keras GRUCell(reset_after=False):
#                 z = sigmoid(x @ kernel_z + h @ recurrent_kernel_z + bias_z)   (z is TF1's u)
#                 r = sigmoid(x @ kernel_r + h @ recurrent_kernel_r + bias_r)
#                 hh = tanh(x @ kernel_h + (r·h) @ recurrent_kernel_h + bias_h)
#                 h' = z·h + (1 − z)·hh
# reset_after=True (Keras' default) computes r·(h @ recurrent_kernel_h + recurrent_bias_h)
# instead of (r·h) @ recurrent_kernel_h: another function, which no weights make equal.
TF1_GRU_GATES = ("reset", "update")                  # gates/kernel's two column blocks
KERAS_GRU_GATES = ("update", "reset", "candidate")   # z, r, h


def _gru_columns(units, gate):
    start = KERAS_GRU_GATES.index(gate) * units
    return slice(start, start + units)


def gru_names(scope, cell):
    """The name map of a v1 ``GRUCell`` under ``scope`` onto a Keras ``GRUCell``.

    Each TF1 kernel's column blocks (gates) go to the Keras kernel (its x rows) and recurrent
    kernel (its h rows); the biases to blocks of ``bias`` (its input row with reset_after=True).
    """
    units = cell.units

    def kernel(gates):  # a TF1 kernel over concat[x, h] whose column blocks are these gates
        parts = tuple(Block(variable, (Ellipsis, _gru_columns(units, gate)))
                      for gate in gates for variable in (cell.kernel, cell.recurrent_kernel))

        def to_tf2(value):
            return tuple(rows for block in np.split(value, len(gates), axis=-1)
                         for rows in (block[:-units], block[-units:]))

        def to_tf1(values):
            return np.concatenate([np.concatenate(values[2 * i:2 * i + 2], axis=0)
                                   for i in range(len(gates))], axis=-1)
        return mapping.Converted(parts, to_tf2, to_tf1)

    def bias(gates):
        row = (0,) if len(cell.bias.shape) == 2 else ()   # reset_after=True: [input, recurrent]
        parts = tuple(Block(cell.bias, (*row, _gru_columns(units, gate))) for gate in gates)
        return mapping.Converted(parts, lambda value: tuple(np.split(value, len(gates), axis=-1)),
                                 lambda values: np.concatenate(values, axis=-1))

    return {f"{scope}/gates/kernel": kernel(TF1_GRU_GATES),
            f"{scope}/gates/bias": bias(TF1_GRU_GATES),
            f"{scope}/candidate/kernel": kernel(("candidate",)),
            f"{scope}/candidate/bias": bias(("candidate",))}
# --8<-- [end:gru]


def tf1_gru_initializers(input_size, units):
    """Keras ``GRUCell`` arguments that initialise as v1 ``GRUCell`` does.

    TF1: glorot_uniform over ``gates/kernel`` [input + units, 2·units] and, with another bound,
    over ``candidate/kernel`` [input + units, units]; ``gates/bias`` starts at **1.0**,
    ``candidate/bias`` at 0 (PITFALLS #6). Keras' defaults: one glorot kernel, an orthogonal
    recurrent kernel, a zero bias.
    """
    rows = input_size + units
    tf1_shapes = {"update": (rows, 2 * units), "reset": (rows, 2 * units),
                  "candidate": (rows, units)}

    def blocks(part_rows):
        return GateBlocks(*(tf1_glorot_part((part_rows, units), tf1_shapes[gate])
                            for gate in KERAS_GRU_GATES))

    bias = {"update": 1.0, "reset": 1.0, "candidate": 0.0}
    return dict(kernel_initializer=blocks(input_size), recurrent_initializer=blocks(units),
                bias_initializer=GateBlocks(*(keras.initializers.Constant(bias[gate])
                                              for gate in KERAS_GRU_GATES)))


# --- LSTMCell: the v1 cell with a projection, and its map --------------------------------------

def lstm_kernel_to_keras(kernel, recurrent_rows):
    """v1 ``LSTMCell`` kernel [input + recurrent_rows, 4·units] → (kernel, recurrent_kernel).

    ``mapping.lstm_kernel_to_keras`` splits off ``units`` recurrent rows; with ``num_proj`` the
    recurrent input is the projected h, so the kernel has ``num_proj`` recurrent rows.
    """
    kernel = mapping.reorder_lstm_gates(kernel, mapping.TF1_LSTM_GATES, mapping.KERAS_LSTM_GATES)
    return kernel[:-recurrent_rows], kernel[-recurrent_rows:]


def projected_lstm(scope, cell, forget_bias):
    """The name map of a v1 ``LSTMCell``'s kernel and bias under ``scope`` onto a Keras cell with
    ``kernel``, ``recurrent_kernel`` and ``bias`` (gates i, f, c, o) whose recurrent input may be
    a projection: ``layouts.lstm`` with the kernel split at the recurrent kernel's rows."""
    names = layouts.lstm(scope, cell, forget_bias)
    kernel = f"{scope}/kernel"
    names[kernel] = dataclasses.replace(names[kernel], to_tf2=functools.partial(
        lstm_kernel_to_keras, recurrent_rows=cell.recurrent_kernel.shape[0]))
    return names
