"""Weight and checkpoint mapping between TF1 variable names and TF2 (Keras 3) variables.

A TF1 model names its variables by scope (``dense/kernel``); a Keras 3 model holds them as
attributes of layer objects and ``tf.train.Checkpoint`` keys them by object path. Each TF2
example therefore states its **name map** explicitly, as a function from the model to
``{tf1_name: tf2_variable}``: that map is migration knowledge, and it is written out in the
example and its guide. Where TF1 and TF2 lay a weight out differently (an LSTM kernel, say), a
map entry also carries the conversion both ways (:class:`Converted`).

The helpers here apply a map: copy TF1 values in, read TF2 values out by TF1 name, and read a
TF1 ``Saver`` checkpoint. A missing or extra name is a one-line :class:`UserError` that lists them.
"""
import dataclasses
import typing

import numpy as np

from tf1to2.errors import UserError


@dataclasses.dataclass(frozen=True)
class Converted:
    """A TF2 variable whose value is a conversion of a TF1 value (and back).

    ``variable`` may also be a tuple of TF2 variables, for a TF1 variable that TF2 splits in
    several (a ``BasicLSTMCell`` kernel becomes ``kernel`` and ``recurrent_kernel``): then
    ``to_tf2`` returns, and ``to_tf1`` and ``gradient_to_tf1`` take, a tuple in the same order.
    """
    variable: typing.Any
    to_tf2: typing.Callable  # TF1 layout -> TF2 layout
    to_tf1: typing.Callable  # TF2 layout -> TF1 layout
    # Gradients (and optimizer slots, which are sums of gradients and of their squares) convert
    # like values except where a conversion adds a constant (an LSTM's folded forget bias): then
    # these give the conversion without the constant; default: the same as for values.
    gradient_to_tf1: typing.Optional[typing.Callable] = None
    gradient_to_tf2: typing.Optional[typing.Callable] = None

    def gradient_conversions(self):
        """(TF1 → TF2, TF2 → TF1) for gradients and optimizer slots."""
        if (self.gradient_to_tf1 is None) != (self.gradient_to_tf2 is None):
            raise ValueError("a Converted entry gives both gradient conversions or neither")
        return (self.gradient_to_tf2 or self.to_tf2, self.gradient_to_tf1 or self.to_tf1)


def _entry(target):
    if isinstance(target, Converted):
        return target
    identity = lambda value: value  # noqa: E731
    return Converted(target, identity, identity)


def _variables(entry):
    """The TF2 variables of a map entry, as a tuple (several for a TF1 variable TF2 splits)."""
    return entry.variable if isinstance(entry.variable, tuple) else (entry.variable,)


def _joined(entry, parts):
    """Per-variable arrays as ``to_tf1`` takes them: a tuple for a split variable, else one."""
    return tuple(parts) if isinstance(entry.variable, tuple) else parts[0]


def check_names(expected, given, what):
    """Raise a one-line UserError listing the names ``given`` lacks and the ones it has extra."""
    missing, extra = sorted(set(expected) - set(given)), sorted(set(given) - set(expected))
    if missing or extra:
        parts = [f"missing {', '.join(missing)}"] * bool(missing) + [f"extra {', '.join(extra)}"] * bool(extra)
        raise UserError(f"{what} does not match the model: {'; '.join(parts)}")


def assign(name_map, values, what="initial values"):
    """Copy TF1-named ``values`` into the TF2 variables of ``name_map`` (all or nothing)."""
    check_names(name_map, values, what)
    converted = {}
    for name, target in name_map.items():
        entry = _entry(target)
        value = entry.to_tf2(np.asarray(values[name]))
        parts = [np.asarray(part)
                 for part in (value if isinstance(entry.variable, tuple) else [value])]
        for variable, part in zip(_variables(entry), parts):
            if tuple(part.shape) != tuple(variable.shape):
                raise UserError(f"{what}: {name} has shape {list(np.shape(values[name]))}, "
                                f"the model expects {list(variable.shape)} after conversion")
        converted[name] = parts
    for name, parts in converted.items():  # only once everything converted: nothing half-written
        for variable, part in zip(_variables(_entry(name_map[name])), parts):
            variable.assign(part)


