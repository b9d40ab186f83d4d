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
    """A TF2 variable whose value is a conversion of a TF1 value (and back)."""
    variable: typing.Any
    to_tf2: typing.Callable  # TF1 layout -> TF2 layout
    to_tf1: typing.Callable  # TF2 layout -> TF1 layout
    # Gradients convert like values except where a conversion adds a constant (an LSTM's
    # folded forget bias): then these give the gradient conversion; default: same as values.
    gradient_to_tf1: typing.Optional[typing.Callable] = None


def _entry(target):
    if isinstance(target, Converted):
        return target
    identity = lambda value: value  # noqa: E731
    return Converted(target, identity, identity)


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
        value = np.asarray(entry.to_tf2(np.asarray(values[name])))
        if tuple(value.shape) != tuple(entry.variable.shape):
            raise UserError(f"{what}: {name} has shape {list(np.shape(values[name]))}, "
                            f"the model expects {list(entry.variable.shape)} after conversion")
        converted[name] = value
    for name, value in converted.items():  # only once everything converted: nothing half-written
        _entry(name_map[name]).variable.assign(value)


def read(name_map):
    """The TF2 variables' values, by TF1 name and in TF1 layout."""
    return {name: np.asarray(_entry(target).to_tf1(np.asarray(_entry(target).variable)))
            for name, target in name_map.items()}


def gradients_by_tf1_name(name_map, variables, gradients):
    """Pair tape gradients with the map's variables and convert them to TF1 layout."""
    by_id = {id(variable): gradient for variable, gradient in zip(variables, gradients)}
    result = {}
    for name, target in name_map.items():
        entry = _entry(target)
        gradient = by_id.get(id(entry.variable))
        if gradient is None:
            raise UserError(f"no gradient for {name}: it is not connected to the loss")
        convert = entry.gradient_to_tf1 or entry.to_tf1
        result[name] = np.asarray(convert(np.asarray(gradient)))
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
    slot_suffixes = ("/Adam", "/Adam_1", "/Momentum", "/RMSProp", "/RMSProp_1", "/Adagrad")
    values = {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()
              if not name.endswith(slot_suffixes)
              and name not in ("beta1_power", "beta2_power", "global_step")}
    if names is not None:
        check_names(names, values, f"checkpoint {path}")
    return values
