"""Name-map helpers for the TF1 layouts real code has, and a proposed map for a Keras model.

A name map (:mod:`tf1to2.mapping`) is ``{TF1 variable name: Keras variable}``. For the layers
legacy code is written in, one line per layer is enough:

    name_map = {**layouts.dense("dense", model.hidden),
                **layouts.conv2d("conv2d_1", model.conv),
                **layouts.batch_normalization("batch_normalization", model.norm),
                **layouts.slim_fully_connected("fc1", model.fc1),
                **layouts.lstm(layouts.rnn_scope("basic_lstm_cell"), model.lstm),
                **layouts.embedding("embedding", model.embed)}

How TF1 names them:

| TF1 code | variables |
|---|---|
| ``tf.layers.dense`` / ``conv2d`` | ``dense/kernel``, ``dense/bias`` (then ``dense_1``, ...) |
| ``tf.layers.batch_normalization`` | ``batch_normalization/{gamma,beta,moving_mean,moving_variance}`` |
| ``slim.fully_connected`` / ``slim.conv2d`` | ``fc1/weights``, ``fc1/biases``; with ``normalizer_fn=slim.batch_norm``: ``fc1/BatchNorm/{beta,moving_mean,moving_variance}`` (no ``gamma`` unless ``scale=True``) and no biases |
| ``BasicLSTMCell`` / ``LSTMCell`` under ``static_rnn``/``dynamic_rnn`` | ``rnn/basic_lstm_cell/{kernel,bias}`` / ``rnn/lstm_cell/...``; ``MultiRNNCell``: ``rnn/multi_rnn_cell/cell_0/basic_lstm_cell/...`` |
| ``GRUCell`` | ``rnn/gru_cell/gates/{kernel,bias}``, ``rnn/gru_cell/candidate/{kernel,bias}`` |
| ``tf.get_variable("embedding", [vocab, dim])`` | ``embedding`` |

:func:`propose_map` builds the map from a TF1 checkpoint (or its names and shapes) and a Keras
model where layer order and shapes make it unambiguous, and refuses, listing the candidates,
where they do not.
"""
import collections
import functools
import re

import numpy as np

from tf1to2 import mapping
from tf1to2.errors import UserError


def dense(scope, layer):
    """``tf.layers.dense``: ``scope/kernel`` and ``scope/bias`` (when the layer has one)."""
    entries = {f"{scope}/kernel": layer.kernel}
    if getattr(layer, "bias", None) is not None:
        entries[f"{scope}/bias"] = layer.bias
    return entries


conv2d = dense  # tf.layers.conv2d names its variables as dense does; kernels are both HWIO


def batch_normalization(scope, layer):
    """``tf.layers.batch_normalization`` or slim's ``BatchNorm`` scope: the parameters it has."""
    entries = {}
    for name in ("gamma", "beta", "moving_mean", "moving_variance"):
        variable = getattr(layer, name, None)
        if variable is not None:
            entries[f"{scope}/{name}"] = variable
    return entries


def slim_fully_connected(scope, layer, norm=None):
    """``slim.fully_connected``/``slim.conv2d``: ``weights``, ``biases``, or a BatchNorm scope."""
    entries = {f"{scope}/weights": layer.kernel}
    if getattr(layer, "bias", None) is not None:
        entries[f"{scope}/biases"] = layer.bias
    if norm is not None:
        entries.update(batch_normalization(f"{scope}/BatchNorm", norm))
    return entries


slim_conv2d = slim_fully_connected


def embedding(name, layer):
    """A ``tf.get_variable`` embedding matrix [vocabulary, dimension] and ``keras.layers.Embedding``."""
    return {name: layer.embeddings}


def rnn_scope(cell="basic_lstm_cell", layer=None, outer="rnn"):
    """The scope of a cell's variables: ``rnn/basic_lstm_cell``, or in a ``MultiRNNCell``
    (``layer`` = 0, 1, ...) ``rnn/multi_rnn_cell/cell_0/basic_lstm_cell``. ``static_rnn`` and
    ``dynamic_rnn`` both open ``rnn``; ``bidirectional_dynamic_rnn`` opens
    ``bidirectional_rnn/fw`` and ``bidirectional_rnn/bw`` (pass them as ``outer``)."""
    if layer is None:
        return f"{outer}/{cell}"
    return f"{outer}/multi_rnn_cell/cell_{layer}/{cell}"


def lstm(scope, layer, forget_bias=1.0):
    """``BasicLSTMCell``/``LSTMCell`` (no peepholes, no projection) → a Keras ``LSTM`` or
    ``LSTMCell``: the kernel split in two, the gates reordered (i, j, f, o → i, f, c, o) and the
    constant forget bias folded into Keras' trainable bias (PITFALLS #1-#3)."""
    cell = getattr(layer, "cell", layer)
    return {
        f"{scope}/kernel": mapping.Converted(
            (cell.kernel, cell.recurrent_kernel),
            to_tf2=mapping.lstm_kernel_to_keras, to_tf1=mapping.lstm_kernel_to_tf1),
        f"{scope}/bias": mapping.Converted(
            cell.bias,
            to_tf2=functools.partial(mapping.lstm_bias_to_keras, forget_bias=forget_bias),
            to_tf1=functools.partial(mapping.lstm_bias_to_tf1, forget_bias=forget_bias),
            gradient_to_tf1=mapping.lstm_bias_gradient_to_tf1,
            gradient_to_tf2=mapping.lstm_bias_gradient_to_keras),
    }