def load(session, variables, values, what="initial values"):
    """The TF1 counterpart of :func:`assign`: load TF1-named ``values`` into graph variables.

    ``variables`` maps TF1 names to ``tf.compat.v1`` variables; every name must be given and
    every shape must fit before anything is loaded (``Variable.load`` in ``session``).
    """
    check_names(variables, values, what)
    for name, variable in variables.items():
        if tuple(np.shape(values[name])) != tuple(variable.shape.as_list()):
            raise UserError(f"{what}: {name} has shape {list(np.shape(values[name]))}, "
                            f"the model expects {variable.shape.as_list()}")
    for name, variable in variables.items():
        variable.load(values[name], session)


def read(name_map):
    """The TF2 variables' values, by TF1 name and in TF1 layout."""
    values = {}
    for name, target in name_map.items():
        entry = _entry(target)
        values[name] = np.asarray(entry.to_tf1(
            _joined(entry, [np.asarray(variable) for variable in _variables(entry)])))
    return values


def gradients_by_tf1_name(name_map, variables, gradients):
    """Pair tape gradients with the map's variables and convert them to TF1 layout."""
    by_id = {id(variable): gradient for variable, gradient in zip(variables, gradients)}
    result = {}
    for name, target in name_map.items():
        entry = _entry(target)
        gradient = [by_id.get(id(variable)) for variable in _variables(entry)]
        if any(part is None for part in gradient):
            raise UserError(f"no gradient for {name}: it is not connected to the loss")
        convert = entry.gradient_to_tf1 or entry.to_tf1
        result[name] = np.asarray(convert(_joined(entry, [np.asarray(part) for part in gradient])))
    return result


def load_tf1_checkpoint(path, names=None):
    """Read a TF1 ``tf.compat.v1.train.Saver`` checkpoint into {TF1 name: value}.

    Optimizer slots (``.../Adam``, ``beta1_power``, ``global_step``) are left out. With
    ``names``, the checkpoint must hold exactly those model variables.
    """
    import tensorflow as tf
    try:
        reader = tf.train.load_checkpoint(path)
    except (tf.errors.NotFoundError, tf.errors.DataLossError, ValueError) as error:
        raise UserError(f"cannot read checkpoint {path}: {str(error).splitlines()[0]}") from None
    from tf1to2 import slots  # it builds on this module
    slot_suffixes = tuple({f"/{slot.suffix}" for kind in slots.KINDS.values()
                           for slot in kind.slots} | {"/AdagradDA", "/AdagradDA_1"})
    non_slots = ("beta1_power", "beta2_power", "global_step")
    values = {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()
              if not name.endswith(slot_suffixes) and name.rsplit("/", 1)[-1] not in non_slots}
    if names is not None:
        check_names(names, values, f"checkpoint {path}")
    return values


TRAJECTORY_WHOLE_LIMIT = 100_000  # variables up to this many elements are recorded whole


def trajectory_sample(values, stride=7):
    """What a big model's trajectory records per step: small variables whole, big ones sampled.

    A variable of more than ``TRAJECTORY_WHOLE_LIMIT`` elements is recorded as every ``stride``-th
    element along each axis (a 3136x1024 kernel becomes 448x147), under the key
    ``name[::stride]``. The stride is prime so that it does not alias with power-of-two layouts
    (every one of 64 channels of a flattened NHWC map is sampled). Both sides call this on their
    TF1-named values, so the samples line up.
    """
    sample = {}
    for name, value in values.items():
        value = np.asarray(value)
        if value.size <= TRAJECTORY_WHOLE_LIMIT:
            sample[name] = value
        else:
            sample[f"{name}[::{stride}]"] = value[(slice(None, None, stride),) * value.ndim]
    return sample


# --- Gradients that may be None -----------------------------------------------------------------

def _map_leaves(function, values):
    if isinstance(values, dict):
        return {key: _map_leaves(function, value) for key, value in values.items()}
    if isinstance(values, (list, tuple)):
        return [_map_leaves(function, value) for value in values]
    return function(values)


def none_as_nan(values):
    """Nested dicts and lists of tensors as numpy arrays, with NaN wherever a value is None.

    ``tf.gradients`` and ``GradientTape.gradient`` return None for a target that does not depend
    on a source. Recording it as NaN keeps it visible: the comparison counts NaN equal only to
    NaN, so a None on one side and a number on the other fails the check instead of vanishing.
    """
    return _map_leaves(lambda value: np.float32(np.nan) if value is None else np.asarray(value),
                       values)