# --- proposing a map -------------------------------------------------------------------------

# What each Keras weight is called in TF1 layouts, by the attribute that holds it.
_KINDS = {"kernel": ("kernel", "weights"), "bias": ("bias", "biases"),
          "gamma": ("gamma",), "beta": ("beta",), "moving_mean": ("moving_mean",),
          "moving_variance": ("moving_variance",), "embeddings": ("embedding", "embeddings")}
_NUMBERED = re.compile(r"^(.*?)(?:_(\d+))?$")


def _tf1_shapes(source):
    """{name: shape} from a checkpoint path, or from a dict of values or shapes."""
    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        source = mapping.load_tf1_checkpoint(str(source))
    return {name: tuple(value) if isinstance(value, (tuple, list)) else tuple(np.shape(value))
            for name, value in source.items()}


def _scope_key(scope):
    """Natural creation order of auto-named scopes: ``dense`` < ``dense_1`` < ``dense_10``."""
    parts = []
    for part in scope.split("/"):
        family, number = _NUMBERED.match(part).groups()
        parts.append((family, int(number) if number else 0))
    return parts


def _family(scope):
    return tuple(key[0] for key in _scope_key(scope))


def _keras_weights(model):
    """(kind, variable, layer path) for every weight, in the model's layer order."""
    found = []

    def visit(layer, path):
        cell = getattr(layer, "cell", None)
        if cell is not None and hasattr(cell, "recurrent_kernel"):
            found.append(("lstm" if hasattr(cell, "unit_forget_bias") else "rnn", cell, path))
            return
        sublayers = [sub for sub in getattr(layer, "_layers", []) or []]
        own = [(kind, getattr(layer, kind, None)) for kind in _KINDS]
        own = [(kind, variable) for kind, variable in own if variable is not None]
        for kind, variable in own:
            found.append((kind, variable, path))
        for index, sub in enumerate(sublayers):
            visit(sub, f"{path}/{sub.name}" if path else sub.name)

    for layer in model.layers:
        visit(layer, layer.name)
    return found


def propose_map(tf1_source, model, forget_bias=1.0):
    """The name map of a Keras ``model`` for a TF1 checkpoint, where it is unambiguous.

    ``tf1_source``: a ``Saver`` checkpoint path, or {TF1 name: value or shape}. Each Keras weight
    takes the TF1 variable of the same kind (``kernel``/``weights``, ``bias``/``biases``,
    ``gamma``, ...) and shape; where several have the same kind and shape, they pair in order
    (the Keras layer order against TF1's creation order, ``dense`` < ``dense_1`` < ``dense_2``),
    which is only trusted when all of them are auto-numbered scopes of one family. An LSTM takes
    a TF1 ``kernel`` of shape [input + units, 4·units] and converts (:func:`lstm`). Raises a
    one-line UserError listing the candidates of the first ambiguous weight, or the variables
    left over on either side.
    """
    shapes = _tf1_shapes(tf1_source)
    unused = dict(shapes)
    name_map = {}
    by_group = collections.defaultdict(list)
    for kind, variable, path in _keras_weights(model):
        if kind in ("lstm", "rnn"):
            if kind == "rnn":
                raise UserError(f"{path}: only LSTM cells are proposed automatically; map "
                                f"GRU and other cells by hand (tf1to2.layouts)")
            units = variable.recurrent_kernel.shape[0]
            inputs = variable.kernel.shape[0]
            by_group[("lstm", (inputs + units, 4 * units))].append((variable, path))
        else:
            by_group[(kind, tuple(variable.shape))].append((variable, path))
    for (kind, shape), targets in by_group.items():
        suffixes = _KINDS.get(kind, ("kernel",))
        candidates = sorted((name for name, tf1_shape in unused.items()
                             if name.rsplit("/", 1)[-1] in suffixes and tf1_shape == shape),
                            key=lambda name: _scope_key(name.rsplit("/", 1)[0]))
        where = ", ".join(path for _, path in targets)
        if len(candidates) < len(targets):
            raise UserError(f"no TF1 {kind} of shape {list(shape)} for {where}; TF1 variables "
                            f"left: {', '.join(sorted(unused)) or 'none'}")
        if len(candidates) > len(targets) or (
                len(targets) > 1 and len({_family(name.rsplit("/", 1)[0])
                                          for name in candidates}) > 1):
            raise UserError(f"ambiguous: {where} ({kind} {list(shape)}) could be any of "
                            f"{', '.join(candidates)}; write these entries by hand")
        for (variable, _), name in zip(targets, candidates):
            del unused[name]
            if kind == "lstm":
                scope = name.rsplit("/", 1)[0]
                entries = lstm(scope, variable, forget_bias)
                missing = [entry for entry in entries if entry != name and entry not in unused]
                if missing:
                    raise UserError(f"{scope}: TF1 has a kernel but no {', '.join(missing)}")
                for entry in entries:
                    unused.pop(entry, None)
                name_map.update(entries)
            else:
                name_map[name] = variable
    if unused:
        raise UserError(f"TF1 variables no Keras weight takes: {', '.join(sorted(unused))}")
    return name_map