def run_none_as_nan(session, fetches):
    """``session.run(fetches)`` for fetches that may hold None (a Session refuses to fetch None).

    Runs every tensor in one call and returns the same structure as :func:`none_as_nan`.
    """
    tensors = []
    _map_leaves(lambda value: value is None or tensors.append(value), fetches)
    results = iter(session.run(tensors))
    return none_as_nan(_map_leaves(lambda value: None if value is None else next(results), fetches))


# --- LSTM: tf.nn.rnn_cell.BasicLSTMCell <-> keras.layers.LSTMCell -------------------------------
# (docs/char_rnn.md includes the part between the two --8<-- markers.)
# --8<-- [start:lstm]
# BasicLSTMCell:  i, j, f, o = split(concat[x, h] @ kernel + bias, 4)          (j: the candidate)
#                 c' = c·sigmoid(f + forget_bias) + sigmoid(i)·tanh(j);  h' = tanh(c')·sigmoid(o)
# Keras LSTMCell: i, f, c, o = split(x @ kernel + h @ recurrent_kernel + bias, 4)  (c: candidate)
#                 the same formulas, with the forget bias a trainable part of `bias`.
# The gates are column blocks of width `units` in this order:
TF1_LSTM_GATES = ("input", "candidate", "forget", "output")    # i, j, f, o
KERAS_LSTM_GATES = ("input", "forget", "candidate", "output")  # i, f, c, o


def reorder_lstm_gates(array, from_gates, to_gates):
    """``array`` with the four gate blocks of its last axis moved from one order to another."""
    blocks = dict(zip(from_gates, np.split(np.asarray(array), 4, axis=-1)))
    return np.concatenate([blocks[gate] for gate in to_gates], axis=-1)


def lstm_kernel_to_keras(kernel):
    """BasicLSTMCell ``kernel`` [input + units, 4·units] → (``kernel``, ``recurrent_kernel``)."""
    units = kernel.shape[-1] // 4
    kernel = reorder_lstm_gates(kernel, TF1_LSTM_GATES, KERAS_LSTM_GATES)
    # The TF1 kernel multiplies concat[x, h]: its first rows take x, its last `units` rows h.
    return kernel[:-units], kernel[-units:]


def lstm_kernel_to_tf1(kernels):
    """(``kernel`` [input, 4·units], ``recurrent_kernel`` [units, 4·units]) → BasicLSTMCell's."""
    kernel, recurrent_kernel = kernels
    return reorder_lstm_gates(np.concatenate([kernel, recurrent_kernel], axis=0),
                              KERAS_LSTM_GATES, TF1_LSTM_GATES)


def _forget_block(units):
    forget = KERAS_LSTM_GATES.index("forget")
    return slice(forget * units, (forget + 1) * units)


def lstm_bias_to_keras(bias, forget_bias):
    """BasicLSTMCell ``bias`` [4·units] → LSTMCell ``bias``, with ``forget_bias`` folded in.

    BasicLSTMCell adds ``forget_bias`` (1.0 by default) to the forget gate at every step without
    storing it; Keras has only the trainable bias, so the constant goes into its forget block.
    """
    bias = reorder_lstm_gates(bias, TF1_LSTM_GATES, KERAS_LSTM_GATES)
    bias[_forget_block(bias.shape[-1] // 4)] += np.asarray(forget_bias, bias.dtype)
    return bias


def lstm_bias_to_tf1(bias, forget_bias):
    """LSTMCell ``bias`` → BasicLSTMCell ``bias``: ``forget_bias`` taken out, gates reordered."""
    bias = np.array(bias)  # a copy: the caller's array stays as it was
    bias[_forget_block(bias.shape[-1] // 4)] -= np.asarray(forget_bias, bias.dtype)
    return reorder_lstm_gates(bias, KERAS_LSTM_GATES, TF1_LSTM_GATES)


def lstm_bias_gradient_to_keras(gradient):
    """d loss / d BasicLSTMCell ``bias`` (or an optimizer slot of it) → LSTMCell's: reordered."""
    return reorder_lstm_gates(gradient, TF1_LSTM_GATES, KERAS_LSTM_GATES)


def lstm_bias_gradient_to_tf1(gradient):
    """d loss / d LSTMCell ``bias`` → d loss / d BasicLSTMCell ``bias``: reordered only.

    ``forget_bias`` is a constant added to the bias: it moves the value, not the gradient.
    """
    return reorder_lstm_gates(gradient, KERAS_LSTM_GATES, TF1_LSTM_GATES)
# --8<-- [end:lstm]
